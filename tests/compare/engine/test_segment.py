"""Sentences and paragraphs with offsets into the original text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.engine.segment import MAX_CHARS, paragraphs, segment


def sentences(text: str, junk: tuple[tuple[int, int], ...] = ()) -> list[str]:
    return [text[s.start : s.end] for s in segment(text, junk)]


def test_it_splits_plain_sentences_at_their_stops():
    text = "The ferry left at noon. It came back late! Did anyone notice?"
    assert sentences(text) == ["The ferry left at noon.", "It came back late!", "Did anyone notice?"]


def test_it_does_not_split_after_titles_initials_and_dotted_abbreviations():
    text = "Mr. Ronan Q. Abbott met Dr. Vale on Jan. 4 in the U.S. capital. He left at 5 p.m. yesterday."
    assert sentences(text) == [
        "Mr. Ronan Q. Abbott met Dr. Vale on Jan. 4 in the U.S. capital.",
        "He left at 5 p.m. yesterday.",
    ]


def test_it_splits_after_a_dotted_abbreviation_when_a_sentence_clearly_starts():
    text = "The treaty was signed in the U.S. The ministers then flew home."
    assert sentences(text) == ["The treaty was signed in the U.S.", "The ministers then flew home."]


def test_a_us_state_abbreviation_ends_a_sentence_only_where_a_sentence_clearly_starts():
    text = (
        "Orchard growers urged Ariz. Gov. Lia Brandt to sign the frost bill. The bill came from Sen. Ada Moss, D-Ky. "
        "It passed in Salem, Colo. Springs voters were split."
    )
    assert sentences(text) == [
        "Orchard growers urged Ariz. Gov. Lia Brandt to sign the frost bill.",
        "The bill came from Sen. Ada Moss, D-Ky.",
        "It passed in Salem, Colo. Springs voters were split.",
    ]


def test_acronyms_and_words_spelt_like_a_state_still_end_a_sentence():
    text = "He was treated at the VA. Officials blamed staffing. They built an ark. Noah led the way."
    assert sentences(text) == [
        "He was treated at the VA.",
        "Officials blamed staffing.",
        "They built an ark.",
        "Noah led the way.",
    ]


def test_it_keeps_decimals_and_numbers_whole():
    text = "Fares rose 2.5 percent to $1,200.50 this year. Nobody was pleased."
    assert sentences(text) == ["Fares rose 2.5 percent to $1,200.50 this year.", "Nobody was pleased."]


def test_a_quote_that_ends_a_sentence_stays_with_it():
    text = "“We will reopen the bridge,” the mayor said. “Soon.” Then she left."
    assert sentences(text) == ["“We will reopen the bridge,” the mayor said.", "“Soon.”", "Then she left."]


def test_a_question_inside_a_quote_followed_by_the_speaker_does_not_end_the_sentence():
    text = "“Why now?” asked the clerk. Nobody answered."
    assert sentences(text) == ["“Why now?” asked the clerk.", "Nobody answered."]


def test_a_quoted_question_followed_by_a_named_speaker_does_not_end_the_sentence():
    text = "“Why now?” Mr. Abbott asked the clerk. “Never!” Lia Brandt replied. “Why?” The clerk left."
    assert sentences(text) == [
        "“Why now?” Mr. Abbott asked the clerk.",
        "“Never!” Lia Brandt replied.",
        "“Why?”",
        "The clerk left.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "“Really?” The mayor said she would veto it.",
        "“Is it over?” He said it was not.",
        "He asked “Why?” The council said no.",
        "She asked: “Who will pay?” Officials said the town would.",
        "(Why?) Ada said so.",
    ],
)
def test_a_quoted_question_before_a_new_sentence_still_ends_it(text):
    assert len(sentences(text)) == 2


def test_headlines_and_bylines_without_a_stop_stand_alone():
    text = "Bridge to reopen in May\nBy Ada Kestrel\n\nThe swing bridge will reopen in May, the council said."
    assert sentences(text) == [
        "Bridge to reopen in May",
        "By Ada Kestrel",
        "The swing bridge will reopen in May, the council said.",
    ]
    assert [s.paragraph for s in segment(text)] == [0, 1, 2]


def test_one_line_per_paragraph_and_hard_wrapped_text_give_the_same_sentences():
    one_line = "The council met on Monday and voted to repair the bridge.\nWork starts in June."
    wrapped = "The council met on Monday and\nvoted to repair the bridge.\n\nWork starts in June."
    assert [t.replace("\n", " ") for t in sentences(wrapped)] == sentences(one_line)
    assert len(paragraphs(one_line)) == 2
    assert len(paragraphs(wrapped)) == 2


def test_a_sentence_overlapping_junk_keeps_only_its_other_part():
    text = "Share on twitter The harbour closed today. It reopens Friday."
    junk = ((0, len("Share on twitter ")),)
    assert sentences(text, junk) == ["The harbour closed today.", "It reopens Friday."]


def test_a_sentence_that_is_all_junk_disappears():
    text = "The harbour closed today. Leave a Reply. It reopens Friday."
    start = text.index("Leave")
    junk = ((start, start + len("Leave a Reply.")),)
    assert sentences(text, junk) == ["The harbour closed today.", "It reopens Friday."]


def test_junk_that_leaves_only_punctuation_leaves_nothing():
    text = "Photo: AFP"
    assert sentences(text, ((0, 5), (6, 10))) == []


def test_a_giant_paragraph_without_punctuation_is_cut_into_bounded_pieces():
    text = " ".join(["word"] * 20_000)
    pieces = segment(text)
    assert len(pieces) > 1
    assert all(p.end - p.start <= MAX_CHARS for p in pieces)
    assert pieces[0].start == 0 and pieces[-1].end == len(text)


def test_cjk_right_to_left_and_emoji_text_split_sensibly():
    assert sentences("桥梁将于五月重新开放。市议会周一投票。") == ["桥梁将于五月重新开放。", "市议会周一投票。"]
    assert sentences("הגשר ייפתח במאי. המועצה הצביעה.") == ["הגשר ייפתח במאי.", "המועצה הצביעה."]
    assert sentences("🎉🎉 The bridge reopens! 🚢 Ferries stop.") == ["🎉🎉 The bridge reopens!", "🚢 Ferries stop."]


def test_empty_and_blank_text_have_no_sentences():
    assert segment("") == []
    assert segment(" \n\n\t ") == []
    assert segment("…!?") == []


@settings(max_examples=200, deadline=None)
@given(
    text=st.lists(st.sampled_from([*"ab Z.!?\n “”\"'3,中。", "Mr.", "U.S.", "\n\n", "word "]), max_size=150).map(
        "".join
    ),
    junk=st.lists(st.tuples(st.integers(-5, 320), st.integers(1, 40)), max_size=4),
)
def test_segments_are_in_bounds_sorted_disjoint_and_never_inside_junk(text, junk):
    spans = tuple((start, start + length) for start, length in junk)
    result = segment(text, spans)
    previous_end = 0
    for position, s in enumerate(result):
        assert s.index == position
        assert 0 <= s.start < s.end <= len(text)
        assert s.start >= previous_end
        previous_end = s.end
        assert text[s.start].strip() and text[s.end - 1].strip()
        assert any(ch.isalnum() for ch in text[s.start : s.end])
        for j_start, j_end in spans:
            assert s.end <= max(0, j_start) or s.start >= j_end
    numbers = [s.paragraph for s in result]
    assert numbers == sorted(numbers)
    assert sorted(set(numbers)) == list(range(len(set(numbers))))


def test_a_paragraph_that_is_all_junk_takes_no_paragraph_number():
    text = "First paragraph here.\n\nShare on twitter\n\nSecond paragraph here."
    start = text.index("Share")
    result = segment(text, ((start, start + len("Share on twitter")),))
    assert [s.paragraph for s in result] == [0, 1]
