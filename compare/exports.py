"""A story and its stored alignment as files to take away: JSON, CSV and a self-contained HTML report.

Each export is a plain function from an ``ExportSource`` (the story, its versions and the
engine's result) to bytes, used alike by the story page's download links and by
``python manage.py export_story``.

Which pairs of versions are exported: every two versions of the story, unless a base is
given, then the base against each other version only. Offsets are Python string indices
(end exclusive) into each version's stored ``text``, exactly as ``manage.py align --json``
gives them into its files; the JSON carries the texts so that the offsets can be used on
their own.

The JSON (``export_format`` 1)::

    story      {title, slug, notes, exported_at (ISO 8601), engine_version}
    documents  [{id, label, outlet, headline, byline, url, published_on, language, characters,
                 junk: [[start, end, reason]], text}]   ids are the versions' article ids; label is
               the version's name as the page, the CSV and the API give it (since December 2026:
               a field added, so ``export_format`` stays 1, as readers of the others are unchanged)
    base       the version the shares are measured against: the one asked for, else the
               likely source (else the first version), as on the story page
    pairs_of   "all" (every two versions) or "base" (the base against each other one)
    pairs      [{a_doc, b_doc, a: [start, end], b: [start, end], kind, score,
                 a_sentences, b_sentences, changes: [{op, a, b, flags, trivial}]}]
               the ``align --json`` contract, field for field, with a_doc/b_doc = ids
    unique     [{doc, other_doc, span}]  sentences of doc with no counterpart in other_doc,
               for the same pairs of versions (as ``align --json``)
    shares     {"<id>": {<kind>: fraction}}  each other version's text by kind (the engine's
               SHARE_KINDS, see compare/kinds.py) against ``base`` (fractions adding up to 1)
    similarity [[id, id, value]]  every two versions: how alike they are overall, 0 to 1, a
               weighted measure (README, "What the figures measure"), not a share of one text;
               groups [[[id, sentence], ...]]
    source     {document, confidence, evidence, facts}  the likely source and why: evidence in
               words naming versions by label; facts [{document, shares, source_shares, derived}]
               by id, ``shares`` being that version's text against the source by kind and
               ``source_shares`` the source's text against it
    mode       "semantic" (sentence embeddings blended with the lexical score) or "lexical"
               (words alone: the sentence model is not installed), as ``align --json`` says it
    teacher_notes [{doc, span: [start, end], note}]  the owner's notes on passages, by offsets into doc's text

The CSV: one row per pair of passages, the columns in ``CSV_COLUMNS`` (added only at the end;
the README lists them). Each version is named by its label and, in the last columns, by its id,
outlet and web address.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Story
from compare.engine import (
    ENGINE_VERSION,
    Change,
    Pair,
    StoryAlignment,
    likely_source,
    pair_alignment_entries,
)
from versus.text import plural

from . import kinds, notes, presentation, services
from .models import StoredAlignment

EXPORT_FORMAT = 1  # bump when the JSON's shape changes
FORMATS = ("json", "csv", "html")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
# Scripts read the CSV by column position as well as by name: columns are only ever added at
# the end, never renamed, moved or removed.
CSV_COLUMNS = (
    "story",
    "version A",
    "version B",
    "kind",
    "score",
    "A start",
    "A end",
    "A text",
    "B start",
    "B end",
    "B text",
    "changes",
    # Since December 2026: "version A/B" was a label (outlet, else the headline cut short), so two
    # reprints under one headline were indistinguishable (a label without an outlet now starts
    # "Version N"); the id is the version's for good.
    "A id",
    "A outlet",
    "A url",
    "B id",
    "B outlet",
    "B url",
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(Exception):
    """Why a story cannot be exported now, worded for the person who asked.

    ``retry`` is true when it is only a matter of time (the comparison is being computed);
    ``status`` is the HTTP status a download answers with.
    """

    def __init__(self, message: str, retry: bool = False, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.status = 503 if retry else status


@dataclass
class ExportSource:
    story: Story
    articles: list[Article]
    alignment: StoryAlignment
    engine_version: str
    exported_at: datetime
    mode: str = "lexical"

    @property
    def ids(self) -> list[str]:
        """The versions' ids as the engine knows them (str of the article's pk), in the story's order."""
        return [str(a.pk) for a in self.articles if str(a.pk) in self.alignment.segments]

    def article(self, doc_id: str) -> Article:
        return next(a for a in self.articles if str(a.pk) == doc_id)

    def default_base(self) -> str:
        """The likely source, else the first version: the same base the story page starts with."""
        source = self.alignment.source.document
        return source if source in self.ids else self.ids[0]

    def base(self, requested: str | int | None) -> str | None:
        """The version id to export against, or None for every pair; a clear error for a stranger id."""
        if requested in (None, ""):
            return None
        wanted = str(requested)
        if wanted not in self.ids:
            known = ", ".join(f"{a.pk} ({a.label()})" for a in self.articles)
            raise ExportError(f"Version {wanted} is not part of “{self.story.title}”. Its versions are: {known}.")
        return wanted

    def document_pairs(self, base: str | None) -> list[tuple[str, str]]:
        if base is not None:
            return [(base, other) for other in self.ids if other != base]
        return list(combinations(self.ids, 2))


def load(
    story: Story, articles: Sequence[Article] | None = None, stored: StoredAlignment | None = None
) -> ExportSource:
    """The story with its alignment. Without ``stored`` it is computed here if not stored yet
    (the command's way); the web views pass what the story page would show (possibly queued)."""
    articles = services.versions_of(story) if articles is None else list(articles)
    if len(articles) < 2:
        raise ExportError(
            f"“{story.title}” has {plural(len(articles), 'version')}. "
            "There is nothing to compare until it has at least two.",
            status=409,
        )
    if stored is None:
        stored = services.get_or_compute(story, articles)
    if stored.status == StoredAlignment.Status.FAILED:
        raise ExportError(
            f"The comparison of “{story.title}” could not be made, so there is nothing to export.", status=409
        )
    if stored.status != StoredAlignment.Status.DONE:
        progress = f" ({stored.progress_done} of {stored.progress_total} pairs done)" if stored.progress_total else ""
        raise ExportError(
            f"The versions of “{story.title}” are still being compared{progress}. Try the export again in a minute.",
            retry=True,
        )
    return ExportSource(
        story=story,
        articles=articles,
        alignment=services.load_alignment(stored, articles),
        engine_version=stored.engine_version or ENGINE_VERSION,
        exported_at=timezone.now().replace(microsecond=0),
        # A row without a mode was stored before the engine had sentence vectors: lexical.
        mode=stored.mode or services.LEXICAL,
    )


# The export's own names for an article's public fields (its format is versioned: EXPORT_FORMAT).
_DOCUMENT_FIELDS = {
    "id": "id",
    "label": "label",
    "outlet": "outlet",
    "headline": "headline",
    "byline": "byline",
    "url": "source_url",
    "published_on": "published_on",
    "language": "language",
    "characters": "characters",
    "junk": "junk",
    "text": "text",
}


def _document_entry(article: Article) -> dict[str, Any]:
    public = article.public_dict()
    if public["published_on"] is not None:
        public["published_on"] = public["published_on"].isoformat()
    return {name: public[field] for name, field in _DOCUMENT_FIELDS.items()}


def filename(story: Story, fmt: str) -> str:
    suffix = {"json": "comparison.json", "csv": "pairs.csv", "html": "report.html"}[fmt]
    return f"{story.slug}-{suffix}"


def export(source: ExportSource, fmt: str, base: str | int | None = None) -> bytes:
    if fmt == "json":
        return export_json(source, base)
    if fmt == "csv":
        return export_csv(source, base)
    if fmt == "html":
        return export_html(source, base)
    raise ExportError(f"Unknown export format “{fmt}”: choose one of {', '.join(FORMATS)}.")


# --- JSON ----------------------------------------------------------------------------------


def _doc(doc_id: str | None) -> int | None:
    return None if doc_id is None else int(doc_id)


def json_data(source: ExportSource, base: str | int | None = None) -> dict[str, Any]:
    """The ``align --json`` contract for the story's versions, plus who published what and when."""
    chosen = source.base(base)
    shares_base = chosen or source.default_base()
    alignment = source.alignment
    pairs: list[dict[str, Any]] = []
    unique: list[dict[str, Any]] = []
    for a_id, b_id in source.document_pairs(chosen):
        pa_pairs, pa_unique = pair_alignment_entries(alignment.pairwise[(a_id, b_id)], _doc(a_id), _doc(b_id))
        pairs += pa_pairs
        unique += pa_unique

    story = source.story
    return {
        "export_format": EXPORT_FORMAT,
        "story": {
            "title": story.title,
            "slug": story.slug,
            "notes": story.notes,
            "exported_at": source.exported_at.isoformat(),
            "engine_version": source.engine_version,
        },
        "documents": [_document_entry(article) for article in source.articles if str(article.pk) in alignment.segments],
        "base": _doc(shares_base),
        "pairs_of": "base" if chosen else "all",
        "pairs": pairs,
        "unique": unique,
        "shares": {
            str(doc): dict(alignment.pairwise[(shares_base, doc)].shares_b) for doc in source.ids if doc != shares_base
        },
        "similarity": [
            [_doc(a), _doc(b), value]
            for a, b in combinations(source.ids, 2)
            if (value := alignment.similarity.get((a, b))) is not None
        ],
        "groups": [[[_doc(doc), index] for doc, index in group.members] for group in alignment.groups],
        "source": source_data(source),
        "mode": source.mode,
        "teacher_notes": [
            {"doc": placed.article.pk, "span": [placed.note.start, placed.note.end], "note": placed.note.body}
            for placed in notes.place(notes.notes_of(source.articles), source.articles, alignment)
        ],
    }


def source_data(source: ExportSource) -> dict[str, Any]:
    """The likely source: its evidence in words, each version named by its label (outlet, else
    "Version N" and a few words of its headline), and the same figures by version id in ``facts`` for scripts."""
    alignment = source.alignment
    best = alignment.source.document
    labels = {doc: source.article(doc).label() for doc in source.ids}
    # Worked out once: the evidence and which versions are derived both come of it.
    reading = likely_source(alignment, lambda doc: labels.get(doc, doc), Article.published_dates(source.articles))
    facts: list[dict[str, Any]] = []
    if best in labels:
        facts = [
            {
                "document": _doc(doc),
                "shares": dict(alignment.pairwise[(doc, best)].shares_a),
                "source_shares": dict(alignment.pairwise[(best, doc)].shares_a),
                "derived": doc in reading.derived,
                "altered": presentation.altered_in_copy(
                    alignment.pairwise[(best, doc)], source.article(best).text, source.article(doc).text
                ),
            }
            for doc in source.ids
            if doc != best
        ]
    return {
        "document": _doc(best),
        "confidence": alignment.source.confidence,
        "evidence": reading.estimate.evidence,
        "facts": facts,
    }


def export_json(source: ExportSource, base: str | int | None = None) -> bytes:
    return json.dumps(json_data(source, base), ensure_ascii=False, indent=1).encode("utf-8")


# --- CSV -----------------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """Article text is untrusted: a cell a spreadsheet would run as a formula is made plain text.

    The quote mark in front is what spreadsheets themselves use for "this is text". Leading
    spaces are looked through, as some spreadsheets skip them before reading a formula.
    """
    if value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS):
        return "'" + value
    return value


def describe_change(change: Change, a_text: str, b_text: str) -> str:
    """``replace "19"→"18" [number]``: one change in words a reader of a spreadsheet follows.

    Each side in full, never cut short: a change lies within its pair's passages, which the
    row holds in full too."""
    was = a_text[change.a[0] : change.a[1]]
    now = b_text[change.b[0] : change.b[1]]
    if change.op == "insert":
        words = f'insert "{now}"'
    elif change.op == "delete":
        words = f'delete "{was}"'
    else:
        words = f'replace "{was}"→"{now}"'
    tags = sorted(change.flags) + (["trivial"] if change.trivial else [])
    return f"{words} [{', '.join(tags)}]" if tags else words


def describe_changes(pair: Pair, a_text: str, b_text: str) -> str:
    return "; ".join(describe_change(change, a_text, b_text) for change in pair.changes)


def csv_rows(source: ExportSource, base: str | int | None = None) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    title = neutralise(source.story.title)
    for a_id, b_id in source.document_pairs(source.base(base)):
        a, b = source.article(a_id), source.article(b_id)
        for pair in source.alignment.pairwise[(a_id, b_id)].pairs:
            (a0, a1), (b0, b1) = pair.a_span, pair.b_span
            rows.append(
                [
                    title,
                    neutralise(a.label()),
                    neutralise(b.label()),
                    pair.kind,
                    f"{pair.score:.3f}",
                    a0,
                    a1,
                    neutralise(a.text[a0:a1]),
                    b0,
                    b1,
                    neutralise(b.text[b0:b1]),
                    neutralise(describe_changes(pair, a.text, b.text)),
                    *_version_cells(a),
                    *_version_cells(b),
                ]
            )
    return rows


def _version_cells(article: Article) -> list[str | int]:
    """The CSV's columns that name one version for good: its id, outlet and web address."""
    return [article.pk, neutralise(article.outlet), neutralise(article.source_url)]


def export_csv(source: ExportSource, base: str | int | None = None) -> bytes:
    """One row per aligned pair of passages, in UTF-8 with a byte order mark.

    Excel reads a CSV file without the mark in the computer's old local encoding, which turns
    "é" into "Ã©"; with the mark it reads UTF-8. Other programs (LibreOffice, Python, R) skip it.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(source, base))
    return out.getvalue().encode("utf-8-sig")


# --- HTML report ---------------------------------------------------------------------------


@cache
def _stylesheet(name: str) -> str:
    found = finders.find(f"css/{name}")
    if not found:
        raise ExportError(f"The stylesheet css/{name} is missing, so the report cannot be styled.")
    return Path(found).read_text(encoding="utf-8")


def report_css() -> SafeString:
    """Our stylesheets, inlined: the report must open with no network and no server."""
    # In the pages' order: ours, the kinds' (compare/kinds.py), then print.
    css = _stylesheet("versus.css") + kinds.stylesheet() + "\n@media print {\n" + _stylesheet("print.css") + "\n}\n"
    # Nothing in our own stylesheets can close the element, but never let it happen.
    return mark_safe(css.replace("</", "<\\/"))  # noqa: S308 - our own files, not user input


def report_context(source: ExportSource, base: str | int | None = None) -> dict[str, Any]:
    alignment = source.alignment
    base_id = source.base(base) or source.default_base()
    ids = source.ids
    versions = presentation.build_versions([source.article(doc) for doc in ids])
    comparison = presentation.build_comparison(alignment, versions, base_id, [i for i in ids if i != base_id])
    placed = notes.place(notes.notes_of(source.articles), source.articles, alignment)
    notes.attach_to_rows(comparison.rows, placed)
    return {
        "notes": placed,
        "story": source.story,
        "exported_at": source.exported_at,
        "engine_version": source.engine_version,
        "comparison": comparison,
        "rows": comparison.rows,
        "versions": [versions[i] for i in ids],
        "documents": [{"version": versions[i], "link": web_url(versions[i].article.source_url)} for i in ids],
        "base": versions[base_id],
        **presentation.summary_context(alignment, versions, base_id, ids),
        "css": report_css(),
    }


def export_html(source: ExportSource, base: str | int | None = None) -> bytes:
    return render_to_string("compare/report.html", report_context(source, base)).encode("utf-8")


_STYLE_ELEMENT = re.compile(rb"<style>(.*?)</style>", re.DOTALL)


def report_policy(report: bytes) -> str:
    """The Content-Security-Policy the HTML report is served with: its own inline stylesheet
    (allowed by its hash) and nothing else: no script, no request anywhere."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(style).digest()).decode("ascii") + "'"
        for style in _STYLE_ELEMENT.findall(report)
    )
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {hashes or chr(39) + 'none' + chr(39)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def web_url(url: str) -> str:
    """The source address if it is a plain web address (only those become links in the report)."""
    return url if url.lower().startswith(("https://", "http://")) else ""
