"""What the story page shows, built from a StoryAlignment: rows of passages, highlights, summary.

Rows follow the base version's sentences in order. Each other version's column shows, in the
row of a base passage, its own passage(s) paired with it, highlighted against the base. A
passage that stands elsewhere in its own version (out of the base's order) is shown where it
stands, marked "moved from ¶N" with a link to its counterpart; passages with no counterpart in
the base get rows of their own after their nearest preceding paired passage.

Highlighted text is built here as escaped HTML strings (article text is untrusted: every piece
of it goes through ``escape``) because a template loop over thousands of words is slow.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape  # what django.utils.html.escape does, minus its lazy-text wrapper: ~1,000 calls a page
from typing import Literal

from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from compare.engine.types import Change, Pair, StoryAlignment

Mode = Literal["plain", "inline", "new", "old"]
Show = Literal["all", "changed", "unique", "paraphrase"]
SHOW_CHOICES: tuple[tuple[str, str], ...] = (
    ("all", "Everything"),
    ("changed", "Changed only"),
    ("unique", "Unique only"),
    ("paraphrase", "Paraphrased only"),
)

FLAG_MARKS = {
    "number": ("#", "number changed"),
    "name": ("Aa", "name changed"),
    "quote": ("\u275d", "quoted words changed"),
}


def passage_anchor(article_id: str, segment_index: int) -> str:
    return f"p-{article_id}-{segment_index}"


# --- highlighted text ----------------------------------------------------------------------


@dataclass
class Mark:
    start: int
    end: int
    html_open: str = ""
    html_close: str = ""
    before: str = ""  # HTML put in front of the mark (e.g. deleted words shown inline)
    after: str = ""  # flag markers


def _flags_html(flags: frozenset[str]) -> str:
    out = []
    for flag in ("number", "name", "quote"):
        if flag in flags:
            symbol, words = FLAG_MARKS[flag]
            out.append(
                f'<sup class="flag flag-{flag}" title="{words.capitalize()}">'
                f'<span aria-hidden="true">{escape(symbol)}</span><span class="vh"> ({words})</span></sup>'
            )
    return "".join(out)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _with_junk(text: str, start: int, end: int, junk: Sequence[tuple[int, int]]) -> str:
    if start >= end:
        return ""
    out = []
    pos = start
    for junk_start, junk_end in junk:
        if junk_end <= pos or junk_start >= end:
            continue
        s, e = max(junk_start, pos), min(junk_end, end)
        out.append(escape(text[pos:s]))
        out.append(f'<span class="junk" title="Scraped junk: not compared">{escape(text[s:e])}</span>')
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


def render_span(text: str, start: int, end: int, junk: Sequence[tuple[int, int]], marks: Sequence[Mark]) -> str:
    out = []
    pos = start
    for mark in sorted(marks, key=lambda m: (m.start, m.end)):
        if mark.start < pos or mark.end > end:  # overlapping or outside: never let a bad span break a page
            continue
        out.append(_with_junk(text, pos, mark.start, junk))
        out.append(mark.before)
        if mark.end > mark.start:
            out.append(mark.html_open + _with_junk(text, mark.start, mark.end, junk) + mark.html_close)
        out.append(mark.after)
        pos = mark.end
    out.append(_with_junk(text, pos, end, junk))
    return "".join(out)


def _trivial_class(change: Change) -> str:
    return " trivial" if change.trivial else ""


def _skip_space(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start if start < end else end


def change_marks(
    changes: Sequence[Change], base_text: str, other_text: str, mode: Mode, hide_trivial: bool
) -> list[Mark]:
    """Marks for one side of a pair. ``a`` offsets are the base's, ``b`` the other version's.

    inline: the other version's text, with the base's deleted words shown struck where they were;
    new: the other version's text only; old: the base's text with what the other one lost.
    """
    marks = []
    for change in changes:
        if change.trivial and hide_trivial:
            continue
        (a0, a1), (b0, b1) = change.a, change.b
        # Whitespace rides with the word after it; marking it would underline the gap before the word.
        a0, b0 = _skip_space(base_text, a0, a1), _skip_space(other_text, b0, b1)
        old_words = base_text[a0:a1]
        extra = _trivial_class(change)
        flags = _flags_html(change.flags)
        if mode in ("inline", "new"):
            if change.op == "insert":
                marks.append(Mark(b0, b1, f'<ins class="chg ins{extra}" title="Inserted">', "</ins>", after=flags))
            elif change.op == "replace":
                before = ""
                if mode == "inline":
                    # A space keeps the struck old words apart from the new ones ("4.5 £4.5", not "4.5£4.5").
                    gap = " " if b0 > 0 and not other_text[b0 - 1].isspace() and old_words[:1].isalnum() else ""
                    before = (
                        f'{gap}<del class="chg was{extra}" title="Replaced: the base said this">'
                        f"{escape(old_words)}</del> "
                    )
                marks.append(
                    Mark(
                        b0,
                        b1,
                        f'<ins class="chg rep{extra}" title="Replaced (was: {escape(_short(old_words))})">',
                        "</ins>",
                        before=before,
                        after=flags,
                    )
                )
            elif mode == "inline":
                gap = " " if b0 > 0 and not other_text[b0 - 1].isspace() and old_words[:1].isalnum() else ""
                deleted = f'{gap}<del class="chg del{extra}" title="Deleted">{escape(old_words)}</del>{flags}'
                marks.append(Mark(b0, b0, before=deleted))
        elif mode == "old":
            if change.op == "delete":
                marks.append(Mark(a0, a1, f'<del class="chg del{extra}" title="Deleted">', "</del>", after=flags))
            elif change.op == "replace":
                marks.append(Mark(a0, a1, f'<del class="chg was{extra}" title="Replaced">', "</del>", after=flags))
    return marks


def visible_changes(changes: Sequence[Change], hide_trivial: bool) -> int:
    return sum(1 for change in changes if not (hide_trivial and change.trivial))


# --- rows ------------------------------------------------------------------------------------


@dataclass
class Version:
    id: str
    article: Article
    label: str
    text: str
    junk: list[tuple[int, int]]


@dataclass
class Piece:
    version: Version
    segment: int  # index of its first segment
    paragraph: int  # 0-based, in its own version
    html: SafeString
    kind: str = ""  # verbatim / edited / paraphrase for paired passages
    score: float | None = None
    changes: int = 0
    unique: bool = False
    junk: bool = False
    moved_from: int | None = None  # base paragraph (0-based) of the counterpart, for moved passages
    moved_href: str = ""
    label: str = ""  # for unique passages: "Unique to X" or "Not in <base>"
    panel_url: str = ""  # set by the view, which knows the URLs
    notes_html: str = ""  # teacher's notes on this passage, escaped HTML (set by compare/notes.py)

    @property
    def badge(self) -> bool:
        return self.kind in ("edited", "paraphrase")

    @property
    def css_class(self) -> str:
        classes = ["passage"]
        if self.kind:
            classes.append(f"kind-{self.kind}")
        if self.unique:
            classes.append("unique")
        if self.junk:
            classes.append("is-junk")
        if self.moved_from is not None:
            classes.append("moved")
        return " ".join(classes)

    gap: int | None = None  # for text between segments (not compared): its start offset
    covers: tuple[int, ...] = ()  # the segments of its version that this passage shows

    @property
    def anchor(self) -> str:
        if self.gap is not None:
            return f"g-{self.version.id}-{self.gap}"
        return passage_anchor(self.version.id, self.segment)

    @property
    def has_diff(self) -> bool:
        return self.unique or self.moved_from is not None or self.changes > 0 or self.kind in ("edited", "paraphrase")

    @property
    def score_percent(self) -> int | None:
        return None if self.score is None else round(100 * self.score)


@dataclass
class Cell:
    version: Version
    pieces: list[Piece] = field(default_factory=list)
    note: str = ""  # shown when the cell has no passage
    note_href: str = ""


def passage_html(piece: Piece) -> str:
    """One passage as the story page shows it: its marks (badges, links) and its highlighted text.

    Built here rather than in the template: a page has hundreds of passages and a template loop
    over them costs most of the page's time. Every text in it is escaped.
    """
    text = f'<p class="passage-text">{piece.html}</p>'
    if piece.gap is not None:
        return (
            f'<div id="{piece.anchor}" class="passage is-junk gap"><p class="passage-meta">'
            f'<span class="badge badge-junk">scraped junk: not compared</span></p>{text}</div>'
        )
    meta = []
    if piece.badge:
        meta.append(
            f'<span class="badge badge-{piece.kind}">{piece.kind}</span> '
            f'<span class="score" title="Similarity score">{piece.score_percent}%</span>'
        )
    if piece.unique:
        meta.append(f'<span class="badge badge-unique">★ {escape(piece.label)}</span>')
    if piece.junk:
        meta.append('<span class="badge badge-junk">scraped junk</span>')
    if piece.moved_href:
        meta.append(
            f'<a class="badge badge-moved" href="{escape(piece.moved_href)}">'
            f"↪ moved from ¶{(piece.moved_from or 0) + 1} of the base</a>"
        )
    url = escape(piece.panel_url)
    if url:
        meta.append(
            f'<a class="panel-link no-print" href="{url}" hx-get="{url}" hx-target="#panel" hx-swap="innerHTML">'
            f'¶{piece.paragraph + 1}<span class="vh"> of {escape(piece.version.label)}: details</span></a>'
        )
    else:  # no details page to open (an exported report): the paragraph number alone
        meta.append(
            f'<span class="panel-link">¶{piece.paragraph + 1}'
            f'<span class="vh"> of {escape(piece.version.label)}</span></span>'
        )
    data = (" data-diff" if piece.has_diff else "") + (" data-unique" if piece.unique else "")
    focusable, panel = (' tabindex="0"', f' data-panel="{url}"') if url else ("", "")
    return (
        f'<div id="{piece.anchor}"{focusable} class="{piece.css_class}"{panel}{data}>'
        f'<p class="passage-meta">{" ".join(meta)}</p>{text}{piece.notes_html}</div>'
    )


@dataclass
class Row:
    cells: list[Cell]
    extra: bool = False  # a row for passages that have no counterpart in the base
    pointer: str = ""  # for extra rows: which versions the row's passages are in (they may be scrolled away)
    paragraph: int | None = None  # base paragraph that starts at this row (0-based)

    @property
    def pieces(self) -> list[Piece]:
        return [piece for cell in self.cells for piece in cell.pieces]

    @property
    def changed(self) -> bool:
        return any(piece.has_diff for piece in self.pieces) or any(cell.note for cell in self.cells)

    @property
    def unique(self) -> bool:
        return any(piece.unique for piece in self.pieces)

    @property
    def paraphrase(self) -> bool:
        return any(piece.kind == "paraphrase" for piece in self.pieces)

    @property
    def cells_html(self) -> SafeString:
        out = []
        for index, cell in enumerate(self.cells):
            out.append("<td>")
            out.extend(passage_html(piece) for piece in cell.pieces)
            if index == 0 and self.pointer:
                out.append(f'<p class="cell-note pointer">{escape(self.pointer)}</p>')
            if cell.note:
                note = escape(cell.note)
                if cell.note_href:
                    note = f'<a href="{escape(cell.note_href)}">{note}</a>'
                out.append(f'<p class="cell-note">{note}</p>')
            out.append("</td>")
        return mark_safe("".join(out))  # noqa: S308 - every text above is escaped

    def matches(self, show: str) -> bool:
        if show == "changed":
            return self.changed
        if show == "unique":
            return self.unique
        if show == "paraphrase":
            return self.paraphrase
        return True


def _in_order(pairs: Sequence[Pair]) -> set[int]:
    """Indices (into ``pairs``, sorted by base position) of the longest run kept in the same order
    in the other version; the pairs outside it are the ones that moved."""
    tails: list[int] = []  # tails[k]: index of the pair ending the best run of length k + 1
    previous = [-1] * len(pairs)
    tail_keys: list[int] = []
    for i, pair in enumerate(pairs):
        key = pair.b[0]
        k = bisect.bisect_left(tail_keys, key)
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


def text_gaps(text: str, segments: Sequence) -> list[tuple[int, int, int]]:
    """Stretches of text outside every segment, as (index of the segment before or -1, start, end)."""
    gaps = []
    pos, after = 0, -1
    for segment in [*segments, None]:
        stop = len(text) if segment is None else segment.start
        chunk = text[pos:stop]
        if chunk.strip():
            start = pos + len(chunk) - len(chunk.lstrip())
            end = stop - (len(chunk) - len(chunk.rstrip()))
            gaps.append((after, start, end))
        if segment is not None:
            pos, after = max(pos, segment.end), segment.index
    return gaps


def _inside_junk(start: int, end: int, junk: Sequence[tuple[int, int]]) -> bool:
    covered = 0
    for s, e in junk:
        covered += max(0, min(e, end) - max(s, start))
    text_len = end - start
    return text_len > 0 and covered >= text_len * 0.9


@dataclass
class Comparison:
    base: Version
    versions: list[Version]  # the columns, base first
    rows: list[Row]
    mode: str  # "columns" or "two"

    def visible_rows(self, show: str) -> list[Row]:
        return [row for row in self.rows if row.matches(show)]


def build_versions(articles: Sequence[Article]) -> dict[str, Version]:
    return {
        str(a.pk): Version(
            id=str(a.pk),
            article=a,
            label=a.label(),
            text=a.text,
            junk=sorted((int(s), int(e)) for s, e, *_ in a.junk_spans),
        )
        for a in articles
    }


def build_comparison(
    alignment: StoryAlignment,
    versions: dict[str, Version],
    base_id: str,
    other_ids: Sequence[str],
    hide_trivial: bool = False,
) -> Comparison:
    base = versions[base_id]
    others = [versions[i] for i in other_ids]
    two = len(others) == 1
    base_segments = alignment.segments.get(base_id, [])
    columns = [base, *others]

    # Base passages joined by any pair (a pair may cover several base sentences) form one row.
    spans: list[tuple[int, int]] = []
    for other in others:
        for pair in alignment.pairwise[(base_id, other.id)].pairs:
            spans.append((min(pair.a), max(pair.a)))
    block_of: dict[int, int] = {}
    blocks: list[tuple[int, int]] = []
    for first, last in sorted(spans):
        if blocks and first <= blocks[-1][1]:
            blocks[-1] = (blocks[-1][0], max(blocks[-1][1], last))
        else:
            blocks.append((first, last))
    merged: list[tuple[int, int]] = []
    covered = {i for first, last in blocks for i in range(first, last + 1)}
    starts = {first: last for first, last in blocks}
    i = 0
    while i < len(base_segments):
        if i in starts:
            merged.append((i, starts[i]))
            i = starts[i] + 1
        else:
            if i not in covered:
                merged.append((i, i))
            i += 1

    rows: list[Row] = []
    last_paragraph = None
    for row_index, (first, last) in enumerate(merged):
        segs = base_segments[first : last + 1]
        for s in range(first, last + 1):
            block_of[s] = row_index
        start, end = segs[0].start, segs[-1].end
        paragraph = segs[0].paragraph
        piece = Piece(
            version=base,
            segment=first,
            paragraph=paragraph,
            html=mark_safe(render_span(base.text, start, end, base.junk, [])),  # noqa: S308 - escaped above
            junk=_inside_junk(start, end, base.junk),
            covers=tuple(range(first, last + 1)),
        )
        row = Row(
            cells=[Cell(version=v) for v in columns], paragraph=paragraph if paragraph != last_paragraph else None
        )
        last_paragraph = paragraph
        row.cells[0].pieces.append(piece)
        rows.append(row)

    # Other versions: in-order pairs in the base rows, moved and unique passages in rows of their own.
    extra_rows: dict[int, list[Row]] = {}  # after base row index (-1: before the first)
    group_of: dict[tuple[str, int], int] = {}
    for g, group in enumerate(alignment.groups):
        for member in group.members:
            group_of[(member[0], member[1])] = g
    extra_group: dict[tuple[int, int], Row] = {}

    def place_extra(anchor_row: int, column: int, piece: Piece) -> None:
        group = group_of.get((piece.version.id, piece.segment))
        if group is not None:
            row = extra_group.get((anchor_row, group))
            if row is not None and not row.cells[column].pieces:
                row.cells[column].pieces.append(piece)
                return
        row = Row(cells=[Cell(version=v) for v in columns], extra=True)
        row.cells[column].pieces.append(piece)
        extra_rows.setdefault(anchor_row, []).append(row)
        if group is not None:
            extra_group[(anchor_row, group)] = row

    def place_gaps(version: Version, column: int, segments: list, anchor_for) -> None:
        """Text the engine left out (scraped junk between sentences) is shown, greyed, where it stands."""
        for after, start, end in text_gaps(version.text, segments):
            piece = Piece(
                version=version,
                segment=max(after, 0),
                paragraph=segments[after].paragraph if after >= 0 else 0,
                html=mark_safe(render_span(version.text, start, end, version.junk, [])),  # noqa: S308
                junk=True,
                gap=start,
            )
            row = Row(cells=[Cell(version=v) for v in columns], extra=True)
            row.cells[column].pieces.append(piece)
            extra_rows.setdefault(anchor_for(after), []).append(row)

    place_gaps(base, 0, base_segments, lambda after: block_of.get(after, -1) if after >= 0 else -1)

    for column, other in enumerate(others, start=1):
        pa = alignment.pairwise[(base_id, other.id)]
        other_segments = alignment.segments.get(other.id, [])
        pairs = sorted(pa.pairs, key=lambda p: (p.a[0], p.b[0]))
        kept = _in_order(pairs)
        # Where each in-order passage of this version sits: its first segment -> base row.
        anchors: list[tuple[int, int]] = sorted((pairs[k].b[0], block_of.get(pairs[k].a[0], 0)) for k in kept)
        anchor_keys = [b for b, _ in anchors]

        def anchor_row(segment: int, anchors=anchors, anchor_keys=anchor_keys) -> int:
            k = bisect.bisect_left(anchor_keys, segment)
            return anchors[k - 1][1] if k > 0 else -1

        mode: Mode = "new" if two else "inline"
        for k, pair in enumerate(pairs):
            b_start, b_end = pair.b_span
            # A paraphrase rewords nearly everything: the base's words, struck inline, would only repeat
            # the base column; the reworded words are marked and the panel has the details.
            pair_mode: Mode = "new" if pair.kind == "paraphrase" else mode
            marks = change_marks(pair.changes, base.text, other.text, pair_mode, hide_trivial)
            html = render_span(other.text, b_start, b_end, other.junk, marks)
            first_seg = other_segments[pair.b[0]] if pair.b[0] < len(other_segments) else None
            piece = Piece(
                version=other,
                segment=pair.b[0],
                paragraph=first_seg.paragraph if first_seg else 0,
                html=mark_safe(html),  # noqa: S308 - built from escaped text
                kind=pair.kind,
                score=pair.score,
                changes=visible_changes(pair.changes, hide_trivial),
                covers=pair.b,
            )
            row_index = block_of.get(pair.a[0], 0)
            if k in kept:
                rows[row_index].cells[column].pieces.append(piece)
            else:
                base_paragraph = base_segments[pair.a[0]].paragraph if pair.a[0] < len(base_segments) else 0
                piece.moved_from = base_paragraph
                piece.moved_href = "#" + passage_anchor(base_id, merged[row_index][0])
                cell = rows[row_index].cells[column]
                if not cell.pieces and not cell.note:
                    cell.note = f"Moved: this version has it in ¶{piece.paragraph + 1}"
                    cell.note_href = "#" + piece.anchor
                place_extra(anchor_row(pair.b[0]), column, piece)

        # Runs of consecutive unique sentences within one paragraph make one passage.
        runs: list[list[int]] = []
        for s in sorted(pa.unique_b):
            if (
                runs
                and runs[-1][-1] == s - 1
                and other_segments[s].paragraph == other_segments[runs[-1][-1]].paragraph
                and anchor_row(s) == anchor_row(runs[-1][0])
            ):
                runs[-1].append(s)
            else:
                runs.append([s])
        for run in runs:
            first_seg, last_seg = other_segments[run[0]], other_segments[run[-1]]
            piece = Piece(
                version=other,
                segment=run[0],
                paragraph=first_seg.paragraph,
                html=mark_safe(render_span(other.text, first_seg.start, last_seg.end, other.junk, [])),  # noqa: S308
                junk=_inside_junk(first_seg.start, last_seg.end, other.junk),
                covers=tuple(run),
            )
            piece.unique = not piece.junk
            place_extra(anchor_row(run[0]), column, piece)

        place_gaps(other, column, other_segments, lambda after, anchor_row=anchor_row: anchor_row(after + 1))

    if two:
        # A classic side-by-side diff: the base column shows what the other version cut or replaced.
        other = others[0]
        by_row: dict[int, list[Change]] = {}
        for pair in alignment.pairwise[(base_id, other.id)].pairs:
            by_row.setdefault(block_of.get(pair.a[0], 0), []).extend(pair.changes)
        for row_index, changes in by_row.items():
            first, last = merged[row_index]
            start, end = base_segments[first].start, base_segments[last].end
            marks = change_marks(changes, base.text, other.text, "old", hide_trivial)
            rows[row_index].cells[0].pieces[0].html = mark_safe(render_span(base.text, start, end, base.junk, marks))  # noqa: S308

    # Base passages that no other version has.
    for row in rows:
        if others and all(not cell.pieces and not cell.note for cell in row.cells[1:]):
            base_piece = row.cells[0].pieces[0]
            base_piece.unique = not base_piece.junk
        for cell in row.cells[1:]:
            if not cell.pieces and not cell.note:
                cell.note = "Not in this version"

    ordered: list[Row] = list(extra_rows.get(-1, []))
    for index, row in enumerate(rows):
        ordered.append(row)
        ordered.extend(extra_rows.get(index, []))
    for row in ordered:
        if row.extra and not row.cells[0].pieces:
            names = [cell.version.label for cell in row.cells[1:] if cell.pieces]
            junk = all(piece.junk for piece in row.pieces)
            row.pointer = ("Scraped junk in " if junk else "Only in ") + ", ".join(names) + " →"

    # "Unique to X" only when no version at all has the passage; otherwise it is only missing from the base.
    shown = {v.id for v in columns}
    for row in ordered:
        for piece in row.pieces:
            if not piece.unique:
                continue
            group = group_of.get((piece.version.id, piece.segment))
            elsewhere = group is not None and any(
                doc in shown and doc != piece.version.id for doc, _ in alignment.groups[group].members
            )
            if piece.version is base:
                piece.label = f"Unique to {base.label}"
            else:
                piece.label = f"Not in {base.label}" if elsewhere else f"Unique to {piece.version.label}"
    return Comparison(base=base, versions=columns, rows=ordered, mode="two" if two else "columns")


# --- summary ---------------------------------------------------------------------------------


@dataclass
class ShareBar:
    version: Version
    is_base: bool
    parts: list[tuple[str, int, int]]  # (kind, percent, offset from the left in percent)


def share_bars(
    alignment: StoryAlignment, versions: dict[str, Version], base_id: str, order: Sequence[str]
) -> list[ShareBar]:
    bars = []
    for doc in order:
        if doc == base_id:
            bars.append(ShareBar(version=versions[doc], is_base=True, parts=[("verbatim", 100, 0)]))
            continue
        shares = alignment.pairwise[(base_id, doc)].shares_b
        percents = _percentages(
            [(kind, shares.get(kind, 0.0)) for kind in ("verbatim", "edited", "paraphrase", "unique")]
        )
        parts, offset = [], 0
        for kind, percent in percents:
            parts.append((kind, percent, offset))
            offset += percent
        bars.append(ShareBar(version=versions[doc], is_base=False, parts=parts))
    return bars


def _percentages(shares: list[tuple[str, float]]) -> list[tuple[str, int]]:
    """Whole percentages that add up to 100 (largest remainders), so the bar has no gap."""
    total = sum(value for _, value in shares) or 1.0
    exact = [(kind, 100 * value / total) for kind, value in shares]
    floors = [(kind, int(value)) for kind, value in exact]
    missing = 100 - sum(value for _, value in floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i][1] - floors[i][1], reverse=True)
    result = [list(item) for item in floors]
    for i in by_remainder[:missing]:
        result[i][1] += 1
    return [(kind, value) for kind, value in result]


@dataclass
class HeatCell:
    value: int  # percent
    shade: int  # 0..4 for the cell's class
    diagonal: bool


def heat_map(alignment: StoryAlignment, order: Sequence[str]) -> list[list[HeatCell]]:
    table = []
    for a in order:
        row = []
        for b in order:
            value = 1.0 if a == b else alignment.similarity.get((a, b), 0.0)
            row.append(HeatCell(value=round(100 * value), shade=min(4, int(value * 5)), diagonal=a == b))
        table.append(row)
    return table


def summary_context(
    alignment: StoryAlignment, versions: dict[str, Version], base_id: str, ids: Sequence[str]
) -> dict[str, object]:
    """What the summary partials of compare/story.html show, on the story page and in the HTML report."""
    source_id = alignment.source.document if alignment.source.document in ids else None
    return {
        "bars": share_bars(alignment, versions, base_id, ids),
        "heat": list(zip([versions[i] for i in ids], heat_map(alignment, ids), strict=True)),
        "source_version": versions[source_id] if source_id else None,
        "source": alignment.source,
        "evidence": evidence_in_words(alignment.source.evidence, versions),
        "source_percent": round(100 * alignment.source.confidence),
    }


# --- passage panel ---------------------------------------------------------------------------


@dataclass
class PanelEntry:
    version: Version
    html: SafeString | None = None
    kind: str = ""
    score: float | None = None
    changes: int = 0
    anchor: str = ""
    paragraph: int = 0

    @property
    def score_percent(self) -> int | None:
        return None if self.score is None else round(100 * self.score)


@dataclass
class Panel:
    focus: Version
    segment: int
    paragraph: int
    html: SafeString
    anchor: str
    entries: list[PanelEntry]


def build_panel(alignment: StoryAlignment, versions: dict[str, Version], focus_id: str, segment: int) -> Panel:
    """The focused passage, then every other version's counterpart diffed against it word by word."""
    focus = versions[focus_id]
    seg = alignment.segments[focus_id][segment]
    entries = []
    for other_id in alignment.documents:
        if other_id == focus_id or other_id not in versions:
            continue
        other = versions[other_id]
        entry = PanelEntry(version=other)
        pair = next((p for p in alignment.pairwise[(focus_id, other_id)].pairs if segment in p.a), None)
        if pair is not None:
            b_start, b_end = pair.b_span
            mode: Mode = "new" if pair.kind == "paraphrase" else "inline"
            marks = change_marks(pair.changes, focus.text, other.text, mode, hide_trivial=False)
            entry.html = mark_safe(render_span(other.text, b_start, b_end, other.junk, marks))  # noqa: S308
            entry.kind, entry.score, entry.changes = pair.kind, pair.score, len(pair.changes)
            entry.anchor = passage_anchor(other_id, pair.b[0])
            other_segments = alignment.segments.get(other_id, [])
            entry.paragraph = other_segments[pair.b[0]].paragraph if pair.b[0] < len(other_segments) else 0
        entries.append(entry)
    return Panel(
        focus=focus,
        segment=segment,
        paragraph=seg.paragraph,
        html=mark_safe(render_span(focus.text, seg.start, seg.end, focus.junk, [])),  # noqa: S308
        anchor=passage_anchor(focus_id, segment),
        entries=entries,
    )


_ID = re.compile(r"(?<![\d.,])(\d+)(?![\d.,]*%)(?![\d.,]* passage)\b")


def evidence_in_words(lines: Sequence[str], versions: dict[str, Version]) -> list[str]:
    """The engine names versions by their ids ("5's text…"); readers know them by outlet."""

    def name(match: re.Match[str]) -> str:
        version = versions.get(match.group(1))
        return version.label if version else match.group(0)

    return [_ID.sub(name, line) for line in lines]
