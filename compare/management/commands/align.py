"""``python manage.py align FILE_A FILE_B [FILE ...] [--json]``: align versions from the shell.

Public contract (acceptance checks and journalists' scripts rely on it; keep it stable):

``--json`` prints one JSON object ``{"pairs": [{"a": [start, end], "b": [start, end],
"kind": "verbatim" | "edited" | "paraphrase", "score": 0.0-1.0}, ...]}``. ``a`` and ``b``
are Python string offsets (end exclusive) into each file's text decoded as ``import_story``
decodes it: UTF-8, or the legacy encoding it detects (Windows-1252, Latin-1…: refused before
December 2026), a byte-order mark not being part of the text; no newline conversion, no
stripping. So they are the offsets the text of the file imported as a version has. A pair
that groups several sentences spans from the first to the last. Every pair also says which
documents it links (``a_doc``, ``b_doc``: the paths as given), which matters with more than
two files, where every two versions are aligned. Extra keys (``documents``, ``unique``,
``changes``, ``moves``, ``groups``, ``source``…) may be added; the required ones never change.

``found_in`` (since December 2026) gives, for every two files both ways, the shares the report
prints as "shares of A's text in B": ``{"doc": A, "other_doc": B, "shares": {"verbatim",
"edited", "paraphrase", "unique"}}``, fractions of A's text (its sentences' characters, junk
left out), ``unique`` being the part not in B. ``source.evidence`` names the files by their
file names (their paths where two share a name); ``source.document`` is the path as given.

Each pair's ``changes`` are differences of wording; words both passages hold in another
place are ``moves`` (``{"a": [start, end], "b": [start, end]}``, since December 2026), so a
reordered sentence ("Smith beat Jones" / "Jones beat Smith") has moves and no changes.

A passage may take part in more than one pair (since December 2026): a headline that
states what both the other version's headline and its lead state is paired with each. So
pairs of one couple of versions may overlap on one side; no two pairs are the same, and a
sentence listed in ``unique`` is in no pair. With three or more files, ``groups`` joins
every passage with everything paired with it, transitively.

``mode`` (top level) says how passages were compared: ``"semantic"`` (all-MiniLM-L6-v2
sentence embeddings, computed here for the files, blended with the lexical score) or
``"lexical"`` (words alone: the model is not installed, or ``--lexical`` asked for it), with
``mode_reason`` saying why it is lexical (null when semantic). The pairs' offsets and required
keys are the same in both modes.

Without ``--json`` it prints a report a person can read, starting with the mode. This
command only reads files and calls the engine; it touches no database. When the files hold
``LONG_INPUT_CHARACTERS`` or more together, lines starting ``align:`` on stderr say what it is
doing (with the model, how many sentences it has read); stdout is unchanged.

Each file passes the checks ``import_story`` and ``trace`` make (``check_article``: not empty,
at least three words, at most ``VERSUS_MAX_ARTICLE_CHARACTERS``) before anything is compared.
Web pages, PDFs and Word documents are refused with a pointer to ``import_story``: their article
text is extracted there, and the offsets of this command must point into the file as read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from articles.extract import file_kind
from articles.models import Article
from articles.services import ArticleInput, IngestError, check_article
from compare.engine import (
    SHARE_KINDS,
    SIMILARITY_WEIGHTS,
    Document,
    JunkSpan,
    Pair,
    PairAlignment,
    StoryAlignment,
    align_pair,
    align_story,
    embed,
    find_junk,
    pair_alignment_entries,
    reuse,
    source_evidence,
    whole_percents,
)
from compare.management.text_files import DOCUMENTS, HTML_START, as_text, read_bytes
from versus.text import excerpt, percent

EXCERPT = 72  # characters of each side shown in the readable report
CHANGE_EXCERPT = 40  # characters of each side of a flagged change
MAX_FLAGGED = 3  # flagged changes listed per pair
MAX_UNIQUE_LISTED = 12  # sentences listed as "only in" per document and comparison
# From this many characters in all the files together, align says on stderr what it is doing:
# the sentence model takes about a second of CPU per 1,000 words (some 6,000 characters), and a
# 100,000-word file kept the command silent for minutes (journalist walk-through).
LONG_INPUT_CHARACTERS = 50_000


class Command(BaseCommand):
    help = "Align two or more versions of a story (plain-text files) and print the corresponding passages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files",
            nargs="+",
            metavar="FILE",
            help="plain-text files (UTF-8 or a legacy encoding such as Windows-1252), one version each",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of a report")
        parser.add_argument(
            "--lexical",
            action="store_true",
            help="compare words only, without the sentence model (to see what the model adds)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[str] = options["files"]
        if len(paths) < 2:
            raise CommandError("Give at least two files to compare (one version of the story per file).")
        documents, junk = read_documents(paths)
        progress = Progress(self.stderr, sum(len(doc.text) for doc in documents) >= LONG_INPUT_CHARACTERS)
        mode = Mode.lexical("--lexical was given") if options["lexical"] else Mode.current()
        if mode.name == "semantic":
            documents = embed.with_vectors(documents, progress.embedded)

        progress.say(f"aligning {len(documents)} versions…")
        if len(documents) == 2:
            alignments = [align_pair(documents[0], documents[1])]
            story = None
        else:
            story = align_story(documents)
            alignments = [story.pairwise[(a.id, b.id)] for a, b in combinations(documents, 2)]
        progress.say("done.")

        if options["json"]:
            result = as_json(documents, junk, alignments, story)
            result["mode"], result["mode_reason"] = mode.name, mode.reason
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(f"Mode: {mode.describe()}\n\n" + report(documents, junk, alignments, story))


class Progress:
    """What a long alignment is doing, on stderr: stdout stays the report or the JSON that
    scripts parse. Silent for short inputs, which take a second or two."""

    def __init__(self, stream: OutputWrapper, enabled: bool) -> None:
        self.stream, self.enabled = stream, enabled
        self.started = time.monotonic()
        self.shown = 0.0  # when the embedding line was last rewritten

    def say(self, message: str) -> None:
        if self.enabled:
            self.stream.write(f"align: {message} ({time.monotonic() - self.started:.0f} s)")
            self.stream.flush()

    def embedded(self, done: int, total: int) -> None:
        """The sentence model's progress (``embed.Progress``), on one line rewritten at most
        five times a second (a batch takes a fraction of a second on short sentences)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self.shown < 0.2:
            return
        self.shown = now
        self.stream.write(
            f"\ralign: sentence model ({embed.MODEL_NAME}): {done:,} of {total:,} sentences "
            f"({done / total:.0%}, {now - self.started:.0f} s)",
            ending="\n" if done == total else "",
        )
        self.stream.flush()


@dataclass(frozen=True)
class Mode:
    """How the passages are compared: with the sentence model (semantic) or words alone (lexical)."""

    name: str
    reason: str | None = None  # why lexical

    @classmethod
    def current(cls) -> Mode:
        return cls("semantic") if embed.available() else cls.lexical(embed.unavailable_reason() or "unknown")

    @classmethod
    def lexical(cls, reason: str) -> Mode:
        return cls("lexical", reason)

    def describe(self) -> str:
        if self.name == "semantic":
            return f"semantic ({embed.MODEL_NAME} sentence embeddings blended with the lexical score)"
        if self.reason == "--lexical was given":
            return "lexical (--lexical was given: words only, the sentence model is not used)"
        return f"lexical (the sentence model is not installed: {self.reason})"


def read_documents(paths: list[str]) -> tuple[list[Document], dict[str, list[JunkSpan]]]:
    """Each file as a Document whose id is the path as given, with its junk marked."""
    documents: list[Document] = []
    junk: dict[str, list[JunkSpan]] = {}
    for given in paths:
        text = read_version(given)
        doc_id = given
        suffix = 2
        while doc_id in junk:  # the same file twice is allowed; ids must still differ
            doc_id = f"{given}#{suffix}"
            suffix += 1
        spans = find_junk(text)
        junk[doc_id] = spans
        documents.append(Document(id=doc_id, text=text, junk=tuple((s.start, s.end) for s in spans)))
    return documents, junk


def read_version(given: str) -> str:
    """The file's text as import_story reads it (the offsets point into it), once it has passed
    the checks a version passes when it is imported, or CommandError naming the file and what to do."""
    suffix = PurePath(given).suffix.lower()
    for suffixes, kind in DOCUMENTS:
        if suffix in suffixes:
            raise _not_plain_text(given, kind)
    # No encoding import_story reads takes more than 4 bytes a character: read no further than
    # a version may be long.
    data = read_bytes(given, most_bytes=4 * settings.VERSUS_MAX_ARTICLE_CHARACTERS)
    found = file_kind(data)  # a PDF or Word file under another name (downloads and mail rename files)
    if found is not None:
        raise _not_plain_text(given, found)
    text = as_text(data, given)
    if HTML_START.match(text):
        raise _not_plain_text(given, "a web page (HTML)", rename_to=".html")
    try:
        check_article(ArticleInput(text=text, filename=given, source=Article.Source.COMMAND))
    except IngestError as error:
        raise CommandError(f"{error} Nothing was compared.") from None
    return text


def _not_plain_text(given: str, kind: str, *, rename_to: str = "") -> CommandError:
    # import_story goes by the file's name: a web page saved as .txt is read as a web page once renamed.
    how = f"Rename it to end in {rename_to}, then import it" if rename_to else "Import the versions instead"
    return CommandError(
        f"{given} is {kind}. align compares plain-text files exactly as they are, so it would compare "
        f'the file\'s markup or bytes, not the article. {how}: manage.py import_story FILE… --title "…" '
        "takes the article's text out of them, and manage.py export_story SLUG --format json gives the "
        "pairs. Or save the article's text as a .txt file and align that."
    )


# --- JSON --------------------------------------------------------------------------------


def as_json(
    documents: list[Document],
    junk: dict[str, list[JunkSpan]],
    alignments: list[PairAlignment],
    story: Any | None,
) -> dict[str, Any]:
    pairs: list[dict[str, Any]] = []
    unique: list[dict[str, Any]] = []
    for pa in alignments:
        pa_pairs, pa_unique = pair_alignment_entries(pa, pa.a_id, pa.b_id)
        pairs += pa_pairs
        unique += pa_unique

    result: dict[str, Any] = {
        "pairs": pairs,
        "documents": [
            {
                "id": doc.id,
                "characters": len(doc.text),
                "junk": [[s.start, s.end, s.reason] for s in junk[doc.id]],
            }
            for doc in documents
        ],
        "unique": unique,
        # The report's "shares of A's text in B" for every two files, both ways: with three or
        # more files "shares" (two files only) cannot say in which other version a share is found.
        "found_in": [
            {"doc": doc, "other_doc": other, "shares": shares}
            for pa in alignments
            for doc, other, shares in ((pa.a_id, pa.b_id, pa.shares_a), (pa.b_id, pa.a_id, pa.shares_b))
        ],
    }
    if story is not None:
        result["similarity"] = [[a, b, value] for (a, b), value in story.similarity.items() if a != b]
        result["groups"] = [[[doc, index] for doc, index in group.members] for group in story.groups]
        result["source"] = {
            "document": story.source.document,
            "confidence": story.source.confidence,
            # By file name, as a person calls the files (the paths stay the documents' ids).
            "evidence": source_evidence(story, file_names(documents).__getitem__),
        }
    else:
        pa = alignments[0]
        result["shares"] = {pa.a_id: pa.shares_a, pa.b_id: pa.shares_b}
    return result


def file_names(documents: list[Document]) -> dict[str, str]:
    """Each document's file name, or its path as given where two files share a name."""
    names = {doc.id: PurePath(doc.id).name for doc in documents}
    clashes = {name for name in names.values() if list(names.values()).count(name) > 1}
    return {doc_id: doc_id if name in clashes else name for doc_id, name in names.items()}


# --- readable report ---------------------------------------------------------------------


def passage(text: str, span: tuple[int, int], width: int = EXCERPT) -> str:
    """The passage on one line, shortened in the middle if it is long."""
    return excerpt(text[span[0] : span[1]], width, keep_end=True)


def shares_line(shares: dict[str, float]) -> str:
    """A text's shares by kind in whole percent, rounded together as the story page rounds them (adding up to 100)."""
    percents = whole_percents([(kind, shares.get(kind, 0.0)) for kind in SHARE_KINDS])
    return "  ".join(f"{kind} {value:>3}%" for kind, value in percents)


def report(
    documents: list[Document],
    junk: dict[str, list[JunkSpan]],
    alignments: list[PairAlignment],
    story: Any | None,
) -> str:
    texts = {doc.id: doc.text for doc in documents}
    letters = {doc.id: _letter(i) for i, doc in enumerate(documents)}
    lines: list[str] = ["Documents:"]
    for doc in documents:
        junk_note = f", {len(junk[doc.id])} junk passage(s) left out" if junk[doc.id] else ""
        lines.append(f"  {letters[doc.id]}  {doc.id}  ({len(doc.text)} characters{junk_note})")

    for pa in alignments:
        a, b = letters[pa.a_id], letters[pa.b_id]
        lines += ["", f"{a} against {b}: {len(pa.pairs)} corresponding passage(s)"]
        for pair in pa.pairs:
            lines += _pair_lines(pair, texts[pa.a_id], texts[pa.b_id], a, b)
        for letter, indices, segments, doc_id in (
            (a, pa.unique_a, pa.a_segments, pa.a_id),
            (b, pa.unique_b, pa.b_segments, pa.b_id),
        ):
            if indices:
                lines.append(f"  only in {letter}: {len(indices)} sentence(s)")
                if story is not None:
                    continue  # with many versions the groups below say it better
                for index in indices[:MAX_UNIQUE_LISTED]:
                    segment = segments[index]
                    lines.append(f"      {passage(texts[doc_id], (segment.start, segment.end))}")
                if len(indices) > MAX_UNIQUE_LISTED:
                    lines.append(f"      … and {len(indices) - MAX_UNIQUE_LISTED} more")
        lines.append(f"  shares of {a}'s text in {b}:  {shares_line(pa.shares_a)}")
        lines.append(f"  shares of {b}'s text in {a}:  {shares_line(pa.shares_b)}")

    if story is not None:
        # The story page's matrix: the same figures, rounded the same way.
        lines += [
            "",
            "How much of each version is in another (row's text found in column's, in percent: "
            "copied verbatim or edited + paraphrased):",
        ]
        lines += _matrix(
            documents, letters, 9, lambda row, col: "-" if row == col else _copied_and_paraphrased(story, row, col)
        )
        lines += [
            "",
            "Similarity, 0 to 1 (both texts together, by characters, a verbatim passage counting "
            f"{SIMILARITY_WEIGHTS['verbatim']:g}, an edited one {SIMILARITY_WEIGHTS['edited']:g}, "
            f"a paraphrased one {SIMILARITY_WEIGHTS['paraphrase']:g}; not a share of one version's text):",
        ]
        lines += _matrix(documents, letters, 7, lambda row, col: f"{story.similarity.get((row, col), 0.0):.2f}")
        # The engine orders a group's members by document id, here a path: each group is shown
        # by its passage in the first file given that has it, named by letter, in that file's order.
        order = {doc.id: position for position, doc in enumerate(documents)}
        shared = [
            (min(g.members, key=lambda m: (order[m[0]], m[1])), g) for g in story.groups if len(g.documents()) > 1
        ]
        shared.sort(key=lambda item: (order[item[0][0]], item[0][1]))
        lines += [
            "",
            f"Groups of corresponding passages across versions: {len(shared)} "
            "(each shown by its passage in the first version that has it)",
        ]
        for (doc_id, index), group in shared:
            who = ", ".join(sorted({letters[d] for d in group.documents()}))
            segment = story.segments[doc_id][index]
            lines.append(f"  [{who}] {letters[doc_id]}: {passage(texts[doc_id], (segment.start, segment.end))}")
        source = story.source
        lines.append("")
        if source.document:
            lines.append(
                f"Likely source: {letters.get(source.document, '?')} {source.document} "
                f"(confidence {percent(source.confidence)}%)"
            )
        else:
            lines.append("Likely source: none stands out")
        lines += [f"  - {reason}" for reason in source_evidence(story, lambda doc_id: letters.get(doc_id, doc_id))]
    return "\n".join(lines)


def _matrix(
    documents: list[Document], letters: dict[str, str], width: int, cell: Callable[[str, str], str]
) -> list[str]:
    """A table of the documents against each other, by their letters: ``cell(row id, column id)``."""
    lines = ["      " + "".join(f"{letters[d.id]:>{width}}" for d in documents)]
    for row in documents:
        lines.append(f"  {letters[row.id]:<4}" + "".join(f"{cell(row.id, col.id):>{width}}" for col in documents))
    return lines


def _copied_and_paraphrased(story: StoryAlignment, row: str, column: str) -> str:
    figures = reuse(story.pairwise[(row, column)])
    return f"{figures.copied}+{figures.paraphrased}"


def _pair_lines(pair: Pair, a_text: str, b_text: str, a: str, b: str) -> list[str]:
    noted = [c for c in pair.changes if not c.trivial]
    flags = sorted({flag for c in noted for flag in c.flags})
    detail = f"{len(noted)} change(s)" if noted else "no change in wording"
    if flags:
        detail += " — check: " + ", ".join(flags)
    lines = [
        f"  {pair.kind:<10} {pair.score:.2f}  {detail}",
        f"      {a} {pair.a_span[0]}-{pair.a_span[1]}: {passage(a_text, pair.a_span)}",
        f"      {b} {pair.b_span[0]}-{pair.b_span[1]}: {passage(b_text, pair.b_span)}",
    ]
    # The changes a reader must not miss (figures, names, quoted words), a few per pair.
    flagged = [c for c in noted if c.flags]
    for change in flagged[:MAX_FLAGGED]:
        was, now = passage(a_text, change.a, CHANGE_EXCERPT), passage(b_text, change.b, CHANGE_EXCERPT)
        was, now = (f'"{part}"' if part else "(nothing)" for part in (was, now))
        lines.append(f"        {was} -> {now}  ({', '.join(sorted(change.flags))})")
    if len(flagged) > MAX_FLAGGED:
        lines.append(f"        … and {len(flagged) - MAX_FLAGGED} more")
    return lines


def _letter(i: int) -> str:
    return chr(ord("A") + i) if i < 26 else f"#{i + 1}"
