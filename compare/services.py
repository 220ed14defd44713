"""Stored alignments: compute a story's alignment once, keep it, and recompute only when needed.

The result of the engine for a story is stored under a key made of its versions (ids and
content hashes), the engine version and the mode (semantic with the sentence model, else
lexical). A page visit looks the key up; when a version is added, changed or removed, the
engine changes, or the model is installed, the key changes and the story is aligned again.
Old results of the story are deleted when a new one is stored.

The task computes the versions' sentence vectors first (once per version: they are stored
with the article, see ``articles.services.store_sentence_vectors``) and aligns with them.

A page that finds no result has a background task queued (``tasks.ensure_alignment``) and
polls the row:
while the task runs it writes its progress there, so visitors see "computing… n of m". The
row's lock and its (story, key) uniqueness make sure one set of versions is computed by one
task at a time, and the result is written in one transaction at the end, so a worker that dies
leaves a "running" row whose heartbeat stops; the next visit queues the work again.

The task module calls this one, never the other way round: everything here works on rows and
the task queue's backend, and only ``compare/tasks.py`` knows the task itself.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist

from articles.models import Article, Story
from articles.services import store_sentence_vectors
from compare.engine import (
    ENGINE_VERSION,
    Document,
    StoryAlignment,
    align_story,
    embed,
    likely_source,
    story_from_dict,
    story_to_dict,
)

from .models import StoredAlignment


def stale_after() -> timedelta:
    """How long an unfinished alignment may go unheard of before it is taken as abandoned."""
    return timedelta(seconds=settings.VERSUS_ALIGN_STALE_SECONDS)


def heartbeat_seconds() -> float:
    # Several beats within the stale delay, so one slow write never makes a live worker look dead.
    return max(0.2, settings.VERSUS_ALIGN_STALE_SECONDS / 4)


def versions_of(story: Story) -> list[Article]:
    # Not ``raw``: for an uploaded web page it is the whole HTML, and nothing that compares or shows uses it.
    # Nor ``vectors``: only the task that aligns reads them (``documents_for`` fetches them then).
    versions = list(story.versions.order_by("position", "id").defer("raw", "vectors"))
    Article.know_story_outlets(versions)  # named on the page and in exports without a query each
    return versions


def documents_for(articles: Sequence[Article]) -> list[Document]:
    """The versions as the engine takes them, each with its stored sentence vectors when current."""
    return [article.engine_document() for article in articles]


SEMANTIC = "semantic"
LEXICAL = "lexical"
# In a key, the semantic mode carries the model's version: new vectors, new results.
_SEMANTIC_KEY = f"{SEMANTIC}:{embed.EMBEDDING_VERSION}"


def expected_mode() -> str:
    """The mode an alignment computed now will be in, told without loading the model (a page
    request computes keys): semantic, with the model's version, when the model is installed."""
    return _SEMANTIC_KEY if embed.installed() else LEXICAL


def alignment_key(articles: Sequence[Article], mode: str | None = None) -> str:
    """Same versions with the same texts, the same engine and the same mode: same key, whatever the order.

    The mode is part of it so that a result computed lexically (before the model was
    installed) is not shown once the model can do better."""
    parts = sorted((article.pk, article.content_hash) for article in articles)
    payload = repr((parts, ENGINE_VERSION, expected_mode() if mode is None else mode)).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def is_current_key(articles: Sequence[Article], key: str) -> bool:
    """True when ``key`` is these versions' key in either mode.

    A worker installed without the model may take a key asked for by a web process with it:
    it computes lexically, and the row's ``mode`` says so, rather than leave the page waiting."""
    return key in {alignment_key(articles, _SEMANTIC_KEY), alignment_key(articles, LEXICAL)}


def alignment_mode(documents: Sequence[Document]) -> str:
    """What the engine did: semantic when every version had its sentence vectors, else lexical."""
    return SEMANTIC if documents and all(d.vectors is not None for d in documents) else LEXICAL


def find_alignment(story: Story, key: str) -> StoredAlignment | None:
    # The result itself is large; it is read only when it is not already decoded in memory.
    return StoredAlignment.objects.filter(story=story, key=key).defer("data").first()


def is_stale(stored: StoredAlignment) -> bool:
    return timezone.now() - stored.updated_at >= stale_after()


def _create_row(story: Story, key: str, total: int, status: str, **fields) -> StoredAlignment | None:
    """A new row for ``key``; None when another visit created it in the meantime (there was no row to lock)."""
    try:
        with transaction.atomic():
            return StoredAlignment.objects.create(
                story=story, key=key, engine_version=ENGINE_VERSION, status=status, progress_total=total, **fields
            )
    except IntegrityError:
        return None


def is_waiting(task_id: str) -> bool:
    """True when the task is still queued, not yet taken by any worker."""
    try:
        return default_task_backend.get_result(task_id).status == TaskResultStatus.READY if task_id else False
    except (NotImplementedError, TaskResultDoesNotExist, ValueError):
        return False


@dataclass(frozen=True)
class Request:
    stored: StoredAlignment
    must_queue: bool  # the caller queues the task (after this transaction)
    abandoned_task: str  # the task of a worker given up for dead, to be marked as such


@transaction.atomic
def request_alignment(story: Story, key: str, total: int) -> Request:
    """Make sure the alignment for ``key`` is, or will be, computed by exactly one task.

    The row is locked while deciding, so two visits at once never queue two tasks: the first
    creates the row "pending" and queues; the second finds it and only shows its progress.
    Work is queued again only when the row is stale: nothing heard for ``stale_after()`` from a
    running worker (it died: its heartbeat stopped), a pending task that no longer waits in
    the queue, or a failure shown long enough to be worth another try.
    """
    stored = StoredAlignment.objects.select_for_update().filter(story=story, key=key).first()
    if stored is None:
        stored = _create_row(story, key, total, StoredAlignment.Status.PENDING)
        if stored is None:
            return Request(StoredAlignment.objects.get(story=story, key=key), False, "")
        return Request(stored, True, "")
    if stored.status == StoredAlignment.Status.DONE or not is_stale(stored):
        return Request(stored, False, "")
    if stored.status == StoredAlignment.Status.PENDING and is_waiting(stored.task_id):
        return Request(stored, False, "")  # still in the queue: the workers are busy, not gone
    abandoned = stored.task_id if stored.status != StoredAlignment.Status.FAILED else ""
    stored.status = StoredAlignment.Status.PENDING
    stored.progress_done, stored.progress_total, stored.error, stored.task_id = 0, total, "", ""
    stored.save()
    return Request(stored, True, abandoned)


@transaction.atomic
def claim_alignment(story: Story, key: str, total: int) -> tuple[StoredAlignment, bool]:
    """Start computing ``key`` here: the row becomes "running" under a new attempt number.

    False when there is nothing to do (done, or recently failed) or another worker is at it
    (running, and its heartbeat is fresh). Taking over a stale running row is how the work of
    a worker that died is done again.
    """
    stored = StoredAlignment.objects.select_for_update().filter(story=story, key=key).first()
    if stored is None:
        stored = _create_row(story, key, total, StoredAlignment.Status.RUNNING, attempt=1)
        if stored is None:
            return StoredAlignment.objects.get(story=story, key=key), False
        return stored, True
    if stored.status == StoredAlignment.Status.DONE:
        return stored, False
    busy = stored.status in (StoredAlignment.Status.RUNNING, StoredAlignment.Status.FAILED)
    if busy and not is_stale(stored):
        return stored, False
    stored.status = StoredAlignment.Status.RUNNING
    stored.attempt += 1
    stored.progress_done, stored.progress_total, stored.error = 0, total, ""
    stored.save()
    return stored, True


def _still_mine(stored: StoredAlignment):
    return StoredAlignment.objects.filter(pk=stored.pk, attempt=stored.attempt, status=StoredAlignment.Status.RUNNING)


def record_progress(stored: StoredAlignment, done: int, total: int) -> bool:
    """Write the progress (and so the heartbeat); False when the row is no longer this attempt's."""
    return bool(_still_mine(stored).update(progress_done=done, progress_total=total, updated_at=timezone.now()))


def heartbeat(stored: StoredAlignment) -> bool:
    return bool(_still_mine(stored).update(updated_at=timezone.now()))


@transaction.atomic
def store_result(stored: StoredAlignment, data: dict, seconds: float, mode: str = "") -> StoredAlignment:
    """Write the result in one transaction: a worker that dies before this leaves no trace of it.

    Nothing is written when the row was taken over by another attempt in the meantime (this
    worker was given up for dead), or when the story's versions changed while computing.
    """
    row = _still_mine(stored).select_for_update().first()
    if row is None:
        return StoredAlignment.objects.filter(pk=stored.pk).first() or stored
    if not is_current_key(versions_of(row.story), row.key):
        row.delete()  # nobody will ask for this set of versions again
        return stored
    row.data = data
    row.status = StoredAlignment.Status.DONE
    row.progress_done = row.progress_total
    row.seconds = seconds
    row.mode = mode
    row.error = ""
    row.save()
    # Results for older sets of versions can never be shown again.
    StoredAlignment.objects.filter(story_id=row.story_id).exclude(pk=row.pk).delete()
    return row


@transaction.atomic
def record_failure(stored: StoredAlignment, error: str) -> StoredAlignment:
    row = _still_mine(stored).select_for_update().first()
    if row is None:
        return stored
    row.status = StoredAlignment.Status.FAILED
    row.error = error[:2000]
    row.save()
    return row


def compute(stored: StoredAlignment, articles: Sequence[Article]) -> StoredAlignment:
    """Run the engine for a claimed row and store what it says (or that it failed).

    The versions' sentence vectors are computed first where missing or stale, and stored with
    the articles: the next alignment of the story (a version added) reuses them."""

    def on_progress(done: int, total: int) -> None:
        record_progress(stored, done, total)

    started = time.perf_counter()
    try:
        store_sentence_vectors(articles)
        documents = documents_for(articles)
        alignment = align_story(documents, on_progress=on_progress)
        data = story_to_dict(alignment)
    except Exception as error:  # noqa: BLE001 - any engine failure is shown to the reader, not a 500
        return record_failure(stored, f"{type(error).__name__}: {error}")
    return store_result(stored, data, time.perf_counter() - started, alignment_mode(documents))


def pair_count(articles: Sequence[Article]) -> int:
    n = len(articles)
    return n * (n - 1) // 2


def get_or_compute(story: Story, articles: Sequence[Article] | None = None) -> StoredAlignment:
    """The stored alignment for the story's current versions, computing it here and now if needed.

    For scripts and tests that want the result in this process; pages use ``tasks.ensure_alignment``.
    Returns a row that is done, failed, or running elsewhere.
    """
    articles = versions_of(story) if articles is None else list(articles)
    key = alignment_key(articles)
    stored = find_alignment(story, key)
    if stored is not None and stored.status == StoredAlignment.Status.DONE:
        return stored
    stored, mine = claim_alignment(story, key, pair_count(articles))
    if not mine:
        return stored
    return compute(stored, articles)


# Decoding a stored result costs more than rendering it, and a key always means the same
# result, so a few decoded results are kept in memory.
_DECODED: OrderedDict[str, StoryAlignment] = OrderedDict()
_DECODED_MAX = 16
_DECODED_LOCK = threading.Lock()


def load_alignment(stored: StoredAlignment, articles: Sequence[Article] | None = None) -> StoryAlignment:
    """The stored comparison, with the likely source the dates of ``articles`` name (``dated``);
    without them, as stored (named from the texts and the dates they had when it was computed)."""
    alignment = _decoded(stored)
    return alignment if articles is None else dated(alignment, articles)


def dated(alignment: StoryAlignment, articles: Sequence[Article]) -> StoryAlignment:
    """The alignment with the likely source the versions' current dates name, when two versions
    come almost as close to being it (``estimate_source``). Applied when a comparison is read,
    not stored with it: a date is edited far more often than a text, and a new date must not
    make the story align again (dates are not part of ``alignment_key``)."""
    published = Article.published_dates(articles)
    if not any(published.values()):
        return alignment  # stored from the texts alone (``estimate_source``)
    estimate = likely_source(alignment, published=published).estimate
    return alignment if estimate == alignment.source else replace(alignment, source=estimate)


def _decoded(stored: StoredAlignment) -> StoryAlignment:
    with _DECODED_LOCK:
        found = _DECODED.get(stored.key)
        if found is not None:
            _DECODED.move_to_end(stored.key)
            return found
    alignment = story_from_dict(stored.data or {})
    with _DECODED_LOCK:
        _DECODED[stored.key] = alignment
        while len(_DECODED) > _DECODED_MAX:
            _DECODED.popitem(last=False)
    return alignment
