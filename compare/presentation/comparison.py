"""The story page's table: the rows of compare/presentation/rows.py with each passage's highlighted text.

Each passage is highlighted against the passage of the base in its row (or, in a row the base
is not in, against the first version that has a counterpart there). The passages' HTML is
written here rather than in a template loop: a page has hundreds of passages, and a template
loop over them costs most of the page's time. Every piece of article text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from compare.anchors import passage_address
from compare.engine import Segment, StoryAlignment, same_wording
from compare.kinds import REWORDED, TABLE, UNIQUE

from .marks import Mode, Passages, change_marks, render_span, visible_changes
from .rows import Link, Member, RowData, build_rows

# The story page's filters (?show=): a kind's own filter (compare/kinds.py) shows the rows with such passages.
SHOW_CHOICES: tuple[tuple[str, str], ...] = (
    ("all", "Everything"),
    ("changed", "Changed only"),
    ("unique", "In one version only"),
    *((kind.name, kind.filter) for kind in TABLE.values() if kind.filter),
)


def passage_anchor(article_id: str, start: int) -> str:
    """The passage's id on the page (a link's #fragment), by its address."""
    return f"p-{article_id}-{passage_address(start)}"


@dataclass
class Version:
    id: str
    article: Article
    label: str
    short_label: str  # where there is little room (the matrix): how ``label`` starts, or the outlet cut at a word
    text: str
    junk: list[tuple[int, int]]


def build_versions(articles: Sequence[Article]) -> dict[str, Version]:
    return {
        str(a.pk): Version(
            id=str(a.pk),
            article=a,
            label=a.label(),
            short_label=a.short_label(),
            text=a.text,
            junk=sorted((int(s), int(e)) for s, e, *_ in a.junk_spans),
        )
        for a in articles
    }


@dataclass
class Piece:
    version: Version
    segment: int  # index of its first segment
    paragraph: int  # 0-based, in its own version
    html: SafeString
    start: int = 0  # where its first segment starts in its version's text: its address
    kind: str = ""  # a pair kind (compare/kinds.py) for paired passages
    same: float | None = None  # the share of same wording against what its marks are measured against
    changes: int = 0
    unique: bool = False  # in no other version at all
    junk: bool = False
    against: Version | None = None  # what its marks are measured against, when that is not the base
    moved: bool = False
    moved_href: str = ""  # for a moved passage: the passage it follows in its own version
    moved_after: int | None = None  # that passage's paragraph (0-based)
    moved_first: bool = False  # it opens its version: the link is to the passage after it
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (version id, words, href): on other rows
    label: str = ""  # for unique passages: "Unique to X"
    panel_url: str = ""  # the panel fragment; set by the view, which knows the URLs
    panel_href: str = ""  # the story page with this panel open
    notes_html: str = ""  # teacher's notes on this passage, escaped HTML (set by compare/notes.py)
    gap: int | None = None  # for text between segments (not compared): its start offset
    covers: tuple[int, ...] = ()  # the segments of its version that this passage shows

    @property
    def badge(self) -> bool:
        return self.kind in REWORDED

    @property
    def css_class(self) -> str:
        classes = ["passage"]
        if self.kind:
            classes.append(f"kind-{self.kind}")
        if self.unique:
            classes += [f"kind-{UNIQUE.name}", "unique"]
        if self.junk:
            classes.append("is-junk")
        if self.moved:
            classes.append("moved")
        return " ".join(classes)

    @property
    def anchor(self) -> str:
        if self.gap is not None:
            return f"g-{self.version.id}-{self.gap}"
        return passage_anchor(self.version.id, self.start)

    @property
    def address(self) -> str:
        return passage_address(self.start)

    @property
    def has_diff(self) -> bool:
        return self.unique or self.moved or self.changes > 0 or self.kind in REWORDED

    @property
    def same_percent(self) -> int | None:
        return same_percent(self.same)


def same_percent(share: float | None) -> int | None:
    """A share of same wording in whole percent, rounded down: 100% only when every word is the same."""
    # The nudge keeps float error from turning 0.57 into 56%.
    return None if share is None else math.floor(100 * share + 1e-9)


@dataclass
class Cell:
    version: Version
    pieces: list[Piece] = field(default_factory=list)
    note: str = ""  # shown when the cell has no passage
    note_href: str = ""


def passage_html(piece: Piece) -> str:
    """One passage as the story page shows it: its marks (badges, links) and its highlighted text."""
    text = f'<p class="passage-text">{piece.html}</p>'
    if piece.gap is not None:
        return (
            f'<div id="{piece.anchor}" class="passage is-junk gap"><p class="passage-meta">'
            f'<span class="badge badge-junk">scraped junk: not compared</span></p>{text}</div>'
        )
    meta = []
    if piece.badge:
        meta.append(
            f'<span class="badge badge-{piece.kind}">{TABLE[piece.kind].badge}</span> '
            + (
                f'<span class="score" title="Share of the words that are the same in both passages">'
                f"{piece.same_percent}%</span>"
                if piece.same is not None
                else ""
            )
        )
    if piece.against is not None and piece.kind:
        meta.append(f'<span class="against">against {escape(piece.against.label)}</span>')
    if piece.unique:
        meta.append(f'<span class="badge badge-{UNIQUE.name}">{UNIQUE.symbol} {escape(piece.label)}</span>')
    if piece.junk:
        meta.append('<span class="badge badge-junk">scraped junk</span>')
    if piece.moved:
        if piece.moved_href:
            where = "comes before" if piece.moved_first else "follows"
            meta.append(
                f'<a class="badge badge-moved" href="{escape(piece.moved_href)}">'
                f"↪ moved: in its version it {where} ¶{(piece.moved_after or 0) + 1}</a>"
            )
        else:
            meta.append('<span class="badge badge-moved">↪ moved: first in its version</span>')
    for _, words, href in piece.links:
        meta.append(f'<a class="badge badge-link" href="{escape(href)}">{escape(words)}</a>')
    url, href = escape(piece.panel_url), escape(piece.panel_href or piece.panel_url)
    if url:
        meta.append(
            f'<a class="panel-link" href="{href}" hx-get="{url}" hx-target="#panel" hx-swap="innerHTML"'
            f' hx-push-url="{href}">'
            f'¶{piece.paragraph + 1}<span class="vh"> of {escape(piece.version.label)}: details</span></a>'
        )
    else:  # no details page to open (an exported report): the paragraph number alone
        meta.append(
            f'<span class="panel-link">¶{piece.paragraph + 1}'
            f'<span class="vh"> of {escape(piece.version.label)}</span></span>'
        )
    data = (" data-diff" if piece.has_diff else "") + (" data-unique" if piece.unique else "")
    # Links saved before passages were addressed by offset end in #p-<version>-<sentence>: the
    # page's script finds the passage by that old name (the server never sees a #fragment).
    data += f' data-old-anchor="p-{piece.version.id}-{piece.segment}"'
    # One Tab stop per passage: its details link above (a real link, so it works without
    # JavaScript). The passage itself is focused only by the page's keys (j/k/u) and when its
    # panel closes, so it takes tabindex -1, never 0: a 4-version grid was ~80 stops otherwise.
    focusable, panel = (' tabindex="-1"', f' data-panel="{url}" data-panel-href="{href}"') if url else ("", "")
    return (
        f'<div id="{piece.anchor}"{focusable} class="{piece.css_class}"{panel}{data}>'
        f'<p class="passage-meta">{" ".join(meta)}</p>{text}{piece.notes_html}</div>'
    )


@dataclass
class Row:
    cells: list[Cell]
    extra: bool = False  # a row the base has no passage in
    compact: bool = False  # several versions' own passages collapsed into one row
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

    def has_kind(self, kind: str) -> bool:
        return any(piece.kind == kind for piece in self.pieces)

    @property
    def css_class(self) -> str:
        classes = []
        if self.extra:
            classes.append("row-extra")
        if self.compact:
            classes.append("row-compact")
        if self.paragraph is not None:
            classes.append("para-start")
        return " ".join(classes)

    @property
    def cells_html(self) -> SafeString:
        if self.compact:
            return self._compact_html()
        out = []
        for index, cell in enumerate(self.cells):
            label = escape(cell.version.label)
            empty = "" if cell.pieces else " missing" if cell.note else " empty-cell"
            out.append(f'<td class="col-{index}{empty}" data-version="{label}">')
            if cell.pieces or cell.note:
                out.append(f'<p class="cell-version" aria-hidden="true">{label}</p>')
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

    def _compact_html(self) -> SafeString:
        """One wide cell: each version's own passages in a block of its own, side by side."""
        out = [f'<td colspan="{len(self.cells)}" class="own-row"><div class="own-blocks">']
        for cell in self.cells:
            if not cell.pieces:
                continue
            unique = all(piece.unique or piece.junk for piece in cell.pieces)
            label = escape(cell.version.label)
            out.append(f'<div class="own-block"><p class="own-label">{"Only in " if unique else ""}{label}</p>')
            out.extend(passage_html(piece) for piece in cell.pieces)
            out.append("</div>")
        out.append("</div></td>")
        return mark_safe("".join(out))  # noqa: S308 - every text above is escaped

    def matches(self, show: str) -> bool:
        if show == "changed":
            return self.changed
        if show == "unique":
            return self.unique
        if show in TABLE:
            return self.has_kind(show)
        return True


@dataclass
class Comparison:
    base: Version
    versions: list[Version]  # the columns, base first
    rows: list[Row]
    mode: str  # "columns" or "two"

    def visible_rows(self, show: str) -> list[Row]:
        return [row for row in self.rows if row.matches(show)]


def text_gaps(text: str, segments: Sequence[Segment]) -> list[tuple[int, int, int]]:
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


def build_comparison(
    alignment: StoryAlignment,
    versions: dict[str, Version],
    base_id: str,
    other_ids: Sequence[str],
    hide_trivial: bool = False,
) -> Comparison:
    base = versions[base_id]
    columns = [base, *(versions[i] for i in other_ids)]
    two = len(columns) == 2
    column_of = {v.id: i for i, v in enumerate(columns)}
    segments = alignment.segments
    data = build_rows(alignment, base_id, [v.id for v in columns])

    pieces: dict[tuple[str, int], Piece] = {}

    def paragraph_of(doc: str, segment: int) -> int:
        segs = segments.get(doc, [])
        return segs[segment].paragraph if 0 <= segment < len(segs) else 0

    def start_of(doc: str, segment: int) -> int:
        return segments[doc][segment].start

    def piece_for(member: Member, row: RowData) -> Piece:
        version = versions[member.doc]
        segs = segments[member.doc]
        start, end = segs[member.segments[0]].start, segs[member.segments[-1]].end
        marks = []
        changes = 0
        same = None
        if member.against is not None:
            reference = versions[member.against]
            same = same_wording(reference.text, version.text, member.pairs, reference.junk, version.junk)
            new_words_only = TABLE[member.kind].new_words_only
            mode: Mode = "new" if two or new_words_only or member.against != base_id else "inline"
            for pair in member.pairs:
                passages = Passages(reference.text, pair.a_span, version.text, pair.b_span)
                marks.extend(change_marks(pair.changes, passages, mode, hide_trivial, new_words_only, pair.moves))
                changes += visible_changes(pair.changes, hide_trivial) + len(pair.moves)
        elif two and member.doc == base_id:
            # A classic side-by-side diff: the base column shows what the other version cut or replaced.
            for other in row.members:
                if other.doc != base_id and other.against == base_id:
                    for pair in other.pairs:
                        if pair.a[0] in member.segments:
                            passages = Passages(base.text, pair.a_span, versions[other.doc].text, pair.b_span)
                            new_words_only = TABLE[other.kind].new_words_only
                            marks.extend(
                                change_marks(pair.changes, passages, "old", hide_trivial, new_words_only, pair.moves)
                            )
        piece = Piece(
            version=version,
            segment=member.first,
            paragraph=segs[member.first].paragraph,
            html=mark_safe(render_span(version.text, start, end, version.junk, marks)),  # noqa: S308 - escaped
            start=start,
            kind=member.kind,
            same=same,
            changes=changes,
            junk=_inside_junk(start, end, version.junk),
            against=versions[member.against] if member.against is not None and member.against != base_id else None,
            moved=member.moved,
            covers=member.segments,
        )
        piece.unique = member.unique and not piece.junk
        if piece.unique:
            piece.label = f"Unique to {version.label}"
        if (follows := member.follows) is not None:
            piece.moved_href = "#" + passage_anchor(follows.doc, start_of(follows.doc, follows.segment))
            piece.moved_after = paragraph_of(follows.doc, follows.segment)
            piece.moved_first = member.first_in_version
        piece.links = [_link_words(link, versions, paragraph_of, start_of) for link in member.links[:3]]
        pieces[(member.doc, member.first)] = piece
        return piece

    rows: list[Row] = []
    last_paragraph: int | None = None
    for row_data in data:
        row = Row(cells=[Cell(version=v) for v in columns], compact=row_data.compact)
        for doc, members in row_data.cells.items():
            row.cells[column_of[doc]].pieces.extend(piece_for(m, row_data) for m in members)
        if row.compact:  # the block says whose passages they are
            for piece in row.pieces:
                piece.label = UNIQUE.label if piece.unique else piece.label
        base_pieces = row.cells[0].pieces
        row.extra = not base_pieces
        if base_pieces and base_pieces[0].paragraph != last_paragraph:
            row.paragraph = last_paragraph = base_pieces[0].paragraph
        rows.append(row)

    # Text the engine left out (scraped junk between sentences) is shown, greyed, next to where it stands.
    for version in columns:
        segs = segments.get(version.id, [])
        where = {s: piece for (doc, _), piece in pieces.items() if doc == version.id for s in piece.covers}
        cell_of = {id(p): cell for row in rows for cell in row.cells for p in cell.pieces}
        spans = [(segs[p.covers[0]].start, segs[p.covers[-1]].end) for p in where.values() if p.covers]
        for after, start, end in text_gaps(version.text, segs):
            if any(s <= start and end <= e for s, e in spans):
                continue  # between two sentences of one passage: already shown inside it
            gap = Piece(
                version=version,
                segment=max(after, 0),
                paragraph=segs[after].paragraph if after >= 0 else 0,
                html=mark_safe(render_span(version.text, start, end, version.junk, [])),  # noqa: S308
                start=start,
                junk=True,
                gap=start,
            )
            neighbour = where.get(after if after >= 0 else 0)
            if neighbour is None:
                row = Row(cells=[Cell(version=v) for v in columns], extra=True)
                row.cells[column_of[version.id]].pieces.append(gap)
                rows.append(row)
                continue
            cell = cell_of[id(neighbour)]
            at = cell.pieces.index(neighbour) + (1 if after >= 0 else 0)
            cell.pieces.insert(at, gap)

    for row in rows:
        if not row.compact:
            for cell in row.cells:
                if not cell.pieces:
                    cell.note = "Not in this version"
                    elsewhere = [link for piece in row.pieces for link in piece.links if link[0] == cell.version.id]
                    if elsewhere:
                        cell.note, cell.note_href = "Its counterpart is on another row", elsewhere[0][2]
        if row.extra and not row.compact:
            names = [cell.version.label for cell in row.cells[1:] if cell.pieces]
            junk = all(piece.junk for piece in row.pieces)
            row.pointer = ("Scraped junk in " if junk else "Not in the base; in ") + ", ".join(names) + " →"
    return Comparison(base=base, versions=columns, rows=rows, mode="two" if two else "columns")


def _link_words(
    link: Link,
    versions: dict[str, Version],
    paragraph_of: Callable[[str, int], int],
    start_of: Callable[[str, int], int],
) -> tuple[str, str, str]:
    label = versions[link.doc].label
    return (
        link.doc,
        f"↔ also in ¶{paragraph_of(link.doc, link.segment) + 1} of {label}",
        "#" + passage_anchor(link.doc, start_of(link.doc, link.segment)),
    )
