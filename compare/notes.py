"""Teacher's notes as readers see them: placed on the passages of the page, the panel and the report.

The passage a note belongs to is found from its character offsets (compare/anchors.py) in the
alignment being shown, so notes follow their words through any re-alignment. Every piece of
text here (the note, the quoted words, the version's name) is escaped.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import mark_safe

from articles.models import Article, PassageNote
from compare.engine import StoryAlignment

from .anchors import segment_for
from .presentation import passage_anchor

QUOTE_SHOWN = 160  # characters of the quoted words shown with a note


@dataclass
class PlacedNote:
    note: PassageNote
    article: Article
    segment: int | None  # the engine's sentence it falls in, in the alignment shown; None before there is one
    paragraph: int | None
    sentence_start: int | None = None  # where that sentence starts in the text: its address

    @property
    def anchor(self) -> str:
        return passage_anchor(str(self.article.pk), self.sentence_start) if self.sentence_start is not None else ""

    @property
    def quote(self) -> str:
        words = " ".join(self.article.text[self.note.start : self.note.end].split())
        return words if len(words) <= QUOTE_SHOWN else words[: QUOTE_SHOWN - 1] + "…"


def notes_of(articles: Sequence[Article]) -> list[PassageNote]:
    return list(PassageNote.objects.filter(article__in=[a.pk for a in articles]).order_by("start", "id"))


def place(
    notes: Iterable[PassageNote], articles: Sequence[Article], alignment: StoryAlignment | None
) -> list[PlacedNote]:
    """Each note with the passage it belongs to, in reading order: by version, then by place in the text."""
    by_id = {article.pk: article for article in articles}
    order = {article.pk: index for index, article in enumerate(articles)}
    placed = []
    for note in notes:
        article = by_id.get(note.article_id)
        if article is None:
            continue
        segments = alignment.segments.get(str(article.pk), []) if alignment is not None else []
        segment = segment_for(segments, note.start, note.end)
        sentence = segments[segment] if segment is not None else None
        placed.append(
            PlacedNote(
                note=note,
                article=article,
                segment=segment,
                paragraph=sentence.paragraph if sentence else None,
                sentence_start=sentence.start if sentence else None,
            )
        )
    placed.sort(key=lambda p: (order[p.article.pk], p.note.start, p.note.pk))
    return placed


def notes_html(notes: Sequence[PlacedNote]) -> str:
    """The notes shown under a passage on the story page and in the report: escaped, one paragraph each."""
    if not notes:
        return ""
    out = ['<aside class="passage-notes" aria-label="Teacher\'s notes">']
    for placed in notes:
        out.append(
            '<p class="note"><span class="note-mark" aria-hidden="true">✎</span> '
            f'<span class="note-label">Note:</span> <span class="note-quote">“{escape(placed.quote)}”</span> '
            f"— {escape(placed.note.body)}</p>"
        )
    out.append("</aside>")
    return "".join(out)


def attach_to_rows(rows: Iterable, placed: Sequence[PlacedNote]) -> None:
    """Give each passage on the page (presentation.Piece) the notes that fall in the sentences it shows."""
    by_spot: dict[tuple[str, int], list[PlacedNote]] = {}
    for note in placed:
        if note.segment is not None:
            by_spot.setdefault((str(note.article.pk), note.segment), []).append(note)
    if not by_spot:
        return
    for row in rows:
        for piece in row.pieces:
            if piece.gap is not None:
                continue
            covers = piece.covers or (piece.segment,)
            found = [n for segment in covers for n in by_spot.get((piece.version.id, segment), [])]
            if found:
                piece.notes_html = mark_safe(notes_html(found))  # noqa: S308 - escaped in notes_html


def for_paragraphs(placed: Sequence[PlacedNote], article_id: int, paragraphs: Container[int]) -> list[PlacedNote]:
    """The notes on some paragraphs of a version: what the panel of a passage over them shows."""
    return [p for p in placed if p.article.pk == article_id and p.paragraph in paragraphs]
