"""Stored alignments: compute a story's alignment once, keep it, and recompute only when needed.

The result of the engine for a story is stored under a key made of its versions (ids and
content hashes) and the engine version. A page visit looks the key up; when a version is
added, changed or removed, or the engine changes, the key changes and the story is aligned
again. Old results of the story are deleted when a new one is stored.

The computation runs in the request that finds no result (synchronously). While it runs it
writes its progress to the row, so other visitors of the same story see "computing… n of m"
instead of starting a second computation.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from articles.models import Article, Story
from compare.engine.types import Document, StoryAlignment

from .models import StoredAlignment

# A row left "running" by a process that died is taken over after this long without progress.
STALE_AFTER = timedelta(seconds=getattr(settings, "VERSUS_ALIGN_STALE_SECONDS", 120))


def engine_version() -> str:
    from compare import engine

    return str(getattr(engine, "ENGINE_VERSION", "0"))


def versions_of(story: Story) -> list[Article]:
    return list(story.versions.order_by("position", "id"))


def documents_for(articles: Sequence[Article]) -> list[Document]:
    return [
        Document(id=str(article.pk), text=article.text, junk=tuple((s, e) for s, e, *_ in article.junk_spans))
        for article in articles
    ]


def alignment_key(articles: Sequence[Article]) -> str:
    """Same versions with the same texts and the same engine: same key, whatever the order."""
    parts = sorted((article.pk, article.content_hash) for article in articles)
    payload = repr((parts, engine_version())).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def find_alignment(story: Story, key: str) -> StoredAlignment | None:
    # The result itself is large; it is read only when it is not already decoded in memory.
    return StoredAlignment.objects.filter(story=story, key=key).defer("data").first()


@transaction.atomic
def claim_alignment(story: Story, key: str, total: int) -> tuple[StoredAlignment, bool]:
    """Mark the alignment for ``key`` as running; False when someone else is already at it."""
    stored = StoredAlignment.objects.select_for_update().filter(story=story, key=key).first()
    now = timezone.now()
    if stored is None:
        try:
            with transaction.atomic():
                stored = StoredAlignment.objects.create(
                    story=story,
                    key=key,
                    engine_version=engine_version(),
                    status=StoredAlignment.Status.RUNNING,
                    progress_total=total,
                )
        except IntegrityError:
            return StoredAlignment.objects.get(story=story, key=key), False
        return stored, True
    # A running row is someone else's work in progress; a failed one is shown for a while rather
    # than retried on every visit. Either is taken over once it is stale.
    recent = now - stored.updated_at < STALE_AFTER
    busy_or_failed = stored.status in (StoredAlignment.Status.RUNNING, StoredAlignment.Status.FAILED) and recent
    if stored.status == StoredAlignment.Status.DONE or busy_or_failed:
        return stored, False
    stored.status = StoredAlignment.Status.RUNNING
    stored.progress_done, stored.progress_total, stored.error = 0, total, ""
    stored.save()
    return stored, True


def record_progress(stored: StoredAlignment, done: int, total: int) -> None:
    StoredAlignment.objects.filter(pk=stored.pk).update(
        progress_done=done, progress_total=total, updated_at=timezone.now()
    )


@transaction.atomic
def store_result(stored: StoredAlignment, data: dict, seconds: float) -> StoredAlignment:
    stored.data = data
    stored.status = StoredAlignment.Status.DONE
    stored.progress_done = stored.progress_total
    stored.seconds = seconds
    stored.error = ""
    stored.save()
    # Results for older sets of versions can never be shown again.
    StoredAlignment.objects.filter(story_id=stored.story_id).exclude(pk=stored.pk).delete()
    return stored


@transaction.atomic
def record_failure(stored: StoredAlignment, error: str) -> StoredAlignment:
    stored.status = StoredAlignment.Status.FAILED
    stored.error = error[:2000]
    stored.save()
    return stored


def compute(stored: StoredAlignment, articles: Sequence[Article]) -> StoredAlignment:
    """Run the engine for a claimed row and store what it says (or that it failed)."""
    from compare.engine.serialize import story_to_dict
    from compare.engine.story import align_story

    def on_progress(done: int, total: int) -> None:
        record_progress(stored, done, total)

    started = time.perf_counter()
    try:
        alignment = align_story(documents_for(articles), on_progress=on_progress)
        data = story_to_dict(alignment)
    except Exception as error:  # noqa: BLE001 - any engine failure is shown to the reader, not a 500
        return record_failure(stored, f"{type(error).__name__}: {error}")
    return store_result(stored, data, time.perf_counter() - started)


def pair_count(articles: Sequence[Article]) -> int:
    n = len(articles)
    return n * (n - 1) // 2


def get_or_compute(story: Story, articles: Sequence[Article] | None = None) -> StoredAlignment:
    """The stored alignment for the story's current versions, computing it here if there is none.

    Returns a row that is done, failed, or running in another request (show its progress).
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


def start_in_background(story: Story) -> StoredAlignment:
    """Claim the alignment and compute it in a thread; the page polls the row for progress.

    Used when ``settings.VERSUS_ALIGN_IN_BACKGROUND`` is on. A thread in the web process is a
    stop-gap until the work moves to a task queue.
    """
    articles = versions_of(story)
    key = alignment_key(articles)
    stored = find_alignment(story, key)
    if stored is not None and stored.status == StoredAlignment.Status.DONE:
        return stored
    stored, mine = claim_alignment(story, key, pair_count(articles))
    if mine:

        def work() -> None:
            try:
                compute(stored, articles)
            finally:
                close_old_connections()

        threading.Thread(target=work, name=f"align-story-{story.pk}", daemon=True).start()
    return stored


# Decoding a stored result costs more than rendering it, and a key always means the same
# result, so a few decoded results are kept in memory.
_DECODED: OrderedDict[str, StoryAlignment] = OrderedDict()
_DECODED_MAX = 16
_DECODED_LOCK = threading.Lock()


def load_alignment(stored: StoredAlignment) -> StoryAlignment:
    from compare.engine.serialize import story_from_dict

    with _DECODED_LOCK:
        found = _DECODED.get(stored.key)
        if found is not None:
            _DECODED.move_to_end(stored.key)
            return found
    alignment = story_from_dict(stored.data)
    with _DECODED_LOCK:
        _DECODED[stored.key] = alignment
        while len(_DECODED) > _DECODED_MAX:
            _DECODED.popitem(last=False)
    return alignment
