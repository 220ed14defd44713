"""Bringing versions in on the background worker: web pages and large uploads.

A web request may hold one of the server's few workers for a moment, not for the time a
slow website takes to answer or trafilatura takes over a large page. So when a submission
has web addresses, or more than ``VERSUS_SYNC_INGEST_BYTES`` of text and files, the request
only stores what was sent (an ImportJob with its files) and queues ``import_task``; the
job's page shows the progress and opens the story when it is done. With the immediate task
backend (``bin/dev``, the tests) the task runs inside the request, and the request answers
with the story (or the form and the problem) as before.

A worker that dies mid-job leaves the job "running"; once it has not moved for
``VERSUS_ALIGN_STALE_SECONDS`` its page says so and gives the form back.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from versus.jobs import enqueue_on_commit

from . import services
from .extract import article_from_file
from .fetch import article_from_url
from .forms import PASTE_FIELDS, VersionsForm, paste_name
from .models import Article, ImportFile, ImportJob, Story
from .services import ArticleInput, IngestError

logger = logging.getLogger(__name__)


def submitted_bytes(form: VersionsForm) -> int:
    """How much a valid form brings: pasted text and uploaded files, in bytes."""
    pasted = sum(len(item.text.encode("utf-8")) for item in form.pasted_versions())
    return pasted + sum(upload.size or 0 for upload in form.cleaned_data.get("files") or [])


def needs_background(form: VersionsForm) -> bool:
    """Web pages are always fetched in the background; text and files when there is a lot of them."""
    return bool(form.cleaned_data.get("urls")) or submitted_bytes(form) > settings.VERSUS_SYNC_INGEST_BYTES


def _pasted_fields(form: VersionsForm) -> list[dict] | None:
    """The pasted versions as the job keeps them (JSON), one per box that had text."""
    return [
        {
            "text": item.text,
            "headline": item.headline,
            "headline_from_text": item.headline_from_text,
            "outlet": item.outlet,
            "published_on": item.published_on.isoformat() if item.published_on else None,
            "source_url": item.source_url,
            "form_field": item.form_field,
            "label": item.label,
        }
        for item in form.pasted_versions()
    ] or None


def _pasted(job: ImportJob) -> list[dict]:
    """A job's pasted versions; a job queued before there were several paste boxes kept one, as a dict."""
    if not job.pasted:
        return []
    return [job.pasted] if isinstance(job.pasted, dict) else list(job.pasted)


def queue_import(owner: User, form: VersionsForm, story: Story | None = None) -> ImportJob:
    """Store what a valid form sent as a job, queue it, and return it (already done with the
    immediate backend, unless the caller holds a transaction open: the task is queued when it
    commits). ``story``: add to it; None: make a new story from the form's title."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            owner=owner,
            story=story,
            new_story=story is None,
            title=form.cleaned_data.get("title", "") if story is None else "",
            notes=form.cleaned_data.get("notes", "") if story is None else "",
            pasted=_pasted_fields(form),
            urls=form.cleaned_data.get("urls") or [],
        )
        uploads = form.cleaned_data.get("files") or []
        ImportFile.objects.bulk_create(
            [ImportFile(job=job, position=n, name=upload.name, data=upload.read()) for n, upload in enumerate(uploads)]
        )
        job.progress_total = len(uploads) + len(job.urls) + len(_pasted(job))
        job.save(update_fields=["progress_total"])
        enqueue_on_commit(import_task, job.pk)
    job.refresh_from_db()
    return job


@task()
def import_task(job_id: int) -> str:
    """Read, fetch and store the versions of a job; the job row says how it went."""
    if not ImportJob.claim(job_id):
        return "nothing to do"
    job = ImportJob.objects.get(pk=job_id)
    try:
        items = _read_items(job)
        if job.new_story:
            story = services.create_story(job.title, items, notes=job.notes, owner=job.owner)
            added = len(items)
        else:
            assert job.story is not None  # a job that adds versions belongs to its story
            story = job.story
            added = len(services.add_articles(story, items))
    except IngestError as error:
        job.finish(ImportJob.Status.FAILED, problem=str(error))
        return "failed"
    except Exception:
        logger.exception("import job %s failed", job.pk)
        job.finish(ImportJob.Status.FAILED, problem="Something went wrong on our side. Please try again.")
        raise
    job.finish(ImportJob.Status.DONE, story=story, added=added)
    return "done"


def _read_items(job: ImportJob) -> list[ArticleInput]:
    items: list[ArticleInput] = []
    for pasted in _pasted(job):
        fields = dict(pasted)
        published = fields.pop("published_on", None)
        published_on = dt.date.fromisoformat(published) if published else None
        items.append(ArticleInput(**fields, published_on=published_on, source=Article.Source.PASTE))
        _progress(job, len(items))
    for upload in job.files.all():
        items.append(article_from_file(upload.name, bytes(upload.data)))
        _progress(job, len(items))
    for url in job.urls:
        try:
            items.append(article_from_url(url))
        except IngestError as error:
            raise IngestError(f"{url}: {error}") from error
        _progress(job, len(items))
    return items


def _progress(job: ImportJob, done: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(progress_done=done, updated_at=timezone.now())


def had_files(job: ImportJob) -> bool:
    return job.progress_total > len(job.urls) + len(_pasted(job))


def form_initial(job: ImportJob) -> dict:
    """What was typed, to fill the form in again after a failed job (files must be chosen again)."""
    initial: dict = {}
    pasted = _pasted(job)
    for box, fields in enumerate(pasted, start=1):
        for name in PASTE_FIELDS:
            initial[paste_name(name, box)] = fields.get(name)
    initial["boxes"] = len(pasted)
    initial["urls"] = "\n".join(job.urls)
    if job.new_story:
        initial.update(title=job.title, notes=job.notes)
    return initial
