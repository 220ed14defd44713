"""python manage.py import_jsonl FILE [--group] — a day's feed in, one article per line.

Each line is a JSON object: ``{"id": ..., "outlet": ..., "url": ..., "headline": ...,
"date": "2026-11-20", "text": ...}``; ``id`` and ``text`` are required. The file is read
line by line (never whole), so its size does not matter.

Where the articles go: every article needs a story. Without ``--group`` each one gets a
story of its own, titled by its headline. With ``--group`` an article joins the story of
an earlier imported article it is a near-duplicate version of (found through the library
index: at least ``--group-threshold`` of the smaller text's sentences shared, each found
by one of its fingerprint keys, so a sentence with a word or two changed counts), else
starts a new one.
Only stories made by this command are grouping targets, never someone's own story.

Nothing is stored twice, which is also what makes a re-run after an interruption safe:
a line whose id was imported before is skipped, and so is a text imported before under
another id (the same words, whitespace aside). ``--start-line`` skips straight to a line.

Broken lines (not JSON, no id, no text, a bad date or address, an empty or oversized
text) are reported with their line numbers at the end; the good lines are imported all
the same. The command then exits with an error status so scripts notice.

Lines are stored in batches of ``--batch`` lines, one transaction per batch and a
savepoint per line: a bad line never undoes a good one, and an interruption loses at
most the batch in flight, which the next run imports.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.core.validators import URLValidator
from django.db import transaction

from articles.models import Article, ImportedArticle, IndexedArticle, Story, content_hash
from articles.services import ArticleInput, IngestError, add_articles, check_article, clean_text, create_story
from compare.engine import fingerprint_sentences
from compare.trace.index import find_candidates, keys_held
from versus.text import first_words


class LineError(ValueError):
    """What is wrong with one line of the file, worded for the person who made the file."""


@dataclass
class FeedItem:
    feed_id: str
    article: ArticleInput


@dataclass
class Tally:
    imported: int = 0
    stories: int = 0
    grouped: int = 0
    skipped_ids: int = 0
    skipped_texts: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # the first MAX_LISTED_ERRORS
    broken: int = 0

    def fail(self, number: int, message: str) -> None:
        self.broken += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            # A message quoting the line may hold an unpaired "\ud800" from a JSON escape: shown as written.
            self.errors.append((number, message.encode("utf-8", "backslashreplace").decode("utf-8")))


# Broken lines listed by number at the end; past that they are only counted (a file of
# millions of broken lines must not fill memory or the terminal).
MAX_LISTED_ERRORS = 1000

_check_url = URLValidator(schemes=["http", "https"])


def _text_field(record: dict, name: str, number: int) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise LineError(f"“{name}” should be text, not {type(value).__name__}.")
    return str(value).strip()


def parse_line(raw: bytes, number: int) -> FeedItem | None:
    """The article on one line of the file; None for a blank line; LineError if it is broken."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LineError(f"not UTF-8 text (byte {error.start + 1} of the line).") from None
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        # Python words some messages to end in "at" ("Invalid control character at"): said once.
        raise LineError(f"not valid JSON ({error.msg.removesuffix(' at')} at character {error.pos + 1}).") from None
    if not isinstance(record, dict):
        raise LineError('not a JSON object; each line should be one article like {"id": ..., "text": ...}.')
    feed_id = _text_field(record, "id", number)
    if not feed_id:
        raise LineError("no “id”; every article needs one so that a re-run can skip it.")
    if len(feed_id) > 200:
        raise LineError("the “id” is longer than 200 characters.")
    if any(ch == "\x00" or "\ud800" <= ch <= "\udfff" for ch in feed_id):
        raise LineError("the “id” holds a character that cannot be stored (a \\u0000 or an unpaired \\ud800 escape).")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise LineError(f"article {feed_id}: no “text”.")
    url = _text_field(record, "url", number)
    if url:
        try:
            _check_url(url)
        except ValidationError:
            raise LineError(f"article {feed_id}: “{url[:80]}” is not a web address (http:// or https://).") from None
    date_text = _text_field(record, "date", number)
    published_on = None
    if date_text:
        try:
            published_on = dt.date.fromisoformat(date_text[:10])
        except ValueError:
            raise LineError(f"article {feed_id}: the date “{date_text[:40]}” is not a date like 2026-11-20.") from None
    item = ArticleInput(
        text=text,
        outlet=_text_field(record, "outlet", number),
        headline=_text_field(record, "headline", number),
        source_url=url,
        published_on=published_on,
        source=Article.Source.COMMAND,
        filename=f"feed id {feed_id}"[:255],
    )
    try:
        check_article(item)
    except IngestError as error:
        raise LineError(str(error)) from None
    return FeedItem(feed_id, item)


def story_title(item: ArticleInput) -> str:
    if item.headline:
        return item.headline
    return first_words(clean_text(item.text), 12)


class Command(BaseCommand):
    help = (
        "Import a JSON Lines feed (one article per line: id, outlet, url, headline, date, text). "
        "Streams the file, skips ids and texts already imported (so re-running after an interruption is safe), "
        "reports broken lines by number and imports the rest. --group puts near-duplicate versions into shared "
        "stories; otherwise each article gets a story of its own."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="The .jsonl file ('-' for standard input).")
        parser.add_argument("--group", action="store_true", help="Group near-duplicate versions into shared stories.")
        parser.add_argument(
            "--group-threshold",
            type=float,
            default=0.4,
            help="Share of sentences two articles must share, even with a word or two changed (of the smaller "
            "one's), to be one story (default 0.4).",
        )
        parser.add_argument("--start-line", type=int, default=1, help="Skip the lines before this one.")
        parser.add_argument("--batch", type=int, default=100, help="Lines per transaction (default 100).")
        parser.add_argument("--owner", metavar="USERNAME", help="New stories belong to this user and are private.")
        parser.add_argument("--quiet", action="store_true", help="No progress line.")

    def handle(self, *args: object, **options: Any) -> None:
        path = str(options["file"])
        self.group = bool(options["group"])
        self.threshold = float(options["group_threshold"])
        if not 0 < self.threshold <= 1:
            raise CommandError("--group-threshold is a share between 0 and 1, such as 0.4.")
        self.owner = self._owner(options.get("owner"))
        start_line = max(1, int(options["start_line"]))
        batch = max(1, int(options["batch"]))
        tally = Tally()
        if path == "-":
            self._import(sys.stdin.buffer, None, start_line, batch, tally, quiet=bool(options["quiet"]))
        else:
            file = Path(path)
            if not file.is_file():
                raise CommandError(f"{path}: no such file.")
            with file.open("rb") as stream:
                self._import(stream, file.stat().st_size, start_line, batch, tally, quiet=bool(options["quiet"]))
        self._report(tally)

    def _owner(self, username: object):
        if not username:
            return None
        user_model = get_user_model()
        user = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"There is no user “{username}”. Create the account first (e.g. createsuperuser).")
        return user

    def _import(self, stream: IO[bytes], size: int | None, start_line: int, batch: int, tally: Tally, quiet: bool):
        progress = _Progress(self.stderr, size, quiet)
        pending: list[tuple[int, FeedItem]] = []
        read = 0
        number = 0
        for number, raw in enumerate(stream, start=1):
            read += len(raw)
            if number < start_line:
                continue
            try:
                item = parse_line(raw, number)
            except LineError as error:
                tally.fail(number, str(error))
                continue
            if item is not None:
                pending.append((number, item))
            if len(pending) >= batch:
                self._store(pending, tally)
                pending = []
            progress.show(number, read, tally)
        if pending:
            self._store(pending, tally)
        progress.show(number, read, tally, final=True)

    def _store(self, lines: list[tuple[int, FeedItem]], tally: Tally) -> None:
        known_ids = set(
            ImportedArticle.objects.filter(feed_id__in=[i.feed_id for _, i in lines]).values_list("feed_id", flat=True)
        )
        with transaction.atomic():
            for number, item in lines:
                if item.feed_id in known_ids:
                    tally.skipped_ids += 1
                    continue
                digest = content_hash(clean_text(item.article.text))
                if ImportedArticle.objects.filter(content_hash=digest).exists():
                    tally.skipped_texts += 1
                    continue
                try:
                    with transaction.atomic():
                        article = self._store_one(item, tally)
                        ImportedArticle.objects.create(feed_id=item.feed_id, article=article, content_hash=digest)
                except IngestError as error:
                    tally.fail(number, str(error))
                    continue
                known_ids.add(item.feed_id)
                tally.imported += 1

    def _store_one(self, item: FeedItem, tally: Tally) -> Article:
        if self.group:
            for story in self._near_duplicate_stories(item.article):
                if story.versions.count() < settings.VERSUS_MAX_VERSIONS_PER_STORY:
                    (article,) = add_articles(story, [item.article])
                    tally.grouped += 1
                    return article
        story = create_story(story_title(item.article), [item.article], owner=self.owner)
        tally.stories += 1
        return story.versions.get()

    def _near_duplicate_stories(self, item: ArticleInput) -> list[Story]:
        """Stories made by this command holding a version that shares enough of the article's sentences."""
        sentences = fingerprint_sentences(clean_text(item.text))
        keys = {key for sentence in sentences for key in sentence.keys}
        if not keys:
            return []
        imported = Article.objects.filter(import_record__isnull=False, story__owner=self.owner)
        candidates = [pk for pk, _ in find_candidates(keys, imported, limit=5, min_hits=2)]
        held = keys_held(keys, candidates)
        sizes = dict(IndexedArticle.objects.filter(article_id__in=candidates).values_list("article_id", "sentences"))
        # Sentences shared, not band keys: a sentence with a word changed keeps only some of its
        # keys but nearly always one (compare/engine/fingerprint.py), so counting keys left an
        # edited rewrite whose every sentence changed a little out of its story. Against the smaller of the
        # two texts: a short wire version inside a longer rewrite is a version of the same story too.
        close = []
        for pk in candidates:
            shared = sum(1 for sentence in sentences if held[pk].intersection(sentence.keys))
            if shared / max(1, min(len(sentences), sizes.get(pk, 0))) >= self.threshold:
                close.append(pk)
        stories = {a.pk: a.story for a in Article.objects.filter(pk__in=close).select_related("story")}
        return [stories[pk] for pk in close if pk in stories]

    def _report(self, tally: Tally) -> None:
        line = f"Imported {tally.imported:,} articles"
        if self.group:
            line += f" ({tally.grouped:,} joined an earlier version's story, {tally.stories:,} new stories)"
        else:
            line += f" into {tally.stories:,} new stories"
        line += (
            f"; skipped {tally.skipped_ids:,} already imported and {tally.skipped_texts:,} "
            f"with a text imported before under another id."
        )
        self.stdout.write(line)
        if tally.broken:
            self.stdout.write(f"{tally.broken:,} lines could not be imported:")
            for number, message in tally.errors:
                self.stdout.write(f"  line {number}: {message}")
            if tally.broken > len(tally.errors):
                self.stdout.write(f"  … and {tally.broken - len(tally.errors):,} more broken lines.")
            raise CommandError(
                f"{tally.broken:,} broken lines were left out (listed above); the other lines were imported. "
                "Fix those lines and run the command again: what is already imported is skipped."
            )


class _Progress:
    """A plain-text progress line on stderr, rewritten with \\r at most five times a second."""

    def __init__(self, stream: OutputWrapper, size: int | None, quiet: bool) -> None:
        self.stream, self.size, self.quiet = stream, size, quiet
        self.last = 0.0

    def show(self, number: int, read: int, tally: Tally, final: bool = False) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        if not final and now - self.last < 0.2:
            return
        self.last = now
        share = f" ({read / self.size:.0%})" if self.size else ""
        self.stream.write(
            f"\rline {number:,}{share}: {tally.imported:,} imported, "
            f"{tally.skipped_ids + tally.skipped_texts:,} skipped, {tally.broken:,} broken",
            ending="\n" if final else "",
        )
        self.stream.flush()
