"""Which passage a note or an address belongs to, from character offsets: plain Python, no Django.

Notes are anchored to offsets into a version's text (which never changes); the engine's
sentences (segments, each with ``start`` and ``end`` offsets into the same text) may change
when the engine improves. So the sentence a note belongs to is worked out each time it is
shown: the one it overlaps most, else (a note on text between sentences, such as marked junk)
the nearest one. Links to a passage name it the same way, by the offset its first sentence
starts at (``at-<offset>``), so a link made today opens the same words after a re-alignment.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Protocol


class Span(Protocol):
    # Read-only: the engine's segments are frozen.
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def segment_for(segments: Sequence[Span], start: int, end: int) -> int | None:
    """Index of the segment that a note on ``[start, end)`` belongs to, or None if there are none.

    ``segments`` are in text order and do not overlap (as the engine makes them).
    """
    if not segments:
        return None
    starts = [segment.start for segment in segments]
    # The segments that could overlap: from the one starting at or before ``start`` on.
    first = max(0, bisect.bisect_right(starts, start) - 1)
    best, best_overlap = None, 0
    for index in range(first, len(segments)):
        segment = segments[index]
        if segment.start >= end:
            break
        overlap = min(end, segment.end) - max(start, segment.start)
        if overlap > best_overlap:
            best, best_overlap = index, overlap
    if best is not None:
        return best
    # Between sentences: the nearest one, the following one on a tie (a note usually introduces what follows).
    after = bisect.bisect_left(starts, end)
    if after >= len(segments):
        return len(segments) - 1
    if after == 0:
        return 0
    gap_before = start - segments[after - 1].end
    gap_after = segments[after].start - end
    return after - 1 if gap_before < gap_after else after


def passage_at(segments: Sequence[Span], offset: int) -> int | None:
    """Index of the segment a passage's address (the offset where its first sentence starts) names
    in these segments: the one holding that character, else the nearest; None if there are none."""
    return segment_for(segments, offset, offset + 1)


def passage_address(start: int) -> str:
    """How links name a passage of a version: "at-<offset>", where its first sentence starts in the
    version's text. The text never changes, so the address outlives any change in how the engine
    cuts sentences; a sentence's index would not."""
    return f"at-{start}"


def segment_named(segments: Sequence[Span], address: str, text_length: int) -> int | None:
    """Index of the segment an address names: "at-<offset>" (see ``passage_address``) or, in a
    link made before addresses were offsets, "<index>" of the sentence. None for an address that
    names nothing: not one of those, an offset outside the text, an index past the last sentence."""
    number = address.removeprefix("at-")
    if not (number.isascii() and number.isdigit()) or len(number) > 10:
        return None
    if number != address:
        return passage_at(segments, int(number)) if int(number) < text_length else None
    return int(number) if int(number) < len(segments) else None
