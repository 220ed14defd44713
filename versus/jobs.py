"""What every kind of background job (imports: articles/jobs.py; traces: compare/trace/jobs.py) does alike.

Every task is queued with ``enqueue_on_commit``: after the transaction that wrote its row has
committed, so a worker never looks for a row it cannot see yet, and a request whose transaction
rolls back queues nothing. The modules that queue a task also define it and call services;
services never import them, so the imports go one way.

A job row is "queued" when the request stores it, "running" once a worker claims it, then
"done" or "failed". A running job whose row has not been touched for
``VERSUS_ALIGN_STALE_SECONDS`` lost its worker and is given up, so its page can say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

if TYPE_CHECKING:
    from django_tasks.base import Task, TaskResult

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


def enqueue_on_commit(task: Task[..., Any], *args: Any, then: Callable[[TaskResult[Any]], None] | None = None) -> None:
    """Queue ``task`` with ``args`` once the current transaction commits (at once outside one),
    then hand its result to ``then``. With the immediate backend the task has run by then."""

    def enqueue() -> None:
        result = task.enqueue(*args)
        if then is not None:
            then(result)

    transaction.on_commit(enqueue)
