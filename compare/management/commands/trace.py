"""``python manage.py trace FILE [--limit N] [--user NAME] [--json]``: where does a text come from?

Traces a text file (or ``-`` for standard input) against the stored library, as the trace page
and ``POST /api/trace`` do: the stored versions that share passages with it, best first, with
how much of the text each accounts for and how much is found in none. From the command line the
whole library is searched (whoever runs it has the database anyway); ``--user NAME`` searches
only what that account may see. ``--json`` prints what the API answers.

A web page (.html, or any file that starts like one), a PDF or a Word document is read as
``import_story`` reads it: its article's text is traced, and is the ``text`` that ``--json``
prints (the offsets point into it), never the markup or the file's bytes.

The text may be as long as an article (``VERSUS_MAX_ARTICLE_CHARACTERS``), and the search has
the background worker's time budget (``VERSUS_TRACE_BACKGROUND_SECONDS``), not a request's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.access import visible_articles
from articles.extract import article_from_file, article_from_html
from articles.models import Article
from articles.services import ArticleInput, IngestError
from compare.kinds import PAIR_KINDS
from compare.management.text_files import DOCUMENT_SUFFIXES, HTML_START, read_bytes, read_text
from compare.trace.service import MEASURE, TraceError, TraceResult, public_dict, source_percents, trace_text
from versus.budget import OverBudget
from versus.text import percent, plural


class Command(BaseCommand):
    help = "Trace a text against the library: which stored versions share passages with it, best first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            help="a plain-text file (UTF-8 or a legacy encoding such as Windows-1252), a web page (.html), "
            "a PDF or a Word document (.docx), whose article text "
            "is traced, or - for standard input",
        )
        parser.add_argument("--limit", type=int, default=10, help="sources to list at most (1-50, default 10)")
        parser.add_argument("--user", metavar="NAME", help="search only what this account may see")
        parser.add_argument("--json", action="store_true", help="print what POST /api/trace answers")

    def handle(self, *args: Any, **options: Any) -> None:
        limit: int = options["limit"]
        if not 1 <= limit <= 50:
            raise CommandError("--limit takes a number from 1 to 50.")
        text = self._read(options["file"])
        articles = Article.objects.all()
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No account is called “{options['user']}”.")
            articles = visible_articles(user)
        try:
            result = trace_text(
                text,
                articles=articles,
                limit=limit,
                seconds=settings.VERSUS_TRACE_BACKGROUND_SECONDS,
                max_characters=settings.VERSUS_MAX_ARTICLE_CHARACTERS,
            )
        except TraceError as error:
            raise CommandError(str(error)) from None
        except OverBudget:
            raise CommandError(
                f"Tracing this text needed more than {settings.VERSUS_TRACE_BACKGROUND_SECONDS:g} seconds. "
                "Trace it in parts."
            ) from None
        if options["json"]:
            self.stdout.write(json.dumps(public_dict(result), ensure_ascii=False, indent=2, default=str))
        else:
            self.stdout.write(report(result))

    def _read(self, given: str) -> str:
        if given != "-" and PurePath(given).suffix.lower() in DOCUMENT_SUFFIXES:
            return _document_text(given)
        # No encoding import_story reads takes more than 4 bytes a character: read no further than
        # an article may be long.
        text = read_text(given, most_bytes=4 * settings.VERSUS_MAX_ARTICLE_CHARACTERS, stdin=True)
        if given != "-" and HTML_START.match(text):  # a web page saved as text
            return _article_text(
                lambda: article_from_html(text, name=PurePath(given).name, source=Article.Source.COMMAND)
            )
        if not text.strip():
            raise CommandError(f"{'Standard input' if given == '-' else given} holds no text to trace.")
        return text  # as decoded, without a byte order mark: it is not part of the text


def _document_text(given: str) -> str:
    """The article's text in a web page, PDF or Word document, as import_story reads it."""
    data = read_bytes(given, most_bytes=settings.VERSUS_MAX_UPLOAD_BYTES)
    return _article_text(lambda: article_from_file(given, data, source=Article.Source.COMMAND))


def _article_text(read: Callable[[], ArticleInput]) -> str:
    try:
        return read().text
    except IngestError as error:
        raise CommandError(f"{error} Nothing was traced.") from None


def report(result: TraceResult) -> str:
    """The trace in words: the share found, then each source with its share by kind."""
    if not result.sources:
        return "No stored version shares a passage with this text: all of it is new to the library."
    lines = [
        f"{percent(result.traced_share)}% of the text is found in {plural(len(result.sources), 'stored version')}; "
        f"{percent(result.new_share)}% is in none of them:"
    ]
    for rank, source in enumerate(result.sources, start=1):
        article = source.article
        by_kind = source_percents(source)
        kinds = ", ".join(
            f"{kind.label.lower()} {value}%" for kind, value in zip(PAIR_KINDS, by_kind, strict=True) if value
        )
        # Without an outlet the label already is the headline: not twice.
        headline = f" “{article.headline}”" if article.headline and article.outlet else ""
        lines.append(
            f"{rank:>3}. {sum(by_kind):>3}%  {article.label()}{headline}"
            f" in “{article.story.title}” (/stories/{article.story.slug}/; version {article.pk}): {kinds}"
        )
    lines.append(MEASURE)  # last, so that the sources stay on the lines after the first
    return "\n".join(lines)
