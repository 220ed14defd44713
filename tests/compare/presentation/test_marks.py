"""The marks on a pair of passages, from the engine's own alignment of two fictional versions:
where a flag for a changed name, figure or quote sits, and what it quotes of the other version."""

from __future__ import annotations

import re

from compare.engine import Document, Pair, align_pair
from compare.presentation.marks import Mode, Passages, change_marks, quote, render_span, short

# A fictional rowing club's boathouse, told twice: the second version rewords the first.
BOARD = "The rowing club's board on Friday backed the boathouse proposal from Councillor Edda Lund."
BOARD_REWORDED = "On Friday the board of the rowing club gave its backing to the boathouse plan."
FARROWS = "The Farrows' group of six neighbours objected to the boathouse plan, board members said on Friday."
FARROWS_REWORDED = "Board members said on Friday the Farrows had raised objections to the new boathouse plan."


def only_pair(a_text: str, b_text: str) -> Pair:
    result = align_pair(Document("a", a_text), Document("b", b_text))
    assert len(result.pairs) == 1
    return result.pairs[0]


def marked(a_text: str, b_text: str, mode: Mode) -> str:
    """The pair's passage as the page shows it: the version's (``new``) or the reference's (``old``)."""
    pair = only_pair(a_text, b_text)
    assert pair.kind == "paraphrase"
    passages = Passages(a_text, pair.a_span, b_text, pair.b_span)
    marks = change_marks(pair.changes, passages, mode, hide_trivial=False, paraphrase=True, moves=pair.moves)
    text, (start, end) = (a_text, pair.a_span) if mode == "old" else (b_text, pair.b_span)
    return render_span(text, start, end, [], marks)


def flag_titles(html: str) -> list[str]:
    return re.findall(r'<sup class="flag[^"]*" title="([^"]*)"', html)


def test_a_name_a_paraphrase_dropped_is_shown_struck_with_its_flag_not_on_the_new_word_in_its_place():
    html = marked(BOARD, BOARD_REWORDED, "new")
    # Not "plan" with a name flag, as if "plan" were the changed name.
    assert not re.search(r"plan</ins><sup", html)
    assert re.search(r'<del class="chg del"[^>]*>Councillor Edda Lund</del><sup class="flag flag-name"', html)
    # Apart from the words around it: "boathouse ~~Councillor Edda Lund~~Aa plan".
    assert re.search(r"boathouse <del[^>]*>Councillor Edda Lund</del><sup.*?</sup> <ins[^>]*>plan</ins>", html)


def test_on_the_reference_side_the_flag_sits_on_the_name_the_other_version_dropped():
    html = marked(BOARD, BOARD_REWORDED, "old")
    assert re.search(r"Councillor Edda Lund</del><sup class=\"flag flag-name\"", html)


def test_a_flags_quote_of_the_other_version_never_starts_at_a_split_possessive():
    # The engine keeps "Farrows" and changes what follows, starting at the plural's lone apostrophe.
    html = marked(FARROWS, FARROWS_REWORDED, "new")
    titles = flag_titles(html)
    assert titles
    assert not any(re.search(r"“(&#x27;|')", title) for title in titles)
    assert any("“Farrows&#x27; group of six neighbours objected”" in title for title in titles)
    # The figure the reworded version dropped is shown, with its flag, not put on "objections".
    assert not re.search(r"objections</ins><sup", html)
    assert re.search(r'<del class="chg del"[^>]*>six</del><sup class="flag flag-number"', html)


def test_a_figure_only_the_shown_passage_states_carries_the_flag_itself_not_the_last_new_word():
    html = marked(
        "The club says the new boathouse will be paid for by its members and a grant from the town.",
        "The new boathouse will cost 4.5 million pounds over a decade, paid by members and a town grant.",
        "new",
    )
    assert re.search(r"4\.5 million</ins><sup class=\"flag flag-number\"", html)
    assert not re.search(r"decade</ins><sup", html)


def test_a_long_quote_of_the_other_version_keeps_the_name_the_flag_is_about():
    text = "It backed the proposal, which was put forward at a crowded meeting last week by Councillor Edda Lund."
    start = text.index("proposal")
    lund = text.index("Edda")
    said = quote(text, start, len(text) - 1, [(lund, lund + len("Edda Lund"))], limit=40)
    assert "Edda Lund" in said and said.startswith("…")
    assert all(word in text for word in said.strip("…").split())  # whole words only


def test_a_quote_widens_to_whole_words():
    text = "the Farrows' group of six"
    assert quote(text, text.index("'"), len(text)) == "Farrows' group of six"
    assert quote(text, text.index("rows"), text.index(" of")) == "Farrows' group"
    said = "“We will,” Lund said of the “"
    assert quote(said, said.index("”"), len(said)) == "Lund said of the"  # no stray quote marks or commas


def test_a_title_cut_short_ends_at_a_whole_word():
    assert short("proposal from Councillor Edda Lund of the harbour board", 30) == "proposal from Councillor Edda…"
