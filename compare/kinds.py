"""The kinds of correspondence between passages, in one table: their names, their words, their weights.

The engine decides the kind of each pair (``compare/engine``: ``Kind``, ``KINDS``) and how
much each kind counts towards similarity (``SIMILARITY_WEIGHTS``); everything that shows a
kind to a reader (pages, the HTML report, the trace page, the command line) takes its words
from here. A new kind is added to the engine's classifier and to ``TABLE``;
tests/test_kinds.py fails until both agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from compare.engine import KINDS, SHARE_KINDS, SIMILARITY_WEIGHTS, ShareKind


@dataclass(frozen=True)
class KindInfo:
    name: ShareKind  # as the engine, the stored results, the API and CSS classes spell it
    label: str  # a badge or a bar's legend
    meaning: str  # against the base, after the label: "verbatim: copied word for word from the base"
    traced: str  # a passage of a traced text found in a source this way, on its own
    copied: bool  # the words themselves were taken, not only the meaning: a source is one that has such pairs

    @property
    def weight(self) -> float:
        """How much a passage of this kind counts towards two versions' similarity (the engine's figure)."""
        return SIMILARITY_WEIGHTS[self.name]


TABLE: dict[ShareKind, KindInfo] = {
    info.name: info
    for info in (
        KindInfo("verbatim", "verbatim", "copied word for word from the base", "copied word for word", copied=True),
        KindInfo("edited", "edited", "a few words changed", "copied with edits", copied=True),
        KindInfo("paraphrase", "paraphrase", "the same meaning reworded", "paraphrased", copied=False),
        KindInfo("unique", "unique", "not in the base at all", "new", copied=False),
    )
}

# The ways a passage can correspond (every kind but "unique"), and every share kind, in the engine's order.
PAIR_KINDS: tuple[KindInfo, ...] = tuple(TABLE[kind] for kind in KINDS)
SHARE_KIND_INFO: tuple[KindInfo, ...] = tuple(TABLE[kind] for kind in SHARE_KINDS)
