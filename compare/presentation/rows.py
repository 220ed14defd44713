"""Rows of the story page as plain data: groups of corresponding passages across every shown version.

Built from the engine's pairwise correspondences only (no ORM, no HTML):

1. Passages. Each version's sentences are cut into passages: the sentences a correspondence
   covers together make one passage (overlapping correspondences merge theirs), and a run of
   sentences that correspond to nothing, within one paragraph, makes one passage.
2. Groups. Passages are joined along their correspondences, strongest first. A group holds one
   passage per version, or up to three when only passages with no counterpart stand between
   them in that version (a headline and its lead saying the same thing; the passages between
   join the group, so every version still reads in order). A correspondence that would break
   that rule is not followed: its
   two passages stay in their own groups and link to each other instead. So overlapping
   correspondences (one sentence paired with two passages of another version) are fine.
3. Order. The base decides the order: a group with a base passage sits where that passage
   stands; a group without one sits after the group of the base that precedes it in its own
   versions. Everything before the base's first group comes right after it, so the page
   opens on a passage of the base.
4. Moved passages. In each version, the passages whose rows are out of the version's own
   order (outside the longest run in order) are marked moved, with a link to the passage
   they follow in their own version.
5. Compact rows. A run of rows that each hold the passages of one version only (its own
   passages) is collapsed into one compact row, so that a version's additions do not each
   take a row of empty cells (the page shows a compact row as one wide cell).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from compare.engine import Pair, Segment, StoryAlignment
from compare.kinds import RANK

# How different each kind is: a passage paired by several correspondences shows the most different.
_KIND_RANK = RANK


@dataclass(frozen=True)
class Link:
    """A correspondence that is not shown on one row: the other passage's version and first sentence."""

    doc: str
    segment: int


@dataclass
class Member:
    """One passage of one version, placed in a row."""

    doc: str
    segments: tuple[int, ...]  # consecutive sentence indices of its version
    against: str | None = None  # the version its marks are measured against (the base when it can)
    pairs: list[Pair] = field(default_factory=list)  # correspondences with ``against``, oriented against -> doc
    kind: str = ""  # a pair kind (compare/kinds.py), against ``against``; "" for a passage with none shown
    unique: bool = False  # in no other version at all
    moved: bool = False  # out of its version's own order
    follows: Link | None = None  # for a moved passage: the passage next to it in its own version
    first_in_version: bool = False  # ... which comes after it (it opens its version) rather than before
    links: list[Link] = field(default_factory=list)  # correspondences shown on other rows

    @property
    def first(self) -> int:
        return self.segments[0]


@dataclass
class RowData:
    cells: dict[str, list[Member]]  # by version id, in the version's order
    compact: bool = False  # versions' own passages (no counterpart shown), gathered from consecutive rows

    @property
    def members(self) -> list[Member]:
        return [member for members in self.cells.values() for member in members]


def build_rows(alignment: StoryAlignment, base: str, shown: Sequence[str]) -> list[RowData]:
    """The rows for the versions ``shown`` (the base among them), in the base's order."""
    shown = [doc for doc in dict.fromkeys([base, *shown]) if doc in alignment.segments]
    couples = [(x, y) for x, y in combinations(shown, 2) if (x, y) in alignment.pairwise]
    passages = _passages(alignment, shown, couples)
    unit_of = {
        (doc, s): (doc, first)
        for doc, units in passages.items()
        for first, last in units
        for s in range(first, last + 1)
    }
    span_of = {(doc, first): tuple(range(first, last + 1)) for doc, units in passages.items() for first, last in units}

    position = {(doc, first): i for doc, units in passages.items() for i, (first, _) in enumerate(units)}
    paired = {
        (doc, s)
        for x, y in couples
        for p in alignment.pairwise[(x, y)].pairs
        for doc, seg in ((x, p.a), (y, p.b))
        for s in seg
    }
    free = {unit for unit, span in span_of.items() if not any((unit[0], s) in paired for s in span)}
    groups = _Groups(position, free)
    edges: dict[tuple[tuple[str, int], tuple[str, int]], float] = {}
    for x, y in couples:
        for pair in alignment.pairwise[(x, y)].pairs:
            if not pair.a or not pair.b:
                continue
            u, v = unit_of[(x, pair.a[0])], unit_of[(y, pair.b[0])]
            edges[(u, v)] = max(edges.get((u, v), 0.0), pair.score)
    links: dict[tuple[str, int], list[Link]] = {}
    for (u, v), _score in sorted(edges.items(), key=lambda item: (-item[1], item[0])):
        if not groups.join(u, v):
            links.setdefault(u, []).append(Link(*v))
            links.setdefault(v, []).append(Link(*u))

    rows = _ordered(groups.components(), base, passages)
    members = _members(rows, alignment, base, shown, span_of, links)
    _mark_moved(members, shown, passages, rows)
    return _compact(rows, members, shown)


def passage_of(alignment: StoryAlignment, doc: str, segment: int, shown: Sequence[str]) -> tuple[int, int]:
    """The passage (first, last sentence) that holds ``segment`` of ``doc`` on the page showing ``shown``.

    The page cuts passages from the correspondences between the shown versions; a panel and
    its note form cover the same sentences as the passage that was clicked.
    """
    shown = [d for d in dict.fromkeys([*shown, doc]) if d in alignment.segments]
    couples = [(x, y) for x, y in combinations(shown, 2) if (x, y) in alignment.pairwise]
    for first, last in _passages(alignment, shown, couples)[doc]:
        if first <= segment <= last:
            return first, last
    return segment, segment


def _passages(
    alignment: StoryAlignment, shown: list[str], couples: list[tuple[str, str]]
) -> dict[str, list[tuple[int, int]]]:
    """Each version's passages as (first, last) sentence indices, in order, covering every sentence."""
    spans: dict[str, list[tuple[int, int]]] = {doc: [] for doc in shown}
    for x, y in couples:
        for pair in alignment.pairwise[(x, y)].pairs:
            if pair.a and pair.b:
                spans[x].append((min(pair.a), max(pair.a)))
                spans[y].append((min(pair.b), max(pair.b)))
    out: dict[str, list[tuple[int, int]]] = {}
    for doc in shown:
        blocks: list[tuple[int, int]] = []
        for first, last in sorted(spans[doc]):
            if blocks and first <= blocks[-1][1]:
                blocks[-1] = (blocks[-1][0], max(blocks[-1][1], last))
            else:
                blocks.append((first, last))
        out[doc] = _with_own_runs(blocks, alignment.segments[doc])
    return out


def _with_own_runs(blocks: list[tuple[int, int]], segments: list[Segment]) -> list[tuple[int, int]]:
    """The paired blocks, plus a passage for each run of unpaired sentences within one paragraph."""
    starts = {first: last for first, last in blocks}
    units: list[tuple[int, int]] = []
    i = 0
    while i < len(segments):
        if i in starts:
            units.append((i, starts[i]))
            i = starts[i] + 1
            continue
        run_end = i
        while (
            run_end + 1 < len(segments)
            and run_end + 1 not in starts
            and segments[run_end + 1].paragraph == segments[i].paragraph
        ):
            run_end += 1
        units.append((i, run_end))
        i = run_end + 1
    return units


# A group may hold up to this many passages of one version (a headline, its lead and a
# sentence saying the same thing), provided nothing but passages with no counterpart at all
# stands between them in that version.
MOST_PER_VERSION = 3


class _Groups:
    """Union-find over passages that refuses a join that would crowd a version into one group."""

    def __init__(self, position: dict[tuple[str, int], int], free: set[tuple[str, int]]) -> None:
        self.position = position  # of each passage among its version's passages
        self.free = free  # passages with no counterpart anywhere (no correspondence touches them)
        self.by_position = {(unit[0], index): unit for unit, index in position.items()}
        self.parent: dict[tuple[str, int], tuple[str, int]] = {unit: unit for unit in position}
        self.units: dict[tuple[str, int], list[tuple[str, int]]] = {unit: [unit] for unit in position}

    def find(self, unit: tuple[str, int]) -> tuple[str, int]:
        root = unit
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[unit] != root:
            self.parent[unit], unit = root, self.parent[unit]
        return root

    def _close_together(self, doc: str, units: list[tuple[str, int]]) -> bool:
        """Only passages with no counterpart stand between these passages of one version."""
        positions = sorted(self.position[unit] for unit in units)
        return all(
            self.by_position[(doc, between)] in self.free
            for low, high in zip(positions, positions[1:], strict=False)
            for between in range(low + 1, high)
        )

    def join(self, u: tuple[str, int], v: tuple[str, int]) -> bool:
        """Join the groups of u and v; False (and nothing done) when they may not share a group."""
        ru, rv = self.find(u), self.find(v)
        if ru == rv:
            return True
        together = self.units[ru] + self.units[rv]
        by_doc: dict[str, list[tuple[str, int]]] = {}
        for unit in together:
            by_doc.setdefault(unit[0], []).append(unit)
        for doc, units in by_doc.items():
            if len(units) > MOST_PER_VERSION or (len(units) > 1 and not self._close_together(doc, units)):
                return False
        low, high = sorted((ru, rv))
        self.parent[high] = low
        self.units[low] = together
        del self.units[high]
        return True

    def components(self) -> list[list[tuple[str, int]]]:
        """The groups; a passage with no counterpart that stands between two passages of one group
        joins that group, so that every version still reads in order."""
        inside: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for root, units in self.units.items():
            positions: dict[str, list[int]] = {}
            for unit in units:
                positions.setdefault(unit[0], []).append(self.position[unit])
            for doc, found in positions.items():
                for between in range(min(found) + 1, max(found)):
                    inside.setdefault(root, []).append(self.by_position[(doc, between)])
        taken = {unit for units in inside.values() for unit in units}
        return [
            sorted(units + inside.get(root, []))
            for root, units in self.units.items()
            if not (len(units) == 1 and units[0] in taken)
        ]


def _ordered(
    components: list[list[tuple[str, int]]],
    base: str,
    passages: dict[str, list[tuple[int, int]]],
) -> list[list[tuple[str, int]]]:
    """Groups in the base's order; the others after the base group that precedes them in their versions."""
    keyed: list[tuple[tuple[float, ...], list[tuple[str, int]]]] = []
    base_key: dict[tuple[str, int], int] = {}
    for units in components:
        firsts = [first for doc, first in units if doc == base]
        if firsts:
            for unit in units:
                base_key[unit] = min(firsts)
    # For every passage: the base position of the nearest group with a base passage before it in its version.
    anchor: dict[tuple[str, int], int] = {}
    for doc, spans in passages.items():
        last = -1
        for first, _ in spans:
            unit = (doc, first)
            if unit in base_key:
                last = max(last, base_key[unit])
            anchor[unit] = last
    first_base = min(base_key.values(), default=-1)
    for units in components:
        if units[0] in base_key:
            key: tuple[float, ...] = (base_key[units[0]], 0.0, 0.0)
        else:
            after = max(anchor[unit] for unit in units)
            if after < 0:
                after = first_base  # before the base's first passage: right after it instead
            where = sum(first / max(1, len(passages[doc])) for doc, first in units) / len(units)
            key = (after, 1.0, where)
        keyed.append((key, units))
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [units for _, units in keyed]


def _members(
    rows: list[list[tuple[str, int]]],
    alignment: StoryAlignment,
    base: str,
    shown: list[str],
    span_of: dict[tuple[str, int], tuple[int, ...]],
    links: dict[tuple[str, int], list[Link]],
) -> dict[tuple[str, int], Member]:
    """Every passage as a Member: what its marks are measured against, its kind, and whether it is unique."""
    order = {doc: i for i, doc in enumerate(shown)}
    paired_anywhere: dict[str, set[int]] = {doc: set() for doc in shown}
    for (x, _y), pa in alignment.pairwise.items():
        if x in paired_anywhere:
            for pair in pa.pairs:
                paired_anywhere[x].update(pair.a)
    # The pairs between two shown versions by the first sentence of the second one's side.
    by_b: dict[tuple[str, str], dict[int, list[Pair]]] = {}
    for x in shown:
        for y in shown:
            if x != y and (x, y) in alignment.pairwise:
                index: dict[int, list[Pair]] = {}
                for pair in alignment.pairwise[(x, y)].pairs:
                    if pair.a and pair.b:
                        index.setdefault(pair.b[0], []).append(pair)
                by_b[(x, y)] = index
    members: dict[tuple[str, int], Member] = {}
    for units in rows:
        in_row = {unit[0] for unit in units}
        for unit in units:
            doc, first = unit
            member = Member(doc=doc, segments=span_of[unit], links=links.get(unit, []))
            member.unique = not any(s in paired_anywhere[doc] for s in member.segments)
            # The base's passages are what the others are measured against: they have no reference.
            references = (
                [] if doc == base else sorted((d for d in in_row if d != doc), key=lambda d: (d != base, order[d]))
            )
            for reference in references:
                wanted = {s for other in units if other[0] == reference for s in span_of[other]}
                index = by_b.get((reference, doc), {})
                pairs = [p for s in member.segments for p in index.get(s, ()) if p.a[0] in wanted]
                if pairs:
                    member.against, member.pairs = reference, sorted(pairs, key=lambda p: p.b_span)
                    member.kind = max((p.kind for p in pairs), key=lambda k: _KIND_RANK.get(k, 0))
                    break
            members[unit] = member
    return members


def _mark_moved(
    members: dict[tuple[str, int], Member],
    shown: list[str],
    passages: dict[str, list[tuple[int, int]]],
    rows: list[list[tuple[str, int]]],
) -> None:
    # Only passages shown beside a counterpart can be out of place; a version's own passages cannot.
    row_of = {unit: index for index, units in enumerate(rows) if len({d for d, _ in units}) > 1 for unit in units}
    for doc in shown:
        units = [(doc, first) for first, _ in passages[doc] if (doc, first) in row_of]
        kept = _longest_in_order([row_of[unit] for unit in units])
        for index, unit in enumerate(units):
            if index not in kept:
                member = members[unit]
                member.moved = True
                if index > 0:
                    member.follows = Link(doc, units[index - 1][1])
                elif len(units) > 1:
                    member.follows, member.first_in_version = Link(doc, units[1][1]), True


def _longest_in_order(keys: list[int]) -> set[int]:
    """Indices of the longest non-decreasing run of ``keys`` (patience sorting)."""
    tails: list[int] = []
    tail_keys: list[int] = []
    previous = [-1] * len(keys)
    for i, key in enumerate(keys):
        k = bisect.bisect_right(tail_keys, key)
        if k > 0:
            previous[i] = tails[k - 1]
        if k == len(tails):
            tails.append(i)
            tail_keys.append(key)
        else:
            tails[k] = i
            tail_keys[k] = key
    kept: set[int] = set()
    i = tails[-1] if tails else -1
    while i != -1:
        kept.add(i)
        i = previous[i]
    return kept


def _compact(
    rows: list[list[tuple[str, int]]], members: dict[tuple[str, int], Member], shown: list[str]
) -> list[RowData]:
    out: list[RowData] = []
    run: list[list[tuple[str, int]]] = []

    def flush() -> None:
        if not run:
            return
        cells: dict[str, list[Member]] = {doc: [] for doc in shown}
        for units in run:
            for unit in units:
                cells[unit[0]].append(members[unit])
        for doc in shown:
            cells[doc].sort(key=lambda m: m.first)
        out.append(RowData(cells=cells, compact=True))
        run.clear()

    for units in rows:
        if len({doc for doc, _ in units}) == 1:
            run.append(units)
            continue
        flush()
        cells = {doc: sorted((members[u] for u in units if u[0] == doc), key=lambda m: m.first) for doc in shown}
        out.append(RowData(cells=cells))
    flush()
    return out


def shown_on_one_row(alignment: StoryAlignment, rows: list[RowData], shown: Sequence[str]) -> tuple[int, int]:
    """How many of the engine's pairs between shown versions have both passages on one row, of how many."""
    row_of: dict[tuple[str, int], int] = {}
    for index, row in enumerate(rows):
        for member in row.members:
            for s in member.segments:
                row_of[(member.doc, s)] = index
    together = total = 0
    for x, y in combinations(shown, 2):
        for pair in alignment.pairwise[(x, y)].pairs:
            if not pair.a or not pair.b:
                continue
            total += 1
            together += row_of.get((x, pair.a[0])) == row_of.get((y, pair.b[0]))
    return together, total
