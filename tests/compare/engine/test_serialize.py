"""Alignments as plain JSON and back (compare/engine/serialize.py)."""

from __future__ import annotations

import json

import pytest

from compare.engine.serialize import (
    change_to_dict,
    mirror,
    pair_from_dict,
    pair_to_dict,
    story_from_dict,
    story_to_dict,
)
from compare.engine.types import (
    Change,
    Document,
    Group,
    Pair,
    PairAlignment,
    Segment,
    SourceEstimate,
    StoryAlignment,
)


def through_json(d: dict) -> dict:
    return json.loads(json.dumps(d, ensure_ascii=False))


def hand_made_pair(a_id: str = "a", b_id: str = "b") -> PairAlignment:
    a_segments = [Segment(0, 0, 20, 0), Segment(1, 21, 50, 1), Segment(2, 51, 80, 1)]
    b_segments = [Segment(0, 0, 22, 0), Segment(1, 23, 70, 0)]
    return PairAlignment(
        a_id=a_id,
        b_id=b_id,
        a_segments=a_segments,
        b_segments=b_segments,
        pairs=[
            Pair(a=(0,), b=(0,), a_span=(0, 20), b_span=(0, 22), kind="verbatim", score=1.0),
            Pair(
                a=(1, 2),
                b=(1,),
                a_span=(21, 80),
                b_span=(23, 70),
                kind="edited",
                score=0.8125,
                changes=(
                    Change("replace", (30, 32), (31, 33), frozenset({"number", "quote"})),
                    Change("insert", (40, 40), (41, 50)),
                    Change("delete", (60, 61), (55, 55), frozenset(), trivial=True),
                ),
            ),
        ],
        unique_a=[],
        unique_b=[],
        shares_a={"verbatim": 0.25, "edited": 0.75, "paraphrase": 0.0, "unique": 0.0},
        shares_b={"verbatim": 0.3, "edited": 0.7, "paraphrase": 0.0, "unique": 0.0},
    )


def hand_made_story() -> StoryAlignment:
    forward = hand_made_pair("a", "b")
    backward = hand_made_pair("b", "a")
    return StoryAlignment(
        documents=["a", "b"],
        segments={"a": forward.a_segments, "b": forward.b_segments},
        pairwise={("a", "b"): forward, ("b", "a"): backward},
        groups=[Group(members=[("a", 0), ("b", 0)]), Group(members=[("a", 1), ("a", 2), ("b", 1)])],
        similarity={("a", "a"): 1.0, ("b", "b"): 1.0, ("a", "b"): 0.7, ("b", "a"): 0.7},
        source=SourceEstimate(document="a", confidence=0.6, evidence=["b copies a’s headline word for word"]),
        engine_version="test-1",
    )


def test_a_pair_alignment_survives_a_trip_through_json():
    pa = hand_made_pair()
    assert pair_from_dict(through_json(pair_to_dict(pa))) == pa


def test_a_story_alignment_survives_a_trip_through_json():
    sa = hand_made_story()
    back = story_from_dict(through_json(story_to_dict(sa)))
    assert back == sa
    assert set(back.pairwise) == {("a", "b"), ("b", "a")}
    assert back.groups[1].members == [("a", 1), ("a", 2), ("b", 1)]


def test_flags_are_stored_as_sorted_lists():
    assert '["number", "quote"]' in json.dumps(pair_to_dict(hand_made_pair()))
    change = Change("replace", (1, 2), (1, 2), frozenset({"quote", "number", "name"}))
    assert change_to_dict(change)["flags"] == ["name", "number", "quote"]


def test_a_reverse_alignment_that_mirrors_the_forward_one_is_stored_once():
    forward = hand_made_pair("a", "b")
    sa = hand_made_story()
    sa.pairwise[("b", "a")] = mirror(forward)
    d = story_to_dict(sa)
    entries = {(e["a"], e["b"]): e for e in d["pairwise"]}
    assert entries[("b", "a")] == {"a": "b", "b": "a", "mirror": True}
    assert story_from_dict(through_json(d)) == sa


def test_a_reverse_alignment_that_is_not_a_mirror_is_stored_in_full():
    sa = hand_made_story()  # its (b, a) alignment is not the mirror of (a, b)
    d = story_to_dict(sa)
    assert all("alignment" in e for e in d["pairwise"])
    assert story_from_dict(through_json(d)) == sa


def test_segments_of_a_story_are_stored_once_not_in_every_pair():
    d = story_to_dict(hand_made_story())
    forward = next(e["alignment"] for e in d["pairwise"] if (e["a"], e["b"]) == ("a", "b"))
    assert "a_segments" not in forward and "b_segments" not in forward


def test_the_stored_form_is_plain_json_with_no_tuple_keys():
    d = story_to_dict(hand_made_story())
    assert through_json(d) == d


def test_a_stored_alignment_of_another_format_is_refused_with_a_clear_message():
    d = story_to_dict(hand_made_story())
    d["format"] = 999
    with pytest.raises(ValueError, match="recompute"):
        story_from_dict(d)


def test_a_real_story_alignment_of_three_versions_survives_json():
    from compare.engine.story import align_story

    docs = [
        Document("one", "Floods closed the valley road on Monday. Twelve homes were evacuated.\n\nRain is expected."),
        Document("two", "Floods closed the valley road on Monday. Fourteen homes were evacuated."),
        Document("three", "The mayor thanked volunteers. Floods shut the valley road on Monday."),
    ]
    sa = align_story(docs)
    stored = story_to_dict(sa)
    back = story_from_dict(through_json(stored))
    assert back == sa
    assert any(entry.get("mirror") for entry in stored["pairwise"]), "the engine's reverse alignments are mirrors"
    assert any(p.changes for pa in back.pairwise.values() for p in pa.pairs)
