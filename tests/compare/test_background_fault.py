"""A worker killed in the middle of an alignment: restarted, it finishes the job, and the story
shows the right result, computed once, with nothing lost, half-written or duplicated.

Real everything: the test database (a file on SQLite, test_<name> on Postgres), real
``manage.py db_worker`` processes killed with SIGKILL, and the story page through the test
client, whose visits are what notice the dead worker and queue the work again.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles.services import ArticleInput, create_story
from compare import services, tasks
from compare.engine import align_story, story_to_dict
from compare.models import StoredAlignment
from tests.conftest import REPO

pytestmark = pytest.mark.django_db(transaction=True)

PLACES = ["Millbrook", "Harrow Fen", "Tallis Cross", "Upper Wend", "Caddon", "Brightwater", "Oakhollow", "Fennick"]
PEOPLE = ["Edna Pruitt", "Joss Calder", "Mira Oduya", "Tomas Vell", "Ada Brennock", "Rhys Talgarth"]
THINGS = ["ferry", "library", "bridge", "school", "market", "bus route", "clinic", "harbour wall", "park", "mill"]
EVENTS = ["will close", "reopened", "was repaired", "needs money", "was praised", "drew crowds", "was flooded"]
# Short, so that the test need not wait long for the dead worker to be noticed.
STALE_SECONDS = 3


def sentence(rng: random.Random, day: int) -> str:
    return (
        f"The {rng.choice(THINGS)} in {rng.choice(PLACES)} {rng.choice(EVENTS)} on day {day}, "
        f"{rng.choice(PEOPLE)} said, adding that {rng.randint(2, 900)} residents had written to the council."
    )


def many_versions(versions: int, sentences: int) -> list[str]:
    """Long fictional versions of one story: each drops, rewords and adds a few sentences.

    Long enough (about 50 kB each) that aligning them takes seconds, time to kill a worker.
    """
    rng = random.Random(7)
    base = [sentence(rng, day) for day in range(sentences)]
    texts = []
    for version in range(versions):
        edits = random.Random(700 + version)
        kept: list[str] = []
        for line in base:
            roll = edits.random()
            if roll < 0.1:
                continue
            if roll < 0.3:
                line = line.replace("said", "told reporters").replace("residents", "people")
            kept.append(line)
            if roll > 0.95:
                kept.append(sentence(edits, 1000 + len(kept)))
        texts.append("\n\n".join(" ".join(kept[i : i + 4]) for i in range(0, len(kept), 4)))
    return texts


def database_url() -> str:
    """The test database as a DATABASE_URL, for the worker processes."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def database_tasks(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.VERSUS_ALIGN_STALE_SECONDS = STALE_SECONDS


@pytest.fixture
def start_worker(artifacts_dir: Path) -> Iterator[Callable[[str], subprocess.Popen]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "VERSUS_TASKS_BACKEND": "database",
        "VERSUS_ALIGN_STALE_SECONDS": str(STALE_SECONDS),
        "DEBUG": "1",
    }
    started: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        log = open(artifacts_dir / f"fault-{name}.log", "w")  # noqa: SIM115 - closed with the process
        command = [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"]
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        process.log_path = log.name  # type: ignore[attr-defined]
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def wait_for(what: str, condition: Callable[[], bool], seconds: float, worker: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"the worker stopped (exit {worker.returncode}) before {what}: see {worker.log_path}")
        time.sleep(0.05)
    log = f"; worker log: {worker.log_path}" if worker is not None else ""
    pytest.fail(f"gave up after {seconds:.0f} s waiting for {what}{log}")


def test_a_worker_killed_mid_alignment_is_replaced_and_the_story_shows_the_right_result(
    client, database_tasks, start_worker
):
    texts = many_versions(versions=6, sentences=350)
    story = create_story(
        "Valley towns and their council", [ArticleInput(text=t, outlet=f"Outlet {i}") for i, t in enumerate(texts)]
    )
    url = reverse("compare:story", args=[story.slug])
    articles = services.versions_of(story)
    key = services.alignment_key(articles)

    def row() -> StoredAlignment:
        return StoredAlignment.objects.get(story=story, key=key)

    # The first visit queues the task and shows the progress; more visits queue nothing more.
    page = client.get(url)
    assert "Comparing the versions" in page.content.decode()
    client.get(url, headers={"HX-Request": "true"})
    assert DBTaskResult.objects.count() == 1
    assert row().status == StoredAlignment.Status.PENDING

    first = start_worker("first")

    def first_progress() -> bool:
        finished = DBTaskResult.objects.filter(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED])
        if finished.exists():
            # E.g. the engine's source changed under the test (its version is in the key).
            pytest.fail(f"the worker finished the task before it could be killed: {finished.get().return_value!r}")
        current = row()
        return current.status == StoredAlignment.Status.RUNNING and current.progress_done >= 1

    wait_for("the first worker to report progress", first_progress, seconds=90, worker=first)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)

    killed = row()
    assert killed.status == StoredAlignment.Status.RUNNING, "the worker finished before it could be killed"
    assert killed.progress_done < killed.progress_total
    assert killed.data is None  # nothing half-written
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING  # the queue still believes it runs

    # Within the stale delay a visit takes the silence for work in progress.
    client.get(url, headers={"HX-Request": "true"})
    assert DBTaskResult.objects.count() == 1

    # Once the heartbeat is overdue, the next poll of the page queues the work again.
    def requeued() -> bool:
        client.get(url, headers={"HX-Request": "true"})
        return DBTaskResult.objects.count() == 2

    wait_for("a page visit to queue the alignment again", requeued, seconds=STALE_SECONDS + 30)
    lost = DBTaskResult.objects.order_by("enqueued_at").first()
    assert lost.status == TaskResultStatus.FAILED and lost.exception_class_path == tasks.WORKER_LOST

    second = start_worker("second")
    wait_for("the second worker to finish", lambda: row().status == StoredAlignment.Status.DONE, 120, second)
    second.send_signal(signal.SIGTERM)
    second.wait(timeout=30)

    # One result for the key, from the second attempt, exactly what the engine says in-process.
    assert StoredAlignment.objects.filter(story=story).count() == 1
    done = row()
    assert done.attempt == 2
    # Read back: the workers stored each version's sentence vectors, and the engine takes them from there.
    expected = story_to_dict(align_story(services.documents_for(services.versions_of(story))))
    assert done.mode == "semantic"
    assert done.data == json.loads(json.dumps(expected))
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == sorted([TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL])

    # The page shows the comparison, and showing it queues nothing more.
    shown = client.get(url).content.decode()
    assert "Comparing the versions" not in shown
    assert "What each version shares" in shown
    for number in range(len(texts)):
        assert f'<span class="version-name">Outlet {number}</span>' in shown
    assert DBTaskResult.objects.count() == 2
