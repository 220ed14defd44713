"""Character spans: (start, end) offsets into a text, end excluded (private to the engine).

The few operations the engine does on them, each written once: trim blanks, join
overlapping spans, cut spans out of a stretch, find the spans that overlap one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

Span = tuple[int, int]


def as_span(item: Sequence[int]) -> Span:
    """A stored [start, end] (JSON has no tuples) as a span."""
    start, end = item
    return (start, end)


def trim(text: str, start: int, end: int) -> Span:
    """``(start, end)`` without the whitespace at either end (empty stays empty)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def union(spans: Iterable[Span]) -> list[Span]:
    """The spans sorted, with those that overlap or touch joined into one."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def union_within(spans: Iterable[Span], length: int) -> list[Span]:
    """``union`` of the spans cut to a text of ``length`` characters, empty ones left out."""
    clipped = ((max(0, start), min(length, end)) for start, end in spans)
    return union((start, end) for start, end in clipped if start < end)


def subtract(start: int, end: int, holes: Iterable[Span]) -> Iterator[Span]:
    """The parts of ``(start, end)`` outside every hole, in order.

    ``holes`` must be sorted by start (``union`` gives them so); they may overlap."""
    position = start
    for hole_start, hole_end in holes:
        if hole_end <= position:
            continue
        if hole_start >= end:
            break
        if hole_start > position:
            yield position, hole_start
        position = max(position, hole_end)
    if position < end:
        yield position, end


def overlapping(spans: Iterable[Span], span: Span) -> tuple[Span, ...]:
    """The spans that share at least one character with ``span``, in their order."""
    start, end = span
    return tuple((s, e) for s, e in spans if s < end and e > start)
