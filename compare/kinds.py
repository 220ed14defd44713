"""The kinds of correspondence between passages, in one table: their names, words, weights and looks.

The engine decides the kind of each pair (``compare/engine``: ``Kind``, ``KINDS``) and how
much each kind counts towards similarity (``SIMILARITY_WEIGHTS``); everything that shows a
kind to a reader (pages, the HTML report, the trace page, the command line) takes its words
and its look from here: the legend, the summary bars and their fill patterns, the badges, the
story page's filters and the stylesheet ``compare/kinds.css`` (served at ``/kinds.css`` and
inlined in the HTML report) loop over ``TABLE``. A new kind is added to the engine's
classifier and to ``TABLE``; tests/compare/test_kinds.py fails until both agree and the new kind has
everything the pages need.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from compare.engine import KINDS, SHARE_KINDS, SIMILARITY_WEIGHTS, ShareKind


@dataclass(frozen=True)
class Hatch:
    """The pattern drawn over a kind's colour in the summary bars (templates/compare/includes/hatch_defs.html),
    so that the bars still read in greyscale and for colour-blind readers: vertical lines in a
    square tile, turned by ``rotate`` degrees, or a dot in its centre."""

    size: float
    lines: tuple[float, ...] = ()  # where each line crosses the tile, from its left edge
    dot: float = 0  # the dot's radius; 0 for none
    rotate: int = 0

    @property
    def centre(self) -> float:
        return self.size / 2


@dataclass(frozen=True)
class Look:
    """How a kind is drawn (compare/kinds.css). Each kind differs from the others by a shape as well
    as by colour (a hatch, a line style, a symbol), so that it survives greyscale printing."""

    passage: str  # CSS declarations for a passage of this kind and for its entry in a passage's panel
    bar: str  # the colour of its part of a summary bar
    hatch: Hatch | None  # the pattern over that colour; None for a plain fill
    swatch: str  # CSS background of the small square beside its share in figures
    badge: str = ""  # CSS declarations for its badge; "" for a plain one
    traced: str = ""  # CSS declarations for a passage of a traced text found this way; "" if it is not marked
    # Its passages' left line in forced colours (Windows high contrast), where every colour above
    # is replaced by the reader's own: only the line's style and width tell the kinds apart there,
    # in system colours. "": its ``passage`` line as it is, in the forced colour.
    forced: str = ""


@dataclass(frozen=True)
class KindInfo:
    name: ShareKind  # as the engine, the stored results, the API, the query string and CSS classes spell it
    label: str  # a badge
    summary: str  # a share of a version's text in the summary bars: "40% paraphrased", "12% its own"
    traced: str  # a passage of a traced text found in a source this way, on its own
    copied: bool  # the words themselves were taken, not only the meaning: a source is one that has such pairs
    reworded: bool  # its wording differs from its counterpart's: the passage carries the kind's badge
    look: Look
    legend: str = ""  # what its mark means, in the legend; "" for a kind whose passages carry no mark
    symbol: str = ""  # shown before its label on a badge, a cue that needs no colour
    new_words_only: bool = False  # reworded throughout: only the words its counterpart does not use are marked
    filter: str = ""  # the story page's choice showing only rows with such passages; "" for none

    @property
    def weight(self) -> float:
        """How much a passage of this kind counts towards two versions' similarity (the engine's figure)."""
        return SIMILARITY_WEIGHTS[self.name]

    @property
    def badge(self) -> str:
        """The words on its badge: "paraphrase", "★ unique"."""
        return f"{self.symbol} {self.label}" if self.symbol else self.label


TABLE: dict[str, KindInfo] = {  # by name: looked up with the kinds in stored results
    info.name: info
    for info in (
        KindInfo(
            "verbatim",
            "verbatim",
            "verbatim",
            "copied word for word",
            copied=True,
            reworded=False,
            look=Look(
                passage="border-left-color: #d0d0d0;",
                forced="border-left: 1px solid GrayText;",
                bar="#0b4f7a",
                hatch=None,
                swatch="#0b4f7a",
                traced="background: var(--blue-tint); border-bottom: 2px solid #0b4f7a;",
            ),
        ),
        KindInfo(
            "edited",
            "edited",
            "edited",
            "copied with edits",
            copied=True,
            reworded=True,
            look=Look(
                passage="border-left: 4px solid var(--green);",
                forced="border-left: 4px solid CanvasText;",
                bar="#5cc9a7",
                hatch=Hatch(size=4, lines=(0,), rotate=45),
                swatch="repeating-linear-gradient(45deg, #5cc9a7 0 2px, #1a1a1a 2px 3px)",
                badge="color: var(--green-dark); background: var(--green-tint);",
                traced="background: var(--green-tint); border-bottom: 2px dashed var(--green-dark);",
            ),
            legend="same wording underneath, words changed or added around it (solid left line)",
        ),
        KindInfo(
            "paraphrase",
            "paraphrase",
            "paraphrased",
            "paraphrased",
            copied=False,
            reworded=True,
            look=Look(
                passage="border-left: 4px dashed var(--purple-dark);",
                forced="border-left: 4px dashed CanvasText;",
                bar="#e3a8c9",
                hatch=Hatch(size=6, dot=1.2),
                swatch="radial-gradient(circle, #1a1a1a 25%, #e3a8c9 30%)",
                badge="color: var(--purple-dark); background: var(--purple-tint); border-style: dashed;",
                traced="background: var(--purple-tint); border-bottom: 2px dotted var(--purple-dark);",
            ),
            legend="same meaning, reworded (dashed left line; only the new wording is marked)",
            new_words_only=True,
            filter="Paraphrased only",
        ),
        KindInfo(
            "unique",
            "unique",
            "its own",
            "new",
            copied=False,
            reworded=False,
            look=Look(
                passage="border-left: 6px double #333; background: var(--yellow-tint);",
                forced="border-left: 6px double CanvasText;",
                bar="#f0e442",
                hatch=Hatch(size=5, lines=(0, 2.5), rotate=-45),
                swatch="repeating-linear-gradient(-45deg, #f0e442 0 1.5px, #1a1a1a 1.5px 2.5px)",
                badge="color: #333; background: #f0e442; white-space: normal; border-radius: 0.7rem;",
            ),
            legend="in no other version (double left line)",
            symbol="★",
        ),
    )
}

# The ways a passage can correspond (every kind but "unique"), and every share kind, in the engine's order.
PAIR_KINDS: tuple[KindInfo, ...] = tuple(TABLE[kind] for kind in KINDS)
SHARE_KIND_INFO: tuple[KindInfo, ...] = tuple(TABLE[kind] for kind in SHARE_KINDS)
# How different each kind is, closest first: a passage in several correspondences shows its most different.
RANK: dict[str, int] = {kind: rank for rank, kind in enumerate(SHARE_KINDS)}
# The kinds whose passages carry a badge (their wording differs).
REWORDED: frozenset[str] = frozenset(name for name, info in TABLE.items() if info.reworded)
# The kinds whose words were taken (a source has such pairs), closest first.
COPIED: tuple[KindInfo, ...] = tuple(info for info in SHARE_KIND_INFO if info.copied)
# What the engine calls text with no counterpart: a share kind, never a pair's.
UNIQUE: KindInfo = TABLE["unique"]


def stylesheet() -> str:
    """compare/kinds.css: every kind's look, for the table as it stands."""
    return render_to_string("compare/kinds.css", {"kinds": TABLE.values()})
