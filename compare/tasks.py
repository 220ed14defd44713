"""Background work: aligning a story as a django-tasks task.

Where the task runs is a setting (``VERSUS_TASKS_BACKEND``): in the request that queues it
(immediate, the default) or in a worker process (``python manage.py db_worker``) reading the
queue from the database.

How a worker that dies is survived (see also compare/services.py):

* the result is written in one transaction at the very end, so a killed worker leaves no
  half-written result, only a "running" row with some progress;
* while computing, a thread of the worker touches the row every ``heartbeat_seconds()``; once
  nothing was heard for ``VERSUS_ALIGN_STALE_SECONDS`` the row is stale, and the next visit of
  the story page (every poll of the progress fragment is one) marks the lost task as failed and
  queues a new one, which takes the row over under a new attempt number;
* an attempt number guards every write, so a worker given up for dead that comes back to life
  cannot overwrite anything; the row's lock and its unique (story, key) make sure one key is
  never computed by two workers at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from articles.models import Article, Story
from versus.jobs import enqueue_on_commit

from . import services
from .models import StoredAlignment

logger = logging.getLogger(__name__)

WORKER_LOST = "compare.tasks.WorkerLost"


@task()
def align_story_task(story_id: int, key: str) -> str:
    """Compute and store the alignment of the story's versions whose key is ``key``."""
    story = Story.objects.filter(pk=story_id).first()
    if story is None:
        return "the story was deleted"
    articles = services.versions_of(story)
    if not services.is_current_key(articles, key):
        return "the versions changed; the page asks for the new set itself"
    stored, mine = services.claim_alignment(story, key, services.pair_count(articles))
    if not mine:
        return f"nothing to do: {stored.get_status_display().lower()} elsewhere"
    with heartbeat(stored):
        stored = services.compute(stored, articles)
    return stored.status


@contextmanager
def heartbeat(stored: StoredAlignment) -> Iterator[None]:
    """Touch the row regularly while the body runs, from a thread of its own.

    Progress alone is not enough: it is written once per pair of versions, and one pair of
    long versions can take longer than the stale delay.
    """
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(services.heartbeat_seconds()):
                if not services.heartbeat(stored):
                    return  # taken over or finished: nothing left to keep alive
        except Exception:
            # A missed beat at worst lets the work be done again; it must not stop the work.
            logger.exception("heartbeat of alignment %s failed", stored.pk)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name=f"heartbeat-alignment-{stored.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def ensure_alignment(story: Story, articles: Sequence[Article] | None = None) -> StoredAlignment:
    """The stored alignment for the story's current versions, queuing its computation if needed.

    With the immediate task backend the task has run by the time this returns (done or failed),
    unless the caller holds a transaction open (it is queued when that commits); with the
    database backend the row is pending or running and the page polls it.
    """
    articles = services.versions_of(story) if articles is None else list(articles)
    key = services.alignment_key(articles)
    stored = services.find_alignment(story, key)
    if stored is not None and stored.status == StoredAlignment.Status.DONE:
        return stored
    request = services.request_alignment(story, key, services.pair_count(articles))
    if request.abandoned_task:
        give_up(request.abandoned_task)
    if not request.must_queue:
        return request.stored
    queue_alignment(request.stored)
    return services.find_alignment(story, key) or request.stored


def queue_alignment(stored: StoredAlignment) -> None:
    """Queue the task for a pending row once its transaction commits, and note the task's id
    there (to tell later whether it is lost)."""

    def note_task(result: TaskResult[str]) -> None:
        StoredAlignment.objects.filter(pk=stored.pk).update(task_id=result.id)

    enqueue_on_commit(align_story_task, stored.story_id, stored.key, then=note_task)


def _db_task(task_id: str) -> QuerySet[DBTaskResult] | None:
    """The queue's row of a task, when the database backend is in use (else None)."""
    if not task_id or not isinstance(align_story_task.get_backend(), DatabaseBackend):
        return None
    return DBTaskResult.objects.filter(id=task_id)


def give_up(task_id: str) -> None:
    """Mark a task whose worker stopped answering as failed, so the queue tells the truth."""
    rows = _db_task(task_id)
    if rows is None:
        return
    rows.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=WORKER_LOST,
        traceback="The worker stopped answering (no heartbeat); the alignment was queued again.",
    )
