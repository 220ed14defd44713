"""The engine's results as plain JSON-able dicts, and back, exactly.

The web app stores alignments in the database as JSON. JSON has no tuples, no tuple keys
and no sets, so: tuples become lists, ``pairwise``/``similarity`` (keyed by pairs of
document ids) become lists of entries, flags become sorted lists. ``*_from_dict`` restores
the very same dataclasses (``==`` holds after a round trip).
"""

from __future__ import annotations

from typing import Any

from .types import Change, Group, Pair, PairAlignment, Segment, SourceEstimate, StoryAlignment

FORMAT = 1  # bump when the shape below changes, so stored results can be recomputed


def segment_to_list(segment: Segment) -> list[int]:
    return [segment.index, segment.start, segment.end, segment.paragraph]


def segment_from_list(item: list[int]) -> Segment:
    index, start, end, paragraph = item
    return Segment(index=index, start=start, end=end, paragraph=paragraph)


def change_to_dict(change: Change) -> dict[str, Any]:
    return {
        "op": change.op,
        "a": list(change.a),
        "b": list(change.b),
        "flags": sorted(change.flags),
        "trivial": change.trivial,
    }


def change_from_dict(d: dict[str, Any]) -> Change:
    return Change(
        op=d["op"],
        a=_span(d["a"]),
        b=_span(d["b"]),
        flags=frozenset(d.get("flags", ())),
        trivial=bool(d.get("trivial", False)),
    )


def _pair_entry_to_dict(pair: Pair) -> dict[str, Any]:
    return {
        "a": list(pair.a),
        "b": list(pair.b),
        "a_span": list(pair.a_span),
        "b_span": list(pair.b_span),
        "kind": pair.kind,
        "score": pair.score,
        "changes": [change_to_dict(c) for c in pair.changes],
    }


def _pair_entry_from_dict(d: dict[str, Any]) -> Pair:
    return Pair(
        a=tuple(d["a"]),
        b=tuple(d["b"]),
        a_span=_span(d["a_span"]),
        b_span=_span(d["b_span"]),
        kind=d["kind"],
        score=float(d["score"]),
        changes=tuple(change_from_dict(c) for c in d.get("changes", ())),
    )


def pair_to_dict(pa: PairAlignment) -> dict[str, Any]:
    """A PairAlignment (two versions) as a JSON-able dict."""
    return {
        "format": FORMAT,
        "a_id": pa.a_id,
        "b_id": pa.b_id,
        "a_segments": [segment_to_list(s) for s in pa.a_segments],
        "b_segments": [segment_to_list(s) for s in pa.b_segments],
        "pairs": [_pair_entry_to_dict(p) for p in pa.pairs],
        "unique_a": list(pa.unique_a),
        "unique_b": list(pa.unique_b),
        "shares_a": dict(pa.shares_a),
        "shares_b": dict(pa.shares_b),
    }


def pair_from_dict(d: dict[str, Any]) -> PairAlignment:
    _check_format(d)
    return PairAlignment(
        a_id=d["a_id"],
        b_id=d["b_id"],
        a_segments=[segment_from_list(s) for s in d["a_segments"]],
        b_segments=[segment_from_list(s) for s in d["b_segments"]],
        pairs=[_pair_entry_from_dict(p) for p in d["pairs"]],
        unique_a=list(d["unique_a"]),
        unique_b=list(d["unique_b"]),
        shares_a=dict(d.get("shares_a", {})),
        shares_b=dict(d.get("shares_b", {})),
    )


def story_to_dict(sa: StoryAlignment) -> dict[str, Any]:
    """A StoryAlignment (all versions of a story) as a JSON-able dict."""
    return {
        "format": FORMAT,
        "engine_version": sa.engine_version,
        "documents": list(sa.documents),
        "segments": {doc: [segment_to_list(s) for s in segments] for doc, segments in sa.segments.items()},
        "pairwise": [{"a": a, "b": b, "alignment": pair_to_dict(pa)} for (a, b), pa in sa.pairwise.items()],
        "groups": [[[doc, index] for doc, index in group.members] for group in sa.groups],
        "similarity": [[a, b, value] for (a, b), value in sa.similarity.items()],
        "source": {
            "document": sa.source.document,
            "confidence": sa.source.confidence,
            "evidence": list(sa.source.evidence),
        },
    }


def story_from_dict(d: dict[str, Any]) -> StoryAlignment:
    _check_format(d)
    source = d["source"]
    return StoryAlignment(
        documents=list(d["documents"]),
        segments={doc: [segment_from_list(s) for s in segments] for doc, segments in d["segments"].items()},
        pairwise={(entry["a"], entry["b"]): pair_from_dict(entry["alignment"]) for entry in d["pairwise"]},
        groups=[Group(members=[(doc, index) for doc, index in members]) for members in d["groups"]],
        similarity={(a, b): float(value) for a, b, value in d["similarity"]},
        source=SourceEstimate(
            document=source["document"],
            confidence=float(source["confidence"]),
            evidence=list(source["evidence"]),
        ),
        engine_version=d.get("engine_version", ""),
    )


def _span(item: list[int] | tuple[int, int]) -> tuple[int, int]:
    start, end = item
    return (start, end)


def _check_format(d: dict[str, Any]) -> None:
    found = d.get("format", FORMAT)
    if found != FORMAT:
        raise ValueError(f"stored alignment has format {found}, this engine reads format {FORMAT}: recompute it")
