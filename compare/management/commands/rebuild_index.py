"""python manage.py rebuild_index [--stale] [--workers N] — recompute the library index."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from compare.trace.index import rebuild_index, text_progress


class Command(BaseCommand):
    help = (
        "Recompute the trace-a-text index (MinHash band keys of every article's sentences). "
        "With --stale, only articles never indexed or whose text or fingerprint scheme changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stale", action="store_true", help="Only missing or out-of-date articles.")
        parser.add_argument("--workers", type=int, default=1, help="Processes computing fingerprints (default 1).")
        parser.add_argument("--quiet", action="store_true", help="No progress line.")

    def handle(self, *args: object, stale: bool, workers: int, quiet: bool, **options: object) -> None:
        progress = None if quiet else text_progress(self._write_progress)
        report = rebuild_index(stale_only=stale, workers=max(1, workers), progress=progress)
        self.stdout.write(
            f"Indexed {report.articles:,} articles ({report.keys:,} keys) in {report.seconds:.1f} s"
            f" ({report.rate():,.0f} articles/s)."
        )

    def _write_progress(self, text: str) -> None:
        self.stderr.write(text, ending="")
        self.stderr.flush()
