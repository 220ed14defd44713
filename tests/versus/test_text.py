"""The wording helpers every app shares (versus/text.py)."""

from __future__ import annotations

from versus.text import either, excerpt, first_words, percent, plural


def test_a_count_is_said_with_its_noun_in_the_right_number():
    assert plural(1, "version") == "1 version"
    assert plural(0, "version") == "0 versions"
    assert plural(3, "story", "stories") == "3 stories"


def test_a_share_is_given_in_whole_percent():
    assert percent(0.456) == 46
    assert percent(1.0) == 100


def test_an_excerpt_is_one_line_cut_at_the_end_or_in_the_middle():
    text = "The bridge\nopened   on Monday after three years of repairs."
    assert excerpt(text, 100) == "The bridge opened on Monday after three years of repairs."
    assert excerpt(text, 12) == "The bridge …"
    assert len(excerpt(text, 12)) == 12
    middle = excerpt(text, 21, keep_end=True)
    assert middle.startswith("The bridg") and middle.endswith("repairs.") and " … " in middle
    assert len(middle) <= 21


def test_the_first_words_say_when_more_follow():
    assert first_words("One two three", 5) == "One two three"
    assert first_words("One two three four", 2) == "One two…"


def test_alternatives_are_listed_with_commas_and_a_last_or():
    assert either(["verbatim", "edited", "paraphrased"]) == "verbatim, edited or paraphrased"
    assert either(["verbatim", "edited"]) == "verbatim or edited"
    assert either(["new"]) == "new"
    assert either([]) == ""
