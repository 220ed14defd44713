"""Plain data that goes in and out of the alignment engine.

Every offset is a Python ``str`` index into the document's original text, end exclusive.
Nothing here knows about Django; results serialise to plain JSON with ``to_dict`` so
that the web app can store them and load them back with ``from_dict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["verbatim", "edited", "paraphrase"]
ShareKind = Literal["verbatim", "edited", "paraphrase", "unique"]
Op = Literal["insert", "delete", "replace"]
Flag = Literal["number", "name", "quote"]

KINDS: tuple[Kind, ...] = ("verbatim", "edited", "paraphrase")
SHARE_KINDS: tuple[ShareKind, ...] = ("verbatim", "edited", "paraphrase", "unique")


@dataclass(frozen=True)
class Document:
    """One version as the engine sees it: an id, its text, and its junk spans.

    ``vectors``, when given, holds one sentence embedding per segment of the text (a numpy
    array of shape (segments, 384), as ``embed.document_vectors`` computes it). Without it,
    or when it does not match the segments, the version is compared lexically."""

    id: str
    text: str
    junk: tuple[tuple[int, int], ...] = ()
    vectors: Any = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class JunkSpan:
    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Segment:
    """A sentence (or headline, byline, list item) of a document."""

    index: int  # position in the document's list of segments
    start: int
    end: int
    paragraph: int  # index of the paragraph it belongs to (0-based)


@dataclass(frozen=True)
class Change:
    """One word-level difference inside a pair. ``a``/``b`` are offsets into each text;
    an insert has an empty ``a`` range at the place of insertion, a delete an empty ``b``."""

    op: Op
    a: tuple[int, int]
    b: tuple[int, int]
    flags: frozenset[Flag] = frozenset()
    trivial: bool = False  # punctuation, case or quote marks only


@dataclass(frozen=True)
class Move:
    """Words both passages of a pair hold, in another place in each: not a change of wording,
    but a change of order ("Smith beat Jones" / "Jones beat Smith" moves both names)."""

    a: tuple[int, int]
    b: tuple[int, int]


@dataclass(frozen=True)
class Pair:
    """Sentences of A that correspond to sentences of B (one-to-one, one-to-many, many-to-many)."""

    a: tuple[int, ...]  # segment indices in A, ascending
    b: tuple[int, ...]  # segment indices in B, ascending
    a_span: tuple[int, int]  # from the first segment's start to the last one's end
    b_span: tuple[int, int]
    kind: Kind
    score: float  # in [0, 1]
    changes: tuple[Change, ...] = ()
    moves: tuple[Move, ...] = ()


@dataclass
class PairAlignment:
    """Everything the engine says about two versions."""

    a_id: str
    b_id: str
    a_segments: list[Segment]
    b_segments: list[Segment]
    pairs: list[Pair]
    unique_a: list[int]  # segment indices of A with no counterpart in B
    unique_b: list[int]
    # Share of each text's (non-junk) characters by kind: {"verbatim": 0.4, ..., "unique": 0.1}
    shares_a: dict[str, float] = field(default_factory=dict)
    shares_b: dict[str, float] = field(default_factory=dict)


@dataclass
class Group:
    """Passages that correspond across versions: (document id, segment index) members."""

    members: list[tuple[str, int]]

    def documents(self) -> set[str]:
        return {doc for doc, _ in self.members}


@dataclass
class SourceEstimate:
    """Which version the others most likely derive from, and why."""

    document: str | None
    confidence: float
    evidence: list[str]


@dataclass
class StoryAlignment:
    documents: list[str]  # ids, in the order given
    segments: dict[str, list[Segment]]
    pairwise: dict[tuple[str, str], PairAlignment]  # both (a, b) and (b, a) are present
    groups: list[Group]
    similarity: dict[tuple[str, str], float]  # symmetric, 1.0 on the diagonal
    source: SourceEstimate
    engine_version: str = ""
