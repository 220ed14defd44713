"""Tracing on the background worker: long texts, and web pages (fetched here first).

One request traces at most ``VERSUS_TRACE_MAX_CHARACTERS`` within ``VERSUS_TRACE_SECONDS``, and
never fetches a page (a fetch waits on another server, up to ``VERSUS_URL_IMPORT_TIMEOUT``).
A logged-in user's longer text (up to an article's size limit), or web address, is stored as
a TraceJob and traced by ``trace_task`` with ``VERSUS_TRACE_BACKGROUND_SECONDS``; the page at
the job's address shows that it is running, then the result. With the immediate task backend
it is traced inside the request, and the job's page shows the result at once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from django_tasks import task

from articles.access import visible_articles
from articles.fetch import article_from_url
from articles.services import IngestError
from articles.throttle import Throttled
from compare.models import TraceJob
from versus.budget import OverBudget
from versus.jobs import enqueue_on_commit

from .service import TraceError, result_to_dict, trace_text

logger = logging.getLogger(__name__)

# Sources a background trace returns at most, unless its request asked for another number (the API's ``limit``).
DEFAULT_LIMIT = 10
# Traces one account may have waiting or running at once: each may take the worker minutes.
MAX_ACTIVE_PER_OWNER = 3


def check_room(owner: User) -> None:
    """Throttled (with a retry time) when the account already has its share of the worker's queue."""
    active = TraceJob.objects.filter(owner=owner, status__in=[TraceJob.Status.QUEUED, TraceJob.Status.RUNNING])
    if active.count() >= MAX_ACTIVE_PER_OWNER:
        raise Throttled(
            f"This account already has {MAX_ACTIVE_PER_OWNER} traces waiting or running. "
            "Ask again when one of them is done.",
            retry_after=max(1, int(settings.VERSUS_TRACE_BACKGROUND_SECONDS // 4)),
        )


def queue_trace(owner: User, text: str, asked: dict[str, str]) -> TraceJob:
    job = TraceJob.objects.create(owner=owner, text=text, asked=asked)
    enqueue_on_commit(trace_task, job.pk)
    job.refresh_from_db()
    return job


@task()
def trace_task(job_id: int) -> str:
    if not TraceJob.claim(job_id):
        return "nothing to do"
    job = TraceJob.objects.select_related("owner").get(pk=job_id)
    try:
        if job.asked.get("url") and not job.text.strip():
            _fetch(job)
        result = trace_text(
            job.text,
            articles=visible_articles(job.owner),
            limit=int(job.asked.get("limit") or DEFAULT_LIMIT),
            seconds=settings.VERSUS_TRACE_BACKGROUND_SECONDS,
            max_characters=settings.VERSUS_MAX_ARTICLE_CHARACTERS,
        )
    except (TraceError, IngestError) as error:
        job.finish(TraceJob.Status.FAILED, problem=str(error))
        return "failed"
    except OverBudget:
        problem = (
            f"Tracing this text needed more than the {settings.VERSUS_TRACE_BACKGROUND_SECONDS:g} seconds "
            "Versus gives one trace. Trace it in parts."
        )
        job.finish(TraceJob.Status.FAILED, problem=problem)
        return "failed"
    except Exception:
        logger.exception("trace job %s failed", job.pk)
        job.finish(TraceJob.Status.FAILED, problem="Something went wrong on our side. Please try again.")
        raise
    job.finish(TraceJob.Status.DONE, result=result_to_dict(result))
    return "done"


def _fetch(job: TraceJob) -> None:
    """The page at the job's address becomes the text to trace; its details are kept."""
    url = job.asked["url"]
    try:
        item = article_from_url(url)
    except IngestError as error:
        raise IngestError(f"{url}: {error}") from error
    job.text = item.text
    job.asked = {**job.asked, "headline": item.headline, "outlet": item.outlet, "source_url": item.source_url}
    TraceJob.objects.filter(pk=job.pk).update(text=job.text, asked=job.asked, updated_at=timezone.now())
