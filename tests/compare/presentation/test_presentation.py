"""The story page's rows, built from a real alignment of the demo stories: nothing lost, nothing twice."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.management import call_command

from articles.models import Story
from compare import presentation, services

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0, reset=True)
        results = []
        for story in Story.objects.all():
            articles = services.versions_of(story)
            results.append((articles, services.load_alignment(services.get_or_compute(story, articles))))
        yield results
        Story.objects.all().delete()


def test_every_sentence_of_every_version_is_shown_exactly_once_whatever_the_base(demo):
    for articles, alignment in demo:
        versions = presentation.build_versions(articles)
        ids = list(versions)
        for base in ids:
            comparison = presentation.build_comparison(alignment, versions, base, [i for i in ids if i != base])
            for version in ids:
                shown = Counter(
                    segment
                    for row in comparison.rows
                    for piece in row.pieces
                    if piece.version.id == version and piece.gap is None
                    for segment in piece.covers
                )
                expected = range(len(alignment.segments[version]))
                assert sorted(shown) == list(expected), (base, version)
                assert all(count == 1 for count in shown.values()), (base, version)


def test_rows_follow_the_base_in_its_own_order(demo):
    for articles, alignment in demo:
        versions = presentation.build_versions(articles)
        base = next(iter(versions))
        comparison = presentation.build_comparison(alignment, versions, base, [i for i in versions if i != base])
        order = [row.cells[0].pieces[0].segment for row in comparison.rows if not row.extra]
        assert order == sorted(order)


def test_share_percentages_add_up_to_a_full_bar(demo):
    for articles, alignment in demo:
        versions = presentation.build_versions(articles)
        ids = list(versions)
        for bar in presentation.share_bars(alignment, versions, ids[0], ids):
            for parts in (bar.parts, bar.base_parts) if bar.base_parts else (bar.parts,):
                assert sum(part.percent for part in parts) == 100
                assert all(part.offset + part.percent <= 100 for part in parts)


def test_a_passage_whose_row_is_out_of_its_versions_order_counts_as_moved():
    # A version's passages sit in rows 0, 5, 1, 2 (two passages may share a row): the one in row 5 moved.
    from compare.presentation.rows import _longest_in_order

    assert _longest_in_order([0, 5, 1, 2]) == {0, 2, 3}
    assert _longest_in_order([0, 1, 1, 2]) == {0, 1, 2, 3}


def test_text_outside_every_sentence_is_found_as_gaps():
    from compare.engine import Segment

    text = "Share this\n\nFirst sentence. Second one.\n\nPost a comment"
    first = text.index("First")
    segments = [
        Segment(index=0, start=first, end=first + 15, paragraph=0),
        Segment(index=1, start=first + 16, end=first + 27, paragraph=0),
    ]
    gaps = presentation.comparison.text_gaps(text, segments)
    assert [(after, text[s:e]) for after, s, e in gaps] == [(-1, "Share this"), (1, "Post a comment")]


# --- marks: only where something changed ---------------------------------------------------


def _marks_between(a: str, b: str, mode: str = "inline", paraphrase: bool = False) -> str:
    from compare.engine import word_changes
    from compare.presentation.marks import Passages, change_marks, render_span

    changes, moves = word_changes(a, b, (0, len(a)), (0, len(b)))
    marks = change_marks(changes, Passages(a, (0, len(a)), b, (0, len(b))), mode, False, paraphrase, moves)
    shown = a if mode == "old" else b
    return render_span(shown, 0, len(shown), [], marks)


def test_swapped_names_are_marked_as_moved_on_both_sides():
    a, b = "Smith beat Jones in the final.", "Jones beat Smith in the final."
    moved = r'<span class="chg moved"[^>]*>{}</span>'
    for mode in ("new", "old"):
        html = _marks_between(a, b, mode=mode)
        assert re.search(moved.format("Smith"), html) and re.search(moved.format("Jones"), html)
        assert "<ins" not in html and "<del" not in html


def test_quote_mark_style_and_punctuation_alone_raise_no_flag():
    html = _marks_between(
        '"We owe it to every family, who cycles to school," Brennan said.',
        "“We owe it to every family who cycles to school,” Brennan said.",
    )
    assert "chg" in html  # the changes are shown, as trivial ones
    assert "flag" not in html


def test_changed_quoted_words_and_numbers_are_flagged_on_the_words_that_changed():
    html = _marks_between(
        '"We owe it to every family," Brennan said of the 240,000 pound lane.',
        '"We owe it to each family," Brennan said of the 420,000 pound lane.',
    )
    assert re.search(r"each</ins><sup class=\"flag flag-quote\"", html)
    assert re.search(r"420,000</ins><sup class=\"flag flag-number\"", html)
    assert "flag-name" not in html


def test_a_flag_inside_a_paraphrase_says_what_the_other_version_has_there():
    # Only the new words of a paraphrase are shown, so the figure that changed may be in
    # words the reader does not see: the flag names them.
    html = _marks_between(
        "PORT AVERELL, 12 October (Northwire) - The harbour trust will close the bridge.",
        "The Averell Harbour Trust announced on Monday it would shut the bridge.",
        mode="new",
        paraphrase=True,
    )
    title = r'<sup class="flag flag-number" title="Number changed; the other version has “[^"]*12 October'
    assert re.search(title, html)
    assert "(number changed; the other version has “" in html


def test_a_flag_where_the_other_version_has_only_punctuation_says_the_figure_is_not_there():
    html = _marks_between(
        "The library was full, and most came early.", "The library was full of children under ten and most came early."
    )
    assert "flag-number" in html
    # Not "changed": the other version has no figure here at all.
    assert "Number not in the other version here" in html and "changed" not in html
    assert "has “,” here" not in html


def test_a_figure_or_a_name_that_only_moved_within_a_paraphrase_is_not_flagged():
    html = _marks_between(
        "On Monday the council led by Ada Brennan approved the lane after three years of debate.",
        "Three years of debate ended on Monday, when the council approved the lane, Ada Brennan said.",
        mode="new",
        paraphrase=True,
    )
    assert "flag" not in html
    # Words both passages use are shown as shared, unmarked, even inside a reworded stretch.
    assert "<ins" in html
    assert not re.search(r"<ins[^>]*>[^<]*\bcouncil\b[^<]*</ins>", html)
    assert not re.search(r"<ins[^>]*>[^<]*\blane\b[^<]*</ins>", html)


def test_the_summarys_figures_agree_with_each_other(demo):
    for articles, alignment in demo:
        versions = presentation.build_versions(articles)
        ids = list(versions)
        for base in ids:
            context = presentation.summary_context(alignment, versions, base, ids)
            matrix = {(v.id, cell.column.id): cell.value for v, cells in context["heat"] for cell in cells}
            for bar in context["bars"]:
                if bar.is_base:
                    continue
                not_in_base = next(part.percent for part in bar.base_parts if part.kind == "not-in-base")
                assert matrix[(bar.version.id, base)] == 100 - not_in_base
            source = context["source_version"]
            for fact in context["source_facts"]:
                assert fact.found == matrix[(fact.other.id, source.id)]
                assert fact.kept == matrix[(source.id, fact.other.id)]


def test_inside_a_paraphrase_a_figure_is_one_word_never_cut_at_its_decimal_point():
    # "1" of "3.1" is not shared with "1.4": the whole figure is new to the other passage.
    html = _marks_between(
        "The trust will pay 3.1 million pounds itself, and a grant the remaining 1.4 million pounds.",
        "Repairs cost 4.5 million pounds, with 1.4 million pounds coming from a heritage grant.",
        mode="old",
        paraphrase=True,
    )
    assert not re.search(r"\b3</(del|ins)>", html)
    assert re.search(r">[^<]*\b3\.1\b[^<]*</del>", html)


def test_the_same_wording_figure_is_rounded_down_so_100_means_every_word():
    from compare.presentation.comparison import same_percent

    assert same_percent(199 / 200) == 99  # one word in two hundred differs: not 100%
    assert same_percent(1.0) == 100
    assert same_percent(57 / 100) == 57 and same_percent(29 / 50) == 58  # no float error below
    assert same_percent(None) is None


def test_the_matrix_shades_a_cell_by_its_copied_share_alone_so_a_paraphrase_never_looks_copied(demo):
    paraphrased_cells = 0
    for articles, alignment in demo:
        versions = presentation.build_versions(articles)
        ids = list(versions)
        for _, cells in presentation.summary_context(alignment, versions, ids[0], ids)["heat"]:
            for cell in cells:
                if cell.diagonal:
                    continue
                assert cell.copied + cell.paraphrased == cell.value
                assert cell.shade == min(4, cell.copied // 20)
                paraphrased_cells += cell.paraphrased >= 20
    assert paraphrased_cells  # the demo's spun copy: a heavy paraphrase, shaded as little as it copies


def test_the_likely_sources_figures_are_the_matrixs_split_by_kind(demo):
    for articles, alignment in demo:
        versions = presentation.build_versions(articles)
        ids = list(versions)
        context = presentation.summary_context(alignment, versions, ids[0], ids)
        cells = {(v.id, cell.column.id): cell for v, row in context["heat"] for cell in row}
        source = context["source_version"]
        for fact in context["source_facts"]:
            cell = cells[(fact.other.id, source.id)]
            assert (fact.close, fact.paraphrased) == (cell.copied, cell.paraphrased)
