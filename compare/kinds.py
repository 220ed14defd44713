"""The kinds of correspondence between passages, in one table: their names, their words, their weights.

The engine decides the kind of each pair (``compare/engine``: ``Kind``, ``KINDS``) and how
much each kind counts towards similarity (``SIMILARITY_WEIGHTS``); everything that shows a
kind to a reader (pages, the HTML report, the trace page, the command line) takes its words
from here. A new kind is added to the engine's classifier and to ``TABLE``;
tests/compare/test_kinds.py fails until both agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from compare.engine import KINDS, SHARE_KINDS, SIMILARITY_WEIGHTS, ShareKind


@dataclass(frozen=True)
class KindInfo:
    name: ShareKind  # as the engine, the stored results, the API and CSS classes spell it
    label: str  # a badge
    summary: str  # a share of a version's text in the summary bars: "40% paraphrased", "12% its own"
    traced: str  # a passage of a traced text found in a source this way, on its own
    copied: bool  # the words themselves were taken, not only the meaning: a source is one that has such pairs
    reworded: bool  # its wording differs from its counterpart's: the passage carries the kind's badge

    @property
    def weight(self) -> float:
        """How much a passage of this kind counts towards two versions' similarity (the engine's figure)."""
        return SIMILARITY_WEIGHTS[self.name]


TABLE: dict[ShareKind, KindInfo] = {
    info.name: info
    for info in (
        KindInfo("verbatim", "verbatim", "verbatim", "copied word for word", copied=True, reworded=False),
        KindInfo("edited", "edited", "edited", "copied with edits", copied=True, reworded=True),
        KindInfo("paraphrase", "paraphrase", "paraphrased", "paraphrased", copied=False, reworded=True),
        KindInfo("unique", "unique", "its own", "new", copied=False, reworded=False),
    )
}

# The ways a passage can correspond (every kind but "unique"), and every share kind, in the engine's order.
PAIR_KINDS: tuple[KindInfo, ...] = tuple(TABLE[kind] for kind in KINDS)
SHARE_KIND_INFO: tuple[KindInfo, ...] = tuple(TABLE[kind] for kind in SHARE_KINDS)
# How different each kind is, closest first: a passage in several correspondences shows its most different.
RANK: dict[str, int] = {kind: rank for rank, kind in enumerate(SHARE_KINDS)}
# The kinds whose passages carry a badge (their wording differs).
REWORDED: frozenset[str] = frozenset(name for name, info in TABLE.items() if info.reworded)
