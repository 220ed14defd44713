"""Word-level differences inside a pair of passages (compare/engine/diff.py)."""

from __future__ import annotations

import re

from compare.engine.diff import runs, same_wording, word_changes
from compare.engine.types import Change, Pair


def diff(a: str, b: str) -> tuple[Change, ...]:
    return word_changes(a, b, (0, len(a)), (0, len(b)))[0]


def described(a: str, b: str) -> list[tuple[str, str, str]]:
    return [(c.op, a[c.a[0] : c.a[1]], b[c.b[0] : c.b[1]]) for c in diff(a, b)]


def only_change(a: str, b: str) -> Change:
    changes = diff(a, b)
    assert len(changes) == 1, described(a, b)
    return changes[0]


def test_identical_passages_have_no_changes():
    text = "The council met on Tuesday to discuss the bridge."
    assert diff(text, text) == ()


def test_a_changed_word_is_one_replacement_of_whole_words():
    assert described("The bridge will reopen in May.", "The bridge will reopen in June.") == [
        ("replace", "May", "June")
    ]


def test_no_change_cuts_a_word_in_half():
    a = "The committee reconsidered its unanimous recommendation."
    b = "The committee reaffirmed its unanimous recommendations."
    for op, a_part, b_part in described(a, b):
        assert op == "replace"
        assert a_part in a.split(" ") or a_part.rstrip(".") in a.rstrip(".").split(" ")
        assert b_part in b.split(" ") or b_part.rstrip(".") in b.rstrip(".").split(" ")


def test_offsets_point_into_the_full_texts_not_into_the_spans():
    a = "Intro paragraph. The ferry left at nine."
    b = "Another intro, longer than the first. The ferry left at ten."
    a_span = (a.index("The ferry"), len(a))
    b_span = (b.index("The ferry"), len(b))
    (change,) = word_changes(a, b, a_span, b_span)[0]
    assert a[change.a[0] : change.a[1]] == "nine"
    assert b[change.b[0] : change.b[1]] == "ten"


def test_an_added_clause_is_an_insert_with_an_empty_range_in_a():
    a = "Police closed the road."
    b = "Police closed the road after the storm."
    change = only_change(a, b)
    assert change.op == "insert"
    assert change.a[0] == change.a[1] == a.index(".")
    assert b[change.b[0] : change.b[1]].strip() == "after the storm"


def test_a_dropped_clause_is_a_delete_with_an_empty_range_in_b():
    change = only_change("Police closed the road after the storm.", "Police closed the road.")
    assert change.op == "delete"
    assert change.b[0] == change.b[1]


def test_a_changed_figure_is_flagged_as_a_number():
    change = only_change("At least 19 people were hurt.", "At least 18 people were hurt.")
    assert "number" in change.flags
    assert not change.trivial


def test_a_figure_written_in_words_is_flagged_as_a_number():
    assert "number" in only_change("three ships sank", "four ships sank").flags


def test_a_decimal_point_that_moves_is_not_trivial():
    change = only_change("Prices rose 19.5 percent.", "Prices rose 195 percent.")
    assert "number" in change.flags
    assert not change.trivial


def test_thousands_separators_are_a_trivial_change():
    change = only_change("About 1,000 volunteers came.", "About 1000 volunteers came.")
    assert change.trivial
    assert "number" not in change.flags


def test_a_changed_surname_is_flagged_as_a_name():
    a = "Spokesman Liu Pengyu denied the report."
    b = "Spokesman Liu Bingyu denied the report."
    assert described(a, b) == [("replace", "Pengyu", "Bingyu")]
    assert "name" in only_change(a, b).flags


def test_a_capital_that_only_starts_the_sentence_is_not_a_name():
    change = only_change("The mayor resigned on Friday.", "A mayor resigned on Friday.")
    assert "name" not in change.flags


def test_a_name_that_only_moves_within_the_passage_is_not_a_changed_name():
    a = "Marta Oyelaran said the port would reopen."
    b = "The port would reopen, said Marta Oyelaran."
    for change in diff(a, b):
        assert "name" not in change.flags, described(a, b)


def test_a_change_inside_straight_quotes_is_flagged_as_a_quote():
    a = 'She said "we will rebuild the school" at the meeting.'
    b = 'She said "we might rebuild the school" at the meeting.'
    assert "quote" in only_change(a, b).flags


def test_a_change_inside_curly_quotes_or_guillemets_is_flagged_as_a_quote():
    assert "quote" in only_change("He said “never again” twice.", "He said “not again” twice.").flags
    assert "quote" in only_change("Il a dit « jamais » hier.", "Il a dit « toujours » hier.").flags


def test_a_quote_spans_the_whole_sentence_even_when_only_part_of_it_is_diffed():
    a = 'Intro. "The dam held. The town is safe," she said.'
    b = 'Intro. "The dam held. The city is safe," she said.'
    a_span = (a.index("The town"), a.index(",", a.index("The town")) + 1)
    b_span = (b.index("The city"), b.index(",", b.index("The city")) + 1)
    (change,) = word_changes(a, b, a_span, b_span)[0]
    assert "quote" in change.flags


def test_a_change_outside_quotes_is_not_flagged_as_a_quote():
    a = 'She said "we will rebuild" on Monday.'
    b = 'She said "we will rebuild" on Tuesday.'
    assert "quote" not in only_change(a, b).flags


def test_case_and_punctuation_only_changes_are_trivial():
    changes = diff("The minister resigned.", "The Minister resigned!")
    assert changes
    assert all(c.trivial for c in changes)


def test_swapping_straight_quotes_for_curly_ones_is_trivial_but_still_a_quote():
    changes = diff('He said "yes" twice.', "He said “yes” twice.")
    assert changes
    assert all(c.trivial and "quote" in c.flags for c in changes)


def test_a_real_rewording_is_not_trivial():
    assert not only_change("The plan failed.", "The plan collapsed.").trivial


def test_a_line_break_instead_of_a_space_is_not_a_change():
    assert diff("one two\nthree", "one two three") == ()


def test_chinese_text_is_diffed_character_by_character():
    a = "俄罗斯请求中国提供军事援助。"
    b = "俄罗斯请求中国提供经济援助。"
    assert described(a, b) == [("replace", "军事", "经济")]


def test_empty_passages_give_a_single_insert_or_delete():
    assert described("", "new text") == [("insert", "", "new text")]
    assert described("old text", "") == [("delete", "old text", "")]
    assert diff("", "") == ()


def test_every_change_is_a_real_difference_and_the_rest_is_equal():
    a = "Officials said on Monday that 40 trucks had crossed the border near the river."
    b = "On Tuesday, officials said 45 trucks crossed the northern border near the old river."
    changes = diff(a, b)
    for change in changes:
        assert a[change.a[0] : change.a[1]] != b[change.b[0] : change.b[1]]
    assert sorted(unchanged_words(a, changes, "a")) == sorted(unchanged_words(b, changes, "b"))
    changed_b = " ".join(b[c.b[0] : c.b[1]] for c in changes)
    assert "Tuesday" in changed_b and "45" in changed_b and "northern" in changed_b


def unchanged_words(text: str, changes, side: str) -> list[str]:
    cut = runs((0, len(text)), changes, side)
    return [w.casefold() for r in cut if r.kind == "equal" for w in re.findall(r"\w+", text[r.start : r.end])]


def test_words_kept_in_another_place_are_not_a_change():
    a = "The harbour pilot, Mara Olsen, guided the ferry into port on Sunday."
    b = "Mara Olsen, the harbour pilot, guided the ferry into port on Sunday."
    changes = diff(a, b)
    # The longest common subsequence keeps "Mara Olsen ... Sunday" in place; "harbour pilot"
    # moved from the front to the middle, and is still the same wording.
    assert "harbour" in unchanged_words(a, changes, "a")
    assert "harbour" in unchanged_words(b, changes, "b")
    assert sorted(unchanged_words(a, changes, "a")) == sorted(unchanged_words(b, changes, "b"))
    assert all(not c.flags for c in changes)


def moved_words(a: str, b: str) -> list[tuple[str, str]]:
    return [(a[m.a[0] : m.a[1]], b[m.b[0] : m.b[1]]) for m in word_changes(a, b, (0, len(a)), (0, len(b)))[1]]


def test_moved_words_are_reported_as_moves_on_both_sides():
    a = "The harbour pilot, Mara Olsen, guided the ferry into port on Sunday."
    b = "Mara Olsen, the harbour pilot, guided the ferry into port on Sunday."
    assert moved_words(a, b) == [("Mara Olsen", "Mara Olsen")]


def test_swapped_names_are_not_a_change_of_wording_but_are_moves():
    # The meaning is reversed: a reader must see it, as a change of order.
    a = "Smith beat Jones in the final."
    b = "Jones beat Smith in the final."
    assert diff(a, b) == ()
    assert sorted(moved_words(a, b)) == [("Jones", "Jones"), ("Smith", "Smith")]


def test_a_function_word_found_elsewhere_is_not_a_move():
    a = "Rain closed the coastal road."
    b = "The coastal road was shut by rain."
    kept_b = unchanged_words(b, diff(a, b), "b")
    assert "rain" in kept_b  # a content word, moved
    assert "the" not in kept_b  # "the" alone, found elsewhere, is a coincidence
    assert "was" not in kept_b and "shut" not in kept_b


def test_a_speaker_verb_put_after_the_name_is_a_move_not_a_deletion_and_an_insertion():
    # Rewrites turn attributions round all the time; "said" is a function word, but one that
    # stands once on each side has moved, as the legend's moved mark says.
    a = "“We cannot justify that spending,” said Mayor Helen Ortiz after the vote."
    b = "“We cannot justify that spending,” Mayor Helen Ortiz said after the vote."
    assert diff(a, b) == ()
    assert moved_words(a, b) == [("said", "said")]


def test_a_short_function_word_standing_once_on_each_side_is_still_no_move():
    a = "Rain closed the road to the harbour."
    b = "The road to the harbour was closed by rain."
    assert "by" not in unchanged_words(b, diff(a, b), "b")


def test_words_that_only_change_their_capitals_in_place_are_a_trivial_change_not_a_move():
    a = "Hollin Vale Parish Council has agreed to pay."
    b = "The parish council has agreed to pay."
    assert moved_words(a, b) == []
    assert described(a, b) == [("replace", "Hollin Vale", "The"), ("replace", "Parish Council", "parish council")]
    assert [c.trivial for c in diff(a, b)] == [False, True]


def test_a_change_of_capitals_alone_is_one_trivial_change():
    a = "The Parish Council will pay."
    b = "The parish council will pay."
    assert moved_words(a, b) == []
    assert only_change(a, b).trivial


def test_a_moved_stretch_leaves_the_rest_of_a_replacement_changed():
    a = "Ferry crews walked out on Monday over pay, the union said."
    b = "The union said ferry crews struck on Tuesday over pay."
    changes = diff(a, b)
    changed_b = " ".join(b[c.b[0] : c.b[1]] for c in changes)
    assert "struck" in changed_b and "Tuesday" in changed_b
    assert "union" not in changed_b
    assert any("number" in c.flags for c in changes)  # Monday -> Tuesday is still flagged


def test_runs_cut_each_side_into_equal_and_changed_text():
    a = "Police closed the road after the storm on Monday."
    b = "Police reopened the road on Tuesday."
    changes = diff(a, b)
    for side, text in (("a", a), ("b", b)):
        cut = runs((0, len(text)), changes, side)
        assert "".join(text[r.start : r.end] for r in cut) == text
        assert {r.kind for r in cut} >= {"equal"}
        assert any(r.kind != "equal" for r in cut)
    deleted = [a[r.start : r.end] for r in runs((0, len(a)), changes, "a") if r.kind in ("delete", "replace")]
    assert any("storm" in part for part in deleted)


def test_runs_can_mark_where_text_went_missing():
    a = "Police closed the road."
    b = "Police closed the road after the storm."
    changes = diff(a, b)
    assert [r.kind for r in runs((0, len(a)), changes, "a")] == ["equal"]
    marked = runs((0, len(a)), changes, "a", markers=True)
    assert [r.kind for r in marked] == ["equal", "insert", "equal"]
    assert marked[1].start == marked[1].end == a.index(".")


def test_junk_inside_the_passages_is_left_out_of_the_comparison():
    a = "The dam held.\nPhoto: Lowland River Agency\nThe town is safe."
    b = "The dam held. The city is safe."
    caption = (a.index("Photo"), a.index("\n", a.index("Photo")))
    changes = word_changes(a, b, (0, len(a)), (0, len(b)), a_junk=[caption])[0]
    assert [(a[c.a[0] : c.a[1]], b[c.b[0] : c.b[1]]) for c in changes] == [("town", "city")]


def test_a_passage_that_is_all_junk_gives_an_empty_range_at_its_end():
    a = "Share on Facebook (opens new window)"
    b = "The dam held."
    (change,) = word_changes(a, b, (0, len(a)), (0, len(b)), a_junk=[(0, len(a))])[0]
    assert change.op == "insert"
    assert change.a == (len(a), len(a))


def test_a_changed_day_is_a_changed_date_flagged_like_a_figure_not_a_name():
    change = only_change("The vote is on Monday.", "The vote is on Tuesday.")
    assert change.flags == {"number"}


def test_a_long_passage_gets_the_same_changes_every_time_however_busy_the_machine():
    # No clock in the diff: a long run-on (here about 600 words each side) is diffed the
    # same way on every call, even with nothing remembered from the previous one.
    import random

    from compare.engine import diff as diff_module

    rng = random.Random(7)
    vocabulary = ["harbour", "ferry", "storm", "council", "bridge", "ramp", "island", "said", "the", "and"]
    a = " ".join(rng.choice(vocabulary) for _ in range(600))
    b = " ".join(rng.choice(vocabulary) for _ in range(600))
    first = diff(a, b)
    diff_module._edit_script.cache_clear()
    diff_module._span_tokens.cache_clear()
    assert diff(a, b) == first
    assert first


def test_a_capital_word_that_only_ever_starts_sentences_is_not_a_name():
    a = "The ferry runs all night. Cyclists can take their bikes on board."
    b = "The ferry runs all night. Bicycles are allowed on the boat."
    assert all("name" not in c.flags for c in diff(a, b)), described(a, b)


def test_a_name_that_starts_a_sentence_is_still_a_name_when_it_is_capitalised_elsewhere():
    a = "The council thanked Okafor. Okafor said the ramp was safe."
    b = "The council thanked Lindqvist. Lindqvist said the ramp was safe."
    a_span = (a.index("Okafor said"), len(a))
    b_span = (b.index("Lindqvist said"), len(b))
    (change,) = word_changes(a, b, a_span, b_span)[0]
    assert (a[change.a[0] : change.a[1]], b[change.b[0] : change.b[1]]) == ("Okafor", "Lindqvist")
    assert "name" in change.flags


def test_overlapping_junk_spans_are_all_left_out():
    a = "The dam held. Photo: Lowland River Agency / Share on Facebook The town is safe."
    b = "The dam held. The town is safe."
    photo = (a.index("Photo"), a.index("/") + 1)
    share = (a.index("/"), a.index("The town") - 1)
    assert word_changes(a, b, (0, len(a)), (0, len(b)), a_junk=[photo, share])[0] == ()


def test_a_paraphrase_shows_the_content_words_it_kept_as_shared():
    a = "Officials in the northern district said yesterday that the county council would review every request."
    b = "A spokesperson for the island announced this morning that the county council intends to reconsider it."
    changed_in_b = " ".join(b[c.b[0] : c.b[1]] for c in diff(a, b))
    for kept in ("county", "council"):
        assert kept not in changed_in_b


def test_a_lone_function_word_between_two_edits_is_folded_into_them():
    a = "The ferry operator cancelled all of the sailings."
    b = "The harbour authority suspended most of the crossings."
    assert (
        "replace",
        "ferry operator cancelled all of the sailings",
        "harbour authority suspended most of the crossings",
    ) in described(a, b)


def pair_of(a: str, b: str) -> Pair:
    changes, moves = word_changes(a, b, (0, len(a)), (0, len(b)))
    return Pair(
        a=(0,), b=(0,), a_span=(0, len(a)), b_span=(0, len(b)), kind="edited", score=1.0, changes=changes, moves=moves
    )


def test_same_wording_counts_the_words_outside_changes_on_both_sides():
    a = "The pier will close on Monday for repairs."
    b = "The pier will close on Tuesday for repairs."
    # Eight words a side, one changed on each: 14 of 16 the same.
    assert same_wording(a, b, [pair_of(a, b)]) == 14 / 16


def test_same_wording_is_whole_only_when_every_word_is_the_same():
    a = "The pier will close on Monday."
    assert same_wording(a, a, [pair_of(a, a)]) == 1.0
    # Punctuation, capitals and quote marks are trivial: still the same wording.
    b = "the pier will close on Monday!"
    assert same_wording(a, b, [pair_of(a, b)]) == 1.0


def test_moved_words_are_the_same_wording():
    a = "The harbour pilot, Mara Olsen, was not aboard."
    b = "Mara Olsen, the harbour pilot, was not aboard."
    assert same_wording(a, b, [pair_of(a, b)]) == 1.0


def test_same_wording_leaves_out_junk_and_passages_without_words():
    a = "The pier will close on Monday. Photo: Port Averell Trust. It reopens in May."
    b = "The pier will close on Tuesday. It reopens in May."
    junk = (a.index("Photo"), a.index(" It reopens"))
    changes, moves = word_changes(a, b, (0, len(a)), (0, len(b)), [junk], [])
    pair = Pair(
        a=(0, 2),
        b=(0, 1),
        a_span=(0, len(a)),
        b_span=(0, len(b)),
        kind="edited",
        score=1.0,
        changes=changes,
        moves=moves,
    )
    # Ten words a side outside the caption, one changed on each (the caption's four words are not counted).
    assert same_wording(a, b, [pair], [junk], []) == 18 / 20
    assert same_wording("…", "—", [pair_of("…", "—")]) is None


def test_a_passage_in_two_pairs_counts_its_words_once():
    # Pairs may overlap on one side (a second correspondence): B's sentence is in both. Its
    # words are each counted once, as the same where either pair has them unchanged.
    a = "Sailings were cancelled on Tuesday. Sailings were cancelled."
    b = "Sailings were cancelled on Tuesday."
    first, second = (0, a.index(".") + 1), (a.index(" S") + 1, len(a))
    pairs = [
        Pair(a=(0,), b=(0,), a_span=first, b_span=(0, len(b)), kind="verbatim", score=1.0,
             changes=word_changes(a, b, first, (0, len(b)))[0]),
        Pair(a=(1,), b=(0,), a_span=second, b_span=(0, len(b)), kind="edited", score=0.8,
             changes=word_changes(a, b, second, (0, len(b)))[0]),
    ]  # fmt: skip
    assert pairs[1].changes  # "on Tuesday" is not in A's second sentence
    assert same_wording(a, b, pairs) == 1.0
