"""The story's summary: what each version shares, how alike the versions are, which is the likely source.

Every figure here comes from one measure, so that they agree with each other: the share of a
version's text (its sentences' characters, junk left out by the engine) that has a counterpart
in another version, by kind. "Unique" has one meaning: in no other version at all.

* bars: per version, what it shares with any other version and what is its own; and, on a
  second line, what it shares with the base;
* matrix: row X, column Y = the share of X's text copied (verbatim or edited) in Y and the
  share paraphrased there, shaded by the copied share alone (a paraphrase is not a copy);
* source: the engine's pick, with the same shares as evidence, as data the template words.

The figures are rounded together (compare/engine/reuse.py), so "copied" + "paraphrased" is the
"found" figure, and the bars, the matrix and the evidence state the same number for a pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from articles.models import Article
from compare.engine import (
    DERIVED_SHARE,
    SHARE_KINDS,
    Flag,
    PairAlignment,
    Reuse,
    StoryAlignment,
    likely_source,
    reuse,
    whole_percents,
)
from compare.kinds import COPIED, PAIR_KINDS, RANK, TABLE, UNIQUE
from versus.text import either

from .comparison import Version
from .marks import Passages, flagged

_KINDS: tuple[str, ...] = tuple(kind.name for kind in PAIR_KINDS)
# Against the base, a version's text with no counterpart there is "not in the base", not "its own".
NOT_IN_BASE = "not-in-base"
WORDS: dict[str, str] = {**{name: info.summary for name, info in TABLE.items()}, NOT_IN_BASE: "not in the base"}


@dataclass
class BarPart:
    kind: str  # a share kind (compare/kinds.py) or NOT_IN_BASE
    percent: int
    offset: int  # from the left, in percent

    @property
    def words(self) -> str:
        return WORDS[self.kind]


@dataclass
class ShareBar:
    version: Version
    is_base: bool
    parts: list[BarPart]  # against every other version: the last part is its own text
    base_parts: list[BarPart]  # against the base only (empty for the base itself)


def _bar(shares: list[tuple[str, float]]) -> list[BarPart]:
    parts, offset = [], 0
    for kind, percent in whole_percents(shares):
        parts.append(BarPart(kind, percent, offset))
        offset += percent
    return parts


def shares_with_others(alignment: StoryAlignment, doc: str) -> dict[str, float]:
    """Share of ``doc``'s text by the closest kind of counterpart it has in any other version."""
    best: dict[int, str] = {}
    for other in alignment.documents:
        if other == doc or (doc, other) not in alignment.pairwise:
            continue
        for pair in alignment.pairwise[(doc, other)].pairs:
            for s in pair.a:
                if s not in best or RANK[pair.kind] < RANK[best[s]]:
                    best[s] = pair.kind
    chars: dict[str, int] = dict.fromkeys(SHARE_KINDS, 0)
    for segment in alignment.segments[doc]:
        chars[best.get(segment.index, UNIQUE.name)] += segment.end - segment.start
    total = sum(chars.values())
    return {kind: (count / total if total else 0.0) for kind, count in chars.items()}


def share_bars(
    alignment: StoryAlignment, versions: dict[str, Version], base_id: str, order: Sequence[str]
) -> list[ShareBar]:
    bars = []
    for doc in order:
        others = shares_with_others(alignment, doc)
        parts = _bar([(kind, others.get(kind, 0.0)) for kind in SHARE_KINDS])
        base_parts: list[BarPart] = []
        if doc != base_id:
            with_base = alignment.pairwise[(doc, base_id)].shares_a
            base_parts = _bar(
                [(kind, with_base.get(kind, 0.0)) for kind in _KINDS] + [(NOT_IN_BASE, with_base.get(UNIQUE.name, 0.0))]
            )
        bars.append(ShareBar(version=versions[doc], is_base=doc == base_id, parts=parts, base_parts=base_parts))
    return bars


@dataclass
class HeatCell:
    copied: int  # percent of the row's text copied (verbatim or edited) in the column's version
    paraphrased: int  # percent of the row's text paraphrased there
    shade: int  # 0..4 for the cell's class: by the copied share alone, so a paraphrase never looks copied
    diagonal: bool
    column: Version

    @property
    def value(self) -> int:
        """Percent of the row's text found in the column's version, of any kind."""
        return self.copied + self.paraphrased


def heat_map(alignment: StoryAlignment, versions: dict[str, Version], order: Sequence[str]) -> list[list[HeatCell]]:
    table = []
    for a in order:
        row = []
        for b in order:
            figures = Reuse(verbatim=100, edited=0, paraphrased=0) if a == b else reuse(alignment.pairwise[(a, b)])
            row.append(HeatCell(figures.copied, figures.paraphrased, min(4, figures.copied // 20), a == b, versions[b]))
        table.append(row)
    return table


@dataclass
class SourceFact:
    """One line of evidence: how much of ``other``'s text is found in the source, and the other way round."""

    other: Version
    found: int  # percent of the other's text with a counterpart in the source
    close: int  # percent of the other's text copied (verbatim or edited) from the source
    paraphrased: int  # percent of the other's text paraphrased from the source (found = close + paraphrased)
    kept: int  # percent of the source's text that the other has
    derived: bool  # the engine counts it as derived from the source (or the source from it)
    # Of its passages copied from the source (verbatim or edited), how many state another figure,
    # another name or other quoted words: a copy can be 100% found and still alter what it copied.
    altered: dict[str, int] = field(default_factory=dict)

    def altered_words(self) -> str:
        """ "a figure in 1 copied passage, quoted words in 2", or "" when nothing copied was altered."""
        parts: list[str] = []
        for flag, words in (("number", "a figure"), ("name", "a name"), ("quote", "quoted words")):
            count = self.altered.get(flag, 0)
            if count:
                parts.append(
                    f"{words} in {count}" if parts else f"{words} in {count} copied passage{'s' if count != 1 else ''}"
                )
        return ", ".join(parts)


_COPIED_KINDS = frozenset(info.name for info in COPIED)


def altered_in_copy(alignment: PairAlignment, source: str, other: str) -> dict[str, int]:
    """How many of the passages the text ``other`` copied from the text ``source`` state another figure, another
    name or other quoted words in place of the source's (each counted once per passage).

    Only replacements count: a figure or a name one side has and the other does not is a cut
    or an addition, which the shares already say (a restructured copy drops a dateline, moves
    a sentence), while "1,200" becoming "3,000" inside copied words is what a reader must
    not miss. Each is a change the page flags, so the reader can find it."""
    counts: dict[str, int] = {}
    for pair in alignment.pairs:
        if pair.kind not in _COPIED_KINDS:
            continue
        passages = Passages(source, pair.a_span, other, pair.b_span)
        found: set[Flag] = set()
        for change in pair.changes:
            for flag in change.flags - found:
                about = flagged(replace(change, flags=frozenset({flag})), passages)
                if flag == "quote":
                    was, now = source[change.a[0] : change.a[1]], other[change.b[0] : change.b[1]]
                    replaced = bool(about.flags) and _has_word(was) and _has_word(now)
                else:  # the figure or name the flag is about, on both sides: one put for the other
                    replaced = bool(about.a) and bool(about.b)
                if replaced:
                    found.add(flag)
        for kind in found:
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _percent(share: float) -> int:
    return round(100 * share)


# A version counts as derived from another when its copied text and half its paraphrased text
# make up at least this share of it, in either direction.
DERIVED_PERCENT = round(100 * DERIVED_SHARE)


def source_context(alignment: StoryAlignment, versions: dict[str, Version], ids: Sequence[str]) -> dict[str, object]:
    source = alignment.source
    source_id = source.document if source.document in ids else None
    facts: list[SourceFact] = []
    second: str | None = None
    later: str | None = None
    if source_id is not None:
        # Worked out once: which versions are derived and the runner-up both come of it.
        reading = likely_source(alignment, published=Article.published_dates(versions[v].article for v in ids))
        second = reading.runner_up
        later = reading.later
        for other in ids:
            if other != source_id:
                figures = reuse(alignment.pairwise[(other, source_id)])
                facts.append(
                    SourceFact(
                        other=versions[other],
                        found=figures.found,
                        close=figures.copied,
                        paraphrased=figures.paraphrased,
                        kept=reuse(alignment.pairwise[(source_id, other)]).found,
                        derived=other in reading.derived,
                        altered=altered_in_copy(
                            alignment.pairwise[(source_id, other)], versions[source_id].text, versions[other].text
                        ),
                    )
                )
        facts.sort(key=lambda f: (-f.found, f.other.label))
    closest = max(
        ((reuse(alignment.pairwise[(x, y)]).copied, x, y) for x in ids for y in ids if x != y),
        default=(0, "", ""),
    )
    confidence = source.confidence
    derived = sum(1 for fact in facts if fact.derived)
    return {
        "source_version": versions[source_id] if source_id else None,
        "source": source,
        "source_facts": facts,
        "source_percent": _percent(confidence),
        "source_derived": derived,
        "runner_up": versions[second] if second is not None and second in ids else None,
        # Came almost as close, but was published later: the dates named the source.
        "later_version": versions[later] if later is not None and later in ids else None,
        "derived_percent": DERIVED_PERCENT,
        "closest_percent": closest[0],
        "closest_pair": (versions[closest[1]], versions[closest[2]]) if closest[1] else None,
    }


def summary_context(
    alignment: StoryAlignment, versions: dict[str, Version], base_id: str, ids: Sequence[str]
) -> dict[str, object]:
    """What the summary partials of compare/story.html show, on the story page and in the HTML report."""
    return {
        "kinds": TABLE.values(),  # the legend's and the bars' patterns
        "pair_words": either([kind.summary for kind in PAIR_KINDS]),
        "copied_words": either([kind.summary for kind in COPIED]),
        "bars": share_bars(alignment, versions, base_id, ids),
        "heat": list(zip([versions[i] for i in ids], heat_map(alignment, versions, ids), strict=True)),
        **source_context(alignment, versions, ids),
    }
