"""Two versions aligned: pairs in any order, split/merged sentences, kinds, shares, bad input."""

from __future__ import annotations

import pytest

from compare.engine._text import tokens
from compare.engine.align import EDITED_RATIO, align_pair, classify, copied_share, wording_ratio
from compare.engine.types import Document, PairAlignment

# A fictional story about a ferry strike in the town of Kelmarsh, told by two outlets.
ORIGINAL = (
    "Ferry crews in Kelmarsh walked out on Tuesday over a dispute about night shifts.\n\n"
    "The strike stranded about 400 passengers on the island of Brae overnight, the operator said.\n\n"
    "“We did not take this decision lightly,” said union steward Ilse Marrow.\n\n"
    "Harbourmaster Tobias Venn said the last sailing left at 6.15pm.\n\n"
    "Talks between the union and the operator, Northway Lines, will resume on Thursday."
)
REPRINT = (
    "Talks between the union and the operator, Northway Lines, will resume on Thursday.\n\n"
    "Ferry crews in Kelmarsh walked out on Tuesday in a quarrel over night shifts.\n\n"
    "The strike stranded some 600 passengers on the island of Brae overnight, the operator said.\n\n"
    '"We did not take this decision lightly," said union steward Ilse Marrow.\n\n'
    "A spokesman for Northway Lines apologised to travellers."
)
UNRELATED = "The county fair opened with a pumpkin contest. A goat named Pip won the blue ribbon."


def text_of(doc: Document, span: tuple[int, int]) -> str:
    return doc.text[span[0] : span[1]]


def pair_for(result: PairAlignment, a: Document, words_in_a: str):
    for pair in result.pairs:
        if words_in_a in text_of(a, pair.a_span):
            return pair
    return None


def assert_well_formed(result: PairAlignment, a: Document, b: Document) -> None:
    for pair in result.pairs:
        assert 0 <= pair.a_span[0] < pair.a_span[1] <= len(a.text)
        assert 0 <= pair.b_span[0] < pair.b_span[1] <= len(b.text)
        assert 0.0 <= pair.score <= 1.0
        assert list(pair.a) == sorted(pair.a) and list(pair.b) == sorted(pair.b)
    # A passage may take part in more than one correspondence, never twice in the same one.
    assert len({(p.a, p.b) for p in result.pairs}) == len(result.pairs)
    paired_a = {i for p in result.pairs for i in p.a}
    paired_b = {j for p in result.pairs for j in p.b}
    assert sorted([*paired_a, *result.unique_a]) == [s.index for s in result.a_segments]
    assert sorted([*paired_b, *result.unique_b]) == [s.index for s in result.b_segments]
    for shares in (result.shares_a, result.shares_b):
        assert set(shares) == {"verbatim", "edited", "paraphrase", "unique"}
        assert all(0.0 <= v <= 1.0 for v in shares.values())
        if any(shares.values()):
            assert sum(shares.values()) == pytest.approx(1.0)


def test_identical_versions_are_verbatim_throughout():
    a, b = Document("a", ORIGINAL), Document("b", ORIGINAL)
    result = align_pair(a, b)
    assert_well_formed(result, a, b)
    assert len(result.pairs) == len(result.a_segments) == 5
    assert all(p.kind == "verbatim" and p.a == p.b for p in result.pairs)
    assert result.shares_a["verbatim"] == pytest.approx(1.0)
    assert result.unique_a == [] and result.unique_b == []


def test_versions_with_nothing_in_common_have_no_pairs():
    a, b = Document("a", ORIGINAL), Document("b", UNRELATED)
    result = align_pair(a, b)
    assert_well_formed(result, a, b)
    assert result.pairs == []
    assert result.shares_a["unique"] == pytest.approx(1.0)
    assert result.shares_b["unique"] == pytest.approx(1.0)


def test_a_moved_passage_is_paired_not_shown_as_deleted_and_added():
    a, b = Document("a", ORIGINAL), Document("b", REPRINT)
    result = align_pair(a, b)
    assert_well_formed(result, a, b)
    moved = pair_for(result, a, "will resume on Thursday")
    assert moved is not None
    assert "will resume on Thursday" in text_of(b, moved.b_span)
    assert moved.kind == "verbatim"


def test_quote_marks_alone_do_not_stop_a_pair_being_verbatim():
    a, b = Document("a", ORIGINAL), Document("b", REPRINT)
    quote = pair_for(align_pair(a, b), a, "did not take this decision")
    assert quote is not None and quote.kind == "verbatim"


def test_a_sentence_with_words_changed_is_edited_and_its_changes_are_listed():
    a, b = Document("a", ORIGINAL), Document("b", REPRINT)
    result = align_pair(a, b)
    edited = pair_for(result, a, "walked out on Tuesday")
    assert edited is not None and edited.kind == "edited"
    changed_number = pair_for(result, a, "400 passengers")
    assert changed_number is not None and changed_number.kind == "edited"
    assert "600" in text_of(b, changed_number.b_span)
    assert changed_number.changes, "the word-level diff fills the pair's changes"
    assert any("number" in change.flags for change in changed_number.changes)


def test_what_only_one_version_says_is_unique_to_it():
    a, b = Document("a", ORIGINAL), Document("b", REPRINT)
    result = align_pair(a, b)
    unique_a = [text_of(a, (result.a_segments[i].start, result.a_segments[i].end)) for i in result.unique_a]
    unique_b = [text_of(b, (result.b_segments[i].start, result.b_segments[i].end)) for i in result.unique_b]
    assert any("Harbourmaster" in s for s in unique_a)
    assert any("apologised" in s for s in unique_b)
    assert 0 < result.shares_a["unique"] < 0.5


def test_a_sentence_split_in_two_is_paired_with_both_halves():
    a = Document("a", "The council voted on Monday to close the old swing bridge and to build a tunnel by 2031.")
    b = Document(
        "b",
        "Lighthouse keepers rallied at dawn.\n\nThe council voted on Monday to close the old swing bridge. "
        "It will build a tunnel by 2031.\n\nBakeries stayed open.",
    )
    result = align_pair(a, b)
    assert_well_formed(result, a, b)
    assert len(result.pairs) == 1
    assert result.pairs[0].b == (1, 2)
    # "and to" became ". It will": nearly all the wording is the same, but not word for word.
    assert result.pairs[0].kind == "edited"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The minister said he would resign.", "The minister said he would not resign."),
        ("Prices rose after the vote.", "Prices rose before the vote."),
        (
            "Officials declined to discuss any reaction from China.",
            "The officials declined to discuss any reaction by China.",
        ),
    ],
)
def test_a_changed_function_word_is_not_verbatim(a, b):
    # "verbatim" is what a journalist quotes as copied word for word: a dropped "not" or
    # "before" for "after" turns the meaning round, and even "by" for "from" is an edit.
    assert classify(tokens(a), tokens(b)) == "edited"


def test_a_reworded_statement_is_a_paraphrase():
    a = Document(
        "a",
        "Officials confirmed the dam at Lake Orrin would be drained next spring "
        "for inspection of its cracked spillway.",
    )
    b = Document(
        "b",
        "Inspectors plan to empty Lake Orrin's dam next spring to examine the spillway, "
        "which has cracks, officials confirmed.",
    )
    result = align_pair(a, b)
    assert len(result.pairs) == 1
    assert result.pairs[0].kind == "paraphrase"


def test_a_quotation_kept_word_for_word_inside_other_framing_is_edited():
    # Each outlet frames the steward's words its own way; the words themselves are copied.
    a = tokens(
        "Speaking outside the depot on Tuesday night, union steward Ilse Marrow told reporters "
        "that crews “will not sail again until night shifts are paid fairly”."
    )
    b = tokens(
        "Crews will not sail again until night shifts are paid fairly, Marrow warned, "
        "as the stranded passengers queued for buses."
    )
    assert wording_ratio(a, b) < EDITED_RATIO  # on the whole wording alone: a paraphrase
    assert classify(a, b) == "edited"


def test_statements_sharing_only_short_phrases_stay_paraphrases():
    # "the ferry strike" and "the town" are shared, but no four words in a row.
    a = tokens("Mayor Agnes Tull said the ferry strike would cost the town dearly.")
    b = tokens("Businesses fear the ferry strike could drain the town of its summer trade, Tull said.")
    assert classify(a, b) == "paraphrase"


def test_the_copied_share_counts_content_words_in_runs_of_four_or_more():
    shorter = tokens("Crews will not sail until the shifts are paid.").sequence
    # "crews will not sail": two of the four content words (crews, sail; not shifts, paid).
    assert copied_share(shorter, tokens("Marrow said on Tuesday night that crews will not sail.").sequence) == 2 / 4
    assert copied_share(shorter, tokens("Crews will not go.").sequence) == 0.0  # three in a row is no run
    assert copied_share(shorter, shorter) == 1.0
    assert copied_share((), ("crews",)) == 0.0
    # Either way round, the same share (the shorter passage is measured).
    other = tokens("The shifts are paid late, and crews will not sail.").sequence
    assert copied_share(shorter, other) == copied_share(other, shorter) > 0


def test_the_copied_share_is_the_same_either_way_round_for_passages_of_one_length():
    a = tokens("Crews will not sail until the shifts are paid.").sequence
    b = tokens("Crews will not sail, Marrow told the stranded passengers.").sequence
    assert len(a) == len(b)
    assert copied_share(a, b) == copied_share(b, a) == 2 / 4  # the larger of the two shares


def test_a_repeated_name_and_title_is_not_copied_wording():
    # Five words in a row in both, all of them a name and its title: the same person, in other words.
    a = tokens("Harbour Trust chairwoman Delia Fenwick dismissed the rust reports as scaremongering by rivals.")
    b = tokens("Critics were wrong, insisted Harbour Trust chairwoman Delia Fenwick, calling the report unfounded.")
    assert wording_ratio(a, b) < EDITED_RATIO
    assert copied_share(a.sequence, b.sequence) == 0.0
    assert classify(a, b) == "paraphrase"


def test_sentences_that_only_share_the_story_topic_are_not_paired():
    a = Document(
        "a",
        "The Kelmarsh ferry strike entered its third day.\n\n"
        "Union leaders said the Kelmarsh ferry strike would end only if night shifts were paid double.\n\n"
        "The Kelmarsh ferry operator has lost money for three years.",
    )
    b = Document(
        "b",
        "Passengers queued for hours as the Kelmarsh ferry strike went on.\n\n"
        "Shopkeepers on Brae blamed the Kelmarsh ferry strike for empty shelves.\n\n"
        "The Kelmarsh ferry operator hired replacement crews from Leith.",
    )
    assert align_pair(a, b).pairs == []


def test_swapping_the_versions_mirrors_every_pair():
    a, b = Document("a", ORIGINAL), Document("b", REPRINT)
    forward, backward = align_pair(a, b), align_pair(b, a)
    assert sorted((p.a, p.b, p.kind, p.score) for p in forward.pairs) == sorted(
        (p.b, p.a, p.kind, p.score) for p in backward.pairs
    )
    assert forward.shares_a == backward.shares_b
    assert forward.unique_a == backward.unique_b
    assert backward.a_id == "b" and backward.b_id == "a"
    for f, r in zip(sorted(forward.pairs, key=lambda p: p.a), sorted(backward.pairs, key=lambda p: p.b), strict=True):
        assert [(c.a, c.b) for c in f.changes] == [(c.b, c.a) for c in r.changes]


def test_junk_is_never_aligned():
    junk_text = "Share on twitter Share on facebook. "
    a = Document("a", junk_text + ORIGINAL, junk=((0, len(junk_text)),))
    b = Document("b", junk_text + REPRINT, junk=((0, len(junk_text)),))
    result = align_pair(a, b)
    assert_well_formed(result, a, b)
    assert all(p.a_span[0] >= len(junk_text) and p.b_span[0] >= len(junk_text) for p in result.pairs)


@pytest.mark.parametrize(
    ("text_a", "text_b"),
    [
        ("", ""),
        ("", ORIGINAL),
        ("   \n\n  ", "…"),
        (" ".join(["bridge"] * 5000), " ".join(["bridge"] * 4000)),
        ("桥梁将于五月重新开放。市议会周一投票。", "市议会周一投票。桥梁将于六月重新开放。"),
        ("הגשר ייפתח במאי. המועצה הצביעה אתמול.", "המועצה הצביעה אתמול. הגשר ייפתח במאי."),
        ("🎉🎉🎉 🚢🚢", "🎉🎉🎉 🚢🚢"),
    ],
)
def test_bad_input_gives_a_sensible_result_without_crashing(text_a, text_b):
    a, b = Document("a", text_a), Document("b", text_b)
    assert_well_formed(align_pair(a, b), a, b)


def test_cjk_and_right_to_left_sentences_in_another_order_are_still_paired():
    a = Document("a", "桥梁将于五月重新开放。市议会周一投票。")
    b = Document("b", "市议会周一投票。桥梁将于五月重新开放。")
    result = align_pair(a, b)
    assert sorted((p.a, p.b) for p in result.pairs) == [((0,), (1,)), ((1,), (0,))]
    a = Document("a", "הגשר ייפתח במאי. המועצה הצביעה אתמול.")
    b = Document("b", "המועצה הצביעה אתמול. הגשר ייפתח במאי.")
    assert len(align_pair(a, b).pairs) == 2


def test_text_that_is_only_junk_has_nothing_to_align():
    a = Document("a", "Leave a Reply", junk=((0, 13),))
    result = align_pair(a, Document("b", ORIGINAL))
    assert result.a_segments == [] and result.pairs == []
    assert result.shares_a == {"verbatim": 0.0, "edited": 0.0, "paraphrase": 0.0, "unique": 0.0}


def test_a_rewritten_sentence_between_two_pairs_of_a_copy_is_paired_even_with_no_content_word_in_common():
    a = Document(
        "a",
        "The Orrin ferry will run every 20 minutes from the Fish Quay during the closure. "
        "Cyclists will be able to bring their bikes aboard. "
        "Tickets for the Orrin ferry will be free until the bridge reopens in March.",
    )
    b = Document(
        "b",
        "During the closure the Orrin ferry will leave the Fish Quay every 20 minutes. "
        "Bicycles will be allowed on the boat. "
        "Until the bridge reopens in March, tickets for the Orrin ferry will cost nothing.",
    )
    result = align_pair(a, b)
    assert [(p.a, p.b) for p in result.pairs] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    assert result.pairs[1].kind == "paraphrase"
    assert result.pairs[1].score < 0.3


def test_a_new_sentence_between_two_pairs_of_a_copy_is_not_forced_into_a_pair():
    a = Document(
        "a",
        "The Orrin ferry will run every 20 minutes from the Fish Quay during the closure. "
        "Cyclists may bring their bikes aboard. "
        "Tickets for the Orrin ferry will be free until the bridge reopens in March.",
    )
    b = Document(
        "b",
        "The Orrin ferry will run every 20 minutes from the Fish Quay during the closure. "
        "A mayoral election is due in June. "
        "Tickets for the Orrin ferry will be free until the bridge reopens in March.",
    )
    result = align_pair(a, b)
    assert [(p.a, p.b) for p in result.pairs] == [((0,), (0,)), ((2,), (2,))]


def test_a_figure_in_words_and_in_digits_is_the_same_figure():
    a = Document("a", "Three boats sank in the Orrin harbour during the storm on Friday.")
    b = Document("b", "3 boats sank in the Orrin harbour during the storm on Friday.")
    result = align_pair(a, b)
    assert len(result.pairs) == 1 and result.pairs[0].kind == "verbatim"


def test_a_sentence_with_a_changed_figure_joins_the_pair_of_the_sentence_merged_with_it():
    # "The repairs cost £68,000." is said again, with another figure, inside the other
    # version's merged sentence: the changed figure is what a reader must see, so the
    # sentence belongs to the pair, not left out as said nowhere.
    a_text = (
        "Library reopens\n\nThe library in Hollin Vale reopened on Saturday after the flood. "
        "The repairs cost £68,000. Most of the money was raised by residents at cake sales and a quiz "
        "night in the village hall. The library is open from 10am until 5pm."
    )
    b_text = (
        "Library reopens\n\nThe library in Hollin Vale reopened on Saturday after the flood. "
        "The repairs cost 86,000 pounds, most of it raised by residents at cake sales and a quiz night "
        "in the village hall. The library is open from 10am until 5pm."
    )
    result = align_pair(Document("a", a_text), Document("b", b_text))
    merged = next(p for p in result.pairs if "86,000" in b_text[p.b_span[0] : p.b_span[1]])
    assert a_text[merged.a_span[0] : merged.a_span[1]].startswith("The repairs cost £68,000.")
    assert any("number" in c.flags for c in merged.changes)
