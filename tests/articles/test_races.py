"""Races closed by the database: simultaneous requests cannot pass the version limit or share a slug.

Run for real on Postgres (row locks, unique constraint) and on SQLite (whose writing
transactions are serialised): several threads, each with its own database connection,
start together at a barrier.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from articles.models import Story
from articles.services import ArticleInput, IngestError, add_articles, create_story

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "The harbour council met on {n} and agreed that the swing bridge would be repaired by the spring."


def text(n: int) -> str:
    return BASE.format(n=f"day {n}") + f" Version number {n} says more about the ferry timetable."


def all_at_once(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` in ``count`` threads released together; their results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - what each thread met is the result
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_simultaneous_additions_never_pass_the_version_limit(settings):
    settings.VERSUS_MAX_VERSIONS_PER_STORY = 12
    story = create_story("Bridge", [ArticleInput(text=text(n)) for n in range(10)])

    results = all_at_once(6, lambda i: add_articles(Story.objects.get(pk=story.pk), [ArticleInput(text=text(100 + i))]))

    added = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, IngestError)]
    assert len(added) == 2 and len(refused) == 4, results
    assert "at most 12 versions" in str(refused[0])
    assert story.versions.count() == 12
    positions = list(story.versions.values_list("position", flat=True))
    assert len(set(positions)) == 12


def test_simultaneous_stories_with_the_same_title_get_distinct_slugs():
    results = all_at_once(6, lambda i: create_story("Harbour bridge stuck", [ArticleInput(text=text(i))]))

    assert all(isinstance(r, Story) for r in results), results
    slugs = sorted(s.slug for s in results)
    assert len(set(slugs)) == 6
    assert "harbour-bridge-stuck" in slugs
