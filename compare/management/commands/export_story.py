"""``python manage.py export_story SLUG [--format json|csv|html] [--base ARTICLE_ID] [-o FILE]``.

Writes what the story page's export links give: the comparison as JSON (the ``align --json``
contract plus who published what), a CSV of aligned passages, or a self-contained HTML report.
Every two versions are exported, or with ``--base`` the base against each other version only.
If the story has not been compared yet, it is compared now (and the result kept).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.models import Story
from compare import exports


class Command(BaseCommand):
    help = "Export a story's comparison as JSON, CSV or a self-contained HTML report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the story's short name, as in its address /stories/<slug>/")
        parser.add_argument("--format", choices=exports.FORMATS, default="json", help="json (default), csv or html")
        parser.add_argument(
            "--base",
            metavar="ARTICLE_ID",
            help="export only this version against each other one (default: every two versions)",
        )
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of the screen")

    def handle(self, *args: Any, **options: Any) -> None:
        slug: str = options["slug"]
        story = Story.objects.filter(slug=slug).first()
        if story is None:
            raise CommandError(f"No story with the short name “{slug}”. The library lists them at /.")
        try:
            data = exports.export(exports.load(story), options["format"], options["base"])
        except exports.ExportError as error:
            raise CommandError(error.message) from None

        output: str | None = options["output"]
        if output:
            path = Path(output)
            try:
                path.write_bytes(data)
            except OSError as error:
                raise CommandError(f"Cannot write {path}: {error.strerror or error}") from None
            self.stderr.write(f"Wrote {path} ({len(data):,} bytes).")
        elif self.stdout._out is sys.stdout and hasattr(sys.stdout, "buffer"):
            # The exact bytes (the CSV's byte order mark included), whatever the terminal's encoding.
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
