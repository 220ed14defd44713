"""The story page's rows are groups: what corresponds across versions is shown on one row.

Checked on real alignments (the seed story and the demo stories) for every choice of base,
and on hand-made correspondences that the engine may produce: overlapping pairs, one passage
paired with two passages of another version."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from articles.models import Story
from compare import services
from compare.engine import Pair, PairAlignment, Segment, SourceEstimate, StoryAlignment, mirror
from compare.presentation.rows import build_rows, shown_on_one_row

pytestmark = pytest.mark.django_db
ARTICLES: dict[str, list] = {}  # the stories' versions, by title, filled by the fixture


@pytest.fixture(scope="module")
def stories(django_db_setup, django_db_blocker):
    from tests.conftest import SEEDS

    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0, reset=True)
        if SEEDS.is_dir():
            call_command("import_story", str(SEEDS), "--title", "Seed story", stdout=io.StringIO())
        results = {}
        for story in Story.objects.all():
            articles = services.versions_of(story)
            results[story.title] = services.load_alignment(services.get_or_compute(story, articles))
            ARTICLES[story.title] = articles
        yield results
        Story.objects.all().delete()


def test_at_least_95_percent_of_the_engines_pairs_are_shown_on_one_row_for_every_base(stories):
    # The demo stories always; the seed story too wherever ../shared/seeds is (CI has it).
    for title, alignment in stories.items():
        for base in alignment.documents:
            rows = build_rows(alignment, base, alignment.documents)
            together, total = shown_on_one_row(alignment, rows, alignment.documents)
            assert total > 0
            assert together / total >= 0.95, (title, base, together, total)


def test_every_sentence_is_in_exactly_one_row_and_the_base_reads_in_order(stories):
    for title, alignment in stories.items():
        for base in alignment.documents:
            rows = build_rows(alignment, base, alignment.documents)
            for doc in alignment.documents:
                seen = Counter(s for row in rows for member in row.cells[doc] for s in member.segments)
                assert sorted(seen) == list(range(len(alignment.segments[doc]))), (title, base, doc)
                assert set(seen.values()) == {1}
            base_order = [member.first for row in rows for member in row.cells[base]]
            assert base_order == sorted(base_order), (title, base)


def test_the_seed_story_puts_passages_shared_by_two_other_versions_on_one_row(stories):
    # Before, with the default base only 15 of 98 rows showed two or more versions.
    if "Seed story" not in stories:
        pytest.skip("../shared/seeds is not next to the repository")
    alignment = stories["Seed story"]
    base = alignment.source.document or alignment.documents[0]
    rows = build_rows(alignment, base, alignment.documents)
    shared = [row for row in rows if sum(1 for members in row.cells.values() if members) >= 2]
    assert len(shared) >= len(rows) / 2


def test_no_text_is_shown_twice_junk_between_two_sentences_of_a_passage_stays_inside_it(stories):
    from compare import presentation

    for title, alignment in stories.items():
        versions = presentation.build_versions(ARTICLES[title])
        ids = list(versions)
        for base in ids:
            comparison = presentation.build_comparison(alignment, versions, base, [d for d in ids if d != base])
            for doc in ids:
                segments = alignment.segments[doc]
                pieces = [p for row in comparison.rows for p in row.pieces if p.version.id == doc]
                spans = [(segments[p.covers[0]].start, segments[p.covers[-1]].end) for p in pieces if p.gap is None]
                for gap in (p.gap for p in pieces if p.gap is not None):
                    assert not any(start <= gap < end for start, end in spans), (title, base, doc, gap)


def _segments(n: int) -> list[Segment]:
    return [Segment(index=i, start=10 * i, end=10 * i + 9, paragraph=i) for i in range(n)]


def _pair(a: tuple[int, ...], b: tuple[int, ...], kind: str = "verbatim", score: float = 1.0) -> Pair:
    a_span, b_span = (10 * a[0], 10 * a[-1] + 9), (10 * b[0], 10 * b[-1] + 9)
    return Pair(a=a, b=b, a_span=a_span, b_span=b_span, kind=kind, score=score)


def _story(segments: dict[str, int], pairs: dict[tuple[str, str], list[Pair]]) -> StoryAlignment:
    docs = sorted(segments)
    segs = {doc: _segments(n) for doc, n in segments.items()}
    pairwise: dict[tuple[str, str], PairAlignment] = {}
    for x in docs:
        for y in docs:
            if x < y:
                found = pairs.get((x, y), [])
                a_paired = {i for p in found for i in p.a}
                b_paired = {j for p in found for j in p.b}
                alignment = PairAlignment(
                    a_id=x,
                    b_id=y,
                    a_segments=segs[x],
                    b_segments=segs[y],
                    pairs=found,
                    unique_a=[i for i in range(segments[x]) if i not in a_paired],
                    unique_b=[j for j in range(segments[y]) if j not in b_paired],
                )
                pairwise[(x, y)] = alignment
                pairwise[(y, x)] = mirror(alignment)
    return StoryAlignment(
        documents=docs,
        segments=segs,
        pairwise=pairwise,
        groups=[],
        similarity={},
        source=SourceEstimate(None, 0.0, []),
    )


def test_passages_two_other_versions_share_are_on_one_row_even_when_the_base_lacks_them():
    alignment = _story({"a": 2, "b": 3, "c": 3}, {("a", "b"): [_pair((0,), (0,))], ("b", "c"): [_pair((2,), (1,))]})
    rows = build_rows(alignment, "a", ["a", "b", "c"])
    together = [row for row in rows if row.cells["b"] and row.cells["c"] and not row.compact]
    assert [(row.cells["b"][0].segments, row.cells["c"][0].segments) for row in together] == [((2,), (1,))]
    assert not together[0].cells["a"]
    assert shown_on_one_row(alignment, rows, ["a", "b", "c"]) == (2, 2)


def test_overlapping_pairs_are_tolerated_and_the_passage_that_cannot_join_links_to_its_counterpart():
    # Sentence 0 of a is paired with sentences 0 and 5 of b, which lie far apart in b.
    alignment = _story(
        {"a": 3, "b": 6},
        {("a", "b"): [_pair((0,), (0,), score=0.9), _pair((0,), (5,), "paraphrase", 0.5), _pair((1, 2), (1,))]},
    )
    rows = build_rows(alignment, "a", ["a", "b"])
    members = {(m.doc, m.first): m for row in rows for m in row.members}
    row_of = {(m.doc, m.first): i for i, row in enumerate(rows) for m in row.members}
    assert row_of[("a", 0)] == row_of[("b", 0)]  # the stronger pair wins the row
    assert row_of[("b", 5)] != row_of[("a", 0)]
    assert [(link.doc, link.segment) for link in members[("b", 5)].links] == [("a", 0)]
    assert members[("a", 1)].segments == (1, 2)  # a pair over two sentences makes one passage
    assert row_of[("a", 1)] == row_of[("b", 1)]


def test_a_headline_and_a_lead_that_say_the_same_thing_share_a_group():
    alignment = _story(
        {"a": 3, "b": 3},
        {("a", "b"): [_pair((1,), (1,)), _pair((0,), (1,), "paraphrase", 0.6), _pair((2,), (2,))]},
    )
    rows = build_rows(alignment, "a", ["a", "b"])
    first = next(row for row in rows if row.cells["b"] and row.cells["b"][0].first == 1)
    assert [m.first for m in first.cells["a"]] == [0, 1]


def test_unique_means_in_no_other_version_at_all():
    # c's sentence 0 is paired with b only: shown with base a and columns a and c, it is not unique.
    alignment = _story({"a": 1, "b": 1, "c": 2}, {("b", "c"): [_pair((0,), (0,))]})
    rows = build_rows(alignment, "a", ["a", "c"])
    members = {(m.doc, m.first): m for row in rows for m in row.members}
    assert not members[("c", 0)].unique
    assert members[("c", 1)].unique
    assert members[("a", 0)].unique


def test_a_byline_between_a_headline_and_its_lead_stays_between_them_in_their_group():
    # In b, a byline (1) with no counterpart sits between the headline (0) and the lead (2).
    alignment = _story(
        {"a": 3, "b": 4},
        {("a", "b"): [_pair((0,), (2,), "paraphrase", 0.6), _pair((0,), (0,), "edited", 0.9), _pair((1,), (3,))]},
    )
    rows = build_rows(alignment, "a", ["a", "b"])
    first = rows[0]
    assert [m.segments for m in first.cells["b"]] == [(0,), (1,), (2,)]
    assert first.cells["b"][1].unique
    assert shown_on_one_row(alignment, rows, ["a", "b"]) == (3, 3)


def test_the_invariant_holds_with_the_engines_sentence_model_too(stories):
    # The web app may pass sentence vectors to the engine: more, and overlapping, correspondences.
    from compare.engine import align_story, embed

    if not embed.available():
        pytest.skip(f"the sentence model is not installed: {embed.unavailable_reason()}")
    for title in stories:
        documents = embed.with_vectors(services.documents_for(ARTICLES[title]))
        alignment = align_story(documents)
        for base in alignment.documents:
            rows = build_rows(alignment, base, alignment.documents)
            together, total = shown_on_one_row(alignment, rows, alignment.documents)
            assert together / total >= 0.95, (title, base, together, total)
