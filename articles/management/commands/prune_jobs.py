"""Delete finished background imports and traces (and anything older) after some days.

A job keeps what was sent (an import's files until it has read them, a trace's text and
result): once its page has been seen it is not needed any more. Run daily, next to
``prune_db_task_results``.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.models import ImportJob
from compare.models import TraceJob


class Command(BaseCommand):
    help = "Delete background import and trace jobs older than --days (default 14)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=14, help="keep jobs younger than this (default 14)")

    def handle(self, *args, days: int, **options) -> None:
        if days < 0:
            self.stderr.write("--days must be 0 or more.")
            return
        before = timezone.now() - dt.timedelta(days=days)
        imports, _ = ImportJob.objects.filter(created_at__lt=before).delete()
        traces, _ = TraceJob.objects.filter(created_at__lt=before).delete()
        self.stdout.write(f"Deleted {imports} import rows and {traces} trace jobs older than {days} days.")
