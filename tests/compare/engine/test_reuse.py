"""How much of one version is found in another, in whole percent: the figures every surface states."""

from __future__ import annotations

from compare.engine import Reuse, reuse_of, whole_percents


def test_whole_percents_add_up_to_a_hundred_even_when_each_rounds_down():
    percents = dict(whole_percents([("verbatim", 1 / 3), ("edited", 1 / 3), ("unique", 1 / 3)]))
    assert sum(percents.values()) == 100
    assert sorted(percents.values()) == [33, 33, 34]


def test_copied_and_paraphrased_add_up_to_found_as_they_are_shown():
    # Rounded one by one, 0.645 + 0.155 gives 64% + 16% = 80% beside a "found" of 79%.
    figures = reuse_of({"verbatim": 0.0, "edited": 0.645, "paraphrase": 0.1549, "unique": 0.2001})
    assert figures.copied + figures.paraphrased == figures.found == 100 - 20
    assert figures == Reuse(verbatim=0, edited=figures.edited, paraphrased=figures.paraphrased)


def test_an_empty_text_has_nothing_found():
    assert reuse_of({}).found == 0
    assert whole_percents([("verbatim", 0.0), ("unique", 0.0)]) == [("verbatim", 0), ("unique", 0)]
