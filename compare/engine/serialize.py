"""The engine's results as plain JSON-able dicts, and back, exactly.

The web app stores alignments in the database as JSON. JSON has no tuples, no tuple keys
and no sets, so: tuples become lists, ``pairwise``/``similarity`` (keyed by pairs of
document ids) become lists of entries, flags become sorted lists. ``*_from_dict`` restores
the very same dataclasses (``==`` holds after a round trip).
"""

from __future__ import annotations

from typing import Any

from .align import mirror
from .spans import as_span
from .types import Change, Group, Move, Op, Pair, PairAlignment, Segment, SourceEstimate, StoryAlignment

FORMAT = 3  # bump when the shape below changes, so stored results can be recomputed

# Stored alignments get large (every pair of versions, both ways, every word-level change),
# and decoding them is on the page's critical path, so the stored form is compact: changes
# and pairs are short lists, segments are stored once per document, and the B-to-A
# alignment is stored as "the mirror of A-to-B" whenever it is exactly that.
_OPS: dict[Op, str] = {"insert": "i", "delete": "d", "replace": "r"}
_OP_NAMES: dict[str, Op] = {code: op for op, code in _OPS.items()}


def segment_to_list(segment: Segment) -> list[int]:
    return [segment.index, segment.start, segment.end, segment.paragraph]


def segment_from_list(item: list[int]) -> Segment:
    index, start, end, paragraph = item
    return Segment(index=index, start=start, end=end, paragraph=paragraph)


def change_to_dict(change: Change) -> dict[str, Any]:
    """A change as a readable dict (the ``align`` command prints these)."""
    return {
        "op": change.op,
        "a": list(change.a),
        "b": list(change.b),
        "flags": sorted(change.flags),
        "trivial": change.trivial,
    }


def pair_alignment_entries(
    pa: PairAlignment, a_doc: Any, b_doc: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One pairwise alignment as the ``pairs`` and ``unique`` entries of the ``align --json``
    contract (which the JSON export follows), its two documents named ``a_doc`` and ``b_doc``."""
    pairs = [
        {
            "a": list(pair.a_span),
            "b": list(pair.b_span),
            "kind": pair.kind,
            "score": float(pair.score),
            "a_doc": a_doc,
            "b_doc": b_doc,
            "a_sentences": list(pair.a),
            "b_sentences": list(pair.b),
            "changes": [change_to_dict(c) for c in pair.changes],
            # Words both passages hold in other places: a change of order, not of wording.
            "moves": [{"a": list(m.a), "b": list(m.b)} for m in pair.moves],
        }
        for pair in pa.pairs
    ]
    unique = [
        {"doc": doc, "other_doc": other, "span": [segments[index].start, segments[index].end]}
        for doc, other, indices, segments in (
            (a_doc, b_doc, pa.unique_a, pa.a_segments),
            (b_doc, a_doc, pa.unique_b, pa.b_segments),
        )
        for index in indices
    ]
    return pairs, unique


def _change_to_list(change: Change) -> list[Any]:
    return [_OPS[change.op], *change.a, *change.b, sorted(change.flags), int(change.trivial)]


def _change_from_list(item: list[Any]) -> Change:
    op, a_start, a_end, b_start, b_end, flags, trivial = item
    return Change(_OP_NAMES[op], (a_start, a_end), (b_start, b_end), frozenset(flags), bool(trivial))


def _pair_entry_to_list(pair: Pair) -> list[Any]:
    return [
        list(pair.a),
        list(pair.b),
        list(pair.a_span),
        list(pair.b_span),
        pair.kind,
        pair.score,
        [_change_to_list(c) for c in pair.changes],
        [[*m.a, *m.b] for m in pair.moves],
    ]


def _pair_entry_from_list(item: list[Any]) -> Pair:
    a, b, a_span, b_span, kind, score, changes, moves = item
    return Pair(
        a=tuple(a),
        b=tuple(b),
        a_span=as_span(a_span),
        b_span=as_span(b_span),
        kind=kind,
        score=score,
        changes=tuple(_change_from_list(c) for c in changes),
        moves=tuple(Move((m[0], m[1]), (m[2], m[3])) for m in moves),
    )


def pair_to_dict(pa: PairAlignment, segments: dict[str, list[Segment]] | None = None) -> dict[str, Any]:
    """A PairAlignment (two versions) as a JSON-able dict. Segments equal to those given in
    ``segments`` (a story's, by document id) are left out and restored from there on load."""
    d: dict[str, Any] = {
        "format": FORMAT,
        "a_id": pa.a_id,
        "b_id": pa.b_id,
        "pairs": [_pair_entry_to_list(p) for p in pa.pairs],
        "unique_a": list(pa.unique_a),
        "unique_b": list(pa.unique_b),
        "shares_a": dict(pa.shares_a),
        "shares_b": dict(pa.shares_b),
    }
    for key, doc_id, own in (("a_segments", pa.a_id, pa.a_segments), ("b_segments", pa.b_id, pa.b_segments)):
        if segments is None or segments.get(doc_id) != own:
            d[key] = [segment_to_list(s) for s in own]
    return d


def pair_from_dict(d: dict[str, Any], segments: dict[str, list[Segment]] | None = None) -> PairAlignment:
    _check_format(d)

    def segments_of(key: str, doc_id: str) -> list[Segment]:
        if key in d:
            return [segment_from_list(s) for s in d[key]]
        if segments is None or doc_id not in segments:
            raise ValueError(f"stored alignment lacks the segments of {doc_id!r}: recompute it")
        return segments[doc_id]

    return PairAlignment(
        a_id=d["a_id"],
        b_id=d["b_id"],
        a_segments=segments_of("a_segments", d["a_id"]),
        b_segments=segments_of("b_segments", d["b_id"]),
        pairs=[_pair_entry_from_list(p) for p in d["pairs"]],
        unique_a=list(d["unique_a"]),
        unique_b=list(d["unique_b"]),
        shares_a=dict(d.get("shares_a", {})),
        shares_b=dict(d.get("shares_b", {})),
    )


def story_to_dict(sa: StoryAlignment) -> dict[str, Any]:
    """A StoryAlignment (all versions of a story) as a JSON-able dict."""
    pairwise: list[dict[str, Any]] = []
    for (a, b), pa in sa.pairwise.items():
        reverse = sa.pairwise.get((b, a))
        if (b, a) in _stored_before(sa, a, b) and reverse is not None and mirror(reverse) == pa:
            pairwise.append({"a": a, "b": b, "mirror": True})
        else:
            pairwise.append({"a": a, "b": b, "alignment": pair_to_dict(pa, sa.segments)})
    return {
        "format": FORMAT,
        "engine_version": sa.engine_version,
        "documents": list(sa.documents),
        "segments": {doc: [segment_to_list(s) for s in segments] for doc, segments in sa.segments.items()},
        "pairwise": pairwise,
        "groups": [[[doc, index] for doc, index in group.members] for group in sa.groups],
        "similarity": [[a, b, value] for (a, b), value in sa.similarity.items()],
        "source": {
            "document": sa.source.document,
            "confidence": sa.source.confidence,
            "evidence": list(sa.source.evidence),
        },
    }


def _stored_before(sa: StoryAlignment, a: str, b: str) -> set[tuple[str, str]]:
    """Keys of ``pairwise`` that come before (a, b): only those can be mirrored on load."""
    before: set[tuple[str, str]] = set()
    for key in sa.pairwise:
        if key == (a, b):
            return before
        before.add(key)
    return before


def story_from_dict(d: dict[str, Any]) -> StoryAlignment:
    _check_format(d)
    segments = {doc: [segment_from_list(s) for s in items] for doc, items in d["segments"].items()}
    pairwise: dict[tuple[str, str], PairAlignment] = {}
    for entry in d["pairwise"]:
        a, b = entry["a"], entry["b"]
        if entry.get("mirror"):
            pairwise[(a, b)] = mirror(pairwise[(b, a)])
        else:
            pairwise[(a, b)] = pair_from_dict(entry["alignment"], segments)
    source = d["source"]
    return StoryAlignment(
        documents=list(d["documents"]),
        segments=segments,
        pairwise=pairwise,
        groups=[Group(members=[(doc, index) for doc, index in members]) for members in d["groups"]],
        similarity={(a, b): value for a, b, value in d["similarity"]},
        source=SourceEstimate(
            document=source["document"],
            confidence=source["confidence"],
            evidence=list(source["evidence"]),
        ),
        engine_version=d.get("engine_version", ""),
    )


def _check_format(d: dict[str, Any]) -> None:
    found = d.get("format", FORMAT)
    if found != FORMAT:
        raise ValueError(f"stored alignment has format {found}, this engine reads format {FORMAT}: recompute it")
