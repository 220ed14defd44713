"""What every kind of background job (imports: articles/jobs.py; traces: compare/trace/jobs.py) does alike.

A job's row (a ``BackgroundJob``) is "queued" when the request stores it, "running" once a
worker claims it, then "done" or "failed". A running job whose row has not been touched for
``VERSUS_ALIGN_STALE_SECONDS`` lost its worker and is given up, so its page can say so.

Every task is queued with ``enqueue_on_commit``: after the transaction that wrote its row has
committed, so a worker never looks for a row it cannot see yet, and a request whose transaction
rolls back queues nothing. The modules that queue a task also define it and call services;
services never import them, so the imports go one way.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from django_tasks.base import Task, TaskResult

LOST = "The background work stopped before it was done (the worker was restarted). Please try again."


def new_token() -> str:
    return secrets.token_urlsafe(16)


class BackgroundJob(models.Model):
    """The row of one job the background worker does for a user, and the address of its page."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for its turn"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    problem = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @classmethod
    def claim(cls, job_id: int) -> bool:
        """Take a queued job for this worker; False when another worker took it or it is gone."""
        queued = cls._default_manager.filter(pk=job_id, status=cls.Status.QUEUED)
        return bool(queued.update(status=cls.Status.RUNNING, updated_at=timezone.now()))

    def stale_seconds(self) -> float:
        """How long a running job may go unheard of before it counts as lost. A job that
        reports its progress is heard of often; one that works in a single step (a trace)
        overrides this with its time budget plus this margin."""
        return float(settings.VERSUS_ALIGN_STALE_SECONDS)

    def is_lost(self) -> bool:
        """A running job not heard of for too long: its worker was restarted or died."""
        stale = timezone.now() - dt.timedelta(seconds=self.stale_seconds())
        return self.status == self.Status.RUNNING and self.updated_at < stale

    def finish(self, status: str, *, problem: str = "", **changes: Any) -> None:
        """Write how the job ended, with what it made (``changes``), to its row."""
        rows = type(self)._default_manager.filter(pk=self.pk)
        rows.update(status=status, problem=problem, updated_at=timezone.now(), **changes)

    def give_up_if_lost(self) -> Self:
        """A lost job is marked failed, so its page can say so (and give the form back)."""
        if self.is_lost():
            self.finish(self.Status.FAILED, problem=LOST)
            self.refresh_from_db()
        return self


def enqueue_on_commit(task: Task[..., Any], *args: Any, then: Callable[[TaskResult[Any]], None] | None = None) -> None:
    """Queue ``task`` with ``args`` once the current transaction commits (at once outside one),
    then hand its result to ``then``. With the immediate backend the task has run by then."""

    def enqueue() -> None:
        result = task.enqueue(*args)
        if then is not None:
            then(result)

    transaction.on_commit(enqueue)
