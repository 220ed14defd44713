"""A passage's panel: the passage, then every other version's counterpart(s) diffed against it word by word."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from compare.engine import StoryAlignment, same_wording
from compare.kinds import TABLE

from .comparison import Version, passage_anchor, same_percent
from .marks import Mode, Passages, change_marks, render_span


@dataclass
class PanelEntry:
    version: Version
    html: SafeString | None = None
    kind: str = ""
    same: float | None = None  # the share of same wording between the two passages
    changes: int = 0
    anchor: str = ""
    segment: int = 0
    paragraph: int = 0

    @property
    def same_percent(self) -> int | None:
        return same_percent(self.same)

    @property
    def badge(self) -> str:
        return TABLE[self.kind].badge if self.kind else ""


@dataclass
class Panel:
    focus: Version
    segment: int
    paragraph: int
    html: SafeString
    anchor: str
    entries: list[PanelEntry]
    last: int = 0  # the passage's last sentence (it may span sentences and paragraphs)
    last_paragraph: int = 0

    @property
    def paragraphs(self) -> str:
        """ "¶3", or "¶3–4" for a passage that runs over two paragraphs."""
        first, last = self.paragraph + 1, self.last_paragraph + 1
        return f"¶{first}" if last == first else f"¶{first}–{last}"


def build_panel(
    alignment: StoryAlignment, versions: dict[str, Version], focus_id: str, segment: int, last: int | None = None
) -> Panel:
    """The focused passage (sentences ``segment`` to ``last``, as the page shows it), then every other
    version's counterpart diffed against it word by word.

    A passage may correspond to several passages of one version: each gets an entry."""
    focus = versions[focus_id]
    segments = alignment.segments[focus_id]
    last = segment if last is None else min(max(last, segment), len(segments) - 1)
    covered = set(range(segment, last + 1))
    seg, end = segments[segment], segments[last]
    entries = []
    for other_id in alignment.documents:
        if other_id == focus_id or other_id not in versions:
            continue
        other = versions[other_id]
        pairs = [p for p in alignment.pairwise[(focus_id, other_id)].pairs if covered.intersection(p.a)]
        if not pairs:
            entries.append(PanelEntry(version=other))
            continue
        other_segments = alignment.segments.get(other_id, [])
        for pair in sorted(pairs, key=lambda p: p.b_span):
            b_start, b_end = pair.b_span
            new_words_only = TABLE[pair.kind].new_words_only
            mode: Mode = "new" if new_words_only else "inline"
            passages = Passages(focus.text, pair.a_span, other.text, pair.b_span)
            marks = change_marks(
                pair.changes, passages, mode, hide_trivial=False, paraphrase=new_words_only, moves=pair.moves
            )
            entries.append(
                PanelEntry(
                    version=other,
                    html=mark_safe(render_span(other.text, b_start, b_end, other.junk, marks)),  # noqa: S308
                    kind=pair.kind,
                    same=same_wording(focus.text, other.text, [pair], focus.junk, other.junk),
                    changes=len(pair.changes) + len(pair.moves),
                    anchor=passage_anchor(other_id, b_start),
                    segment=pair.b[0],
                    paragraph=other_segments[pair.b[0]].paragraph if pair.b[0] < len(other_segments) else 0,
                )
            )
    return Panel(
        focus=focus,
        segment=segment,
        paragraph=seg.paragraph,
        html=mark_safe(render_span(focus.text, seg.start, end.end, focus.junk, [])),  # noqa: S308
        last=last,
        last_paragraph=end.paragraph,
        anchor=passage_anchor(focus_id, seg.start),
        entries=entries,
    )
