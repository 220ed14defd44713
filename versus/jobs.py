"""What every kind of background job (imports: articles/jobs.py; traces: compare/trace/jobs.py) does alike.

A job row is "queued" when the request stores it, "running" once a worker claims it, then
"done" or "failed". A running job whose row has not been touched for
``VERSUS_ALIGN_STALE_SECONDS`` lost its worker and is given up, so its page can say so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

LOST = "The background work stopped before it was done (the worker was restarted). Please try again."


class Job(Protocol):
    status: str
    updated_at: dt.datetime


def claim(jobs: QuerySet[Any], job_id: int) -> bool:
    """Take a queued job for this worker; False when another worker took it or it is gone."""
    return bool(jobs.filter(pk=job_id, status="queued").update(status="running", updated_at=timezone.now()))


def is_lost(job: Job) -> bool:
    """A running job not heard of for too long: its worker was restarted or died."""
    stale = timezone.now() - dt.timedelta(seconds=settings.VERSUS_ALIGN_STALE_SECONDS)
    return job.status == "running" and job.updated_at < stale
