"""The alignment task and its queue: one task per set of versions, lost ones queued again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles.services import ArticleInput, add_article, create_story
from compare import services, tasks
from compare.models import StoredAlignment

pytestmark = pytest.mark.django_db

AGENCY = (
    "The Millbrook ferry will stop running on Sunday after forty years, the council said on Tuesday.\n\n"
    "Councillor Edna Pruitt said the boat needed repairs costing 80,000 pounds."
)
REPRINT = (
    "The Millbrook ferry will stop running on Sunday after 40 years, the council said on Tuesday.\n\n"
    "Councillor Edna Pruitt said the boat needed repairs costing 90,000 pounds. Passengers were sad."
)


@pytest.fixture
def story():
    return create_story(
        "Millbrook ferry to stop",
        [ArticleInput(text=AGENCY, outlet="Valley Wire"), ArticleInput(text=REPRINT, outlet="Millbrook Echo")],
    )


@pytest.fixture
def database_queue(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def key_of(story) -> str:
    return services.alignment_key(services.versions_of(story))


def make_stale(stored: StoredAlignment) -> None:
    long_ago = timezone.now() - services.stale_after() - timedelta(seconds=1)
    StoredAlignment.objects.filter(pk=stored.pk).update(updated_at=long_ago)


def test_the_task_computes_and_stores_the_alignment(story):
    assert tasks.align_story_task.call(story.pk, key_of(story)) == StoredAlignment.Status.DONE
    stored = StoredAlignment.objects.get(story=story)
    assert stored.status == StoredAlignment.Status.DONE
    assert stored.data is not None and stored.attempt == 1


def test_the_task_leaves_a_set_of_versions_that_changed_since_it_was_queued(story):
    old_key = key_of(story)
    add_article(story, ArticleInput(text=AGENCY + " The last crossing is at noon.", outlet="Radio Mill"))
    assert "changed" in tasks.align_story_task.call(story.pk, old_key)
    assert not StoredAlignment.objects.filter(story=story, key=old_key, status=StoredAlignment.Status.DONE).exists()


def test_the_task_does_not_compute_what_another_worker_is_computing(story):
    running, _ = services.claim_alignment(story, key_of(story), total=1)
    assert "nothing to do" in tasks.align_story_task.call(story.pk, key_of(story))
    running.refresh_from_db()
    assert running.status == StoredAlignment.Status.RUNNING and running.attempt == 1


def test_with_a_worker_the_page_queues_one_task_and_polls_its_progress(
    client, story, database_queue, django_capture_on_commit_callbacks
):
    url = reverse("compare:story", args=[story.slug])
    with django_capture_on_commit_callbacks(execute=True):  # the request's transaction commits
        page = client.get(url).content.decode()
    again = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Comparing the versions" in page and 'hx-trigger="every 1s"' in again
    assert "Waiting for its turn" in again
    assert DBTaskResult.objects.count() == 1
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY
    assert StoredAlignment.objects.get(story=story).task_id == str(queued.id)


def test_a_task_still_waiting_in_the_queue_is_not_queued_twice_however_long_it_waits(
    client, story, database_queue, django_capture_on_commit_callbacks
):
    url = reverse("compare:story", args=[story.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    make_stale(StoredAlignment.objects.get(story=story))
    with django_capture_on_commit_callbacks(execute=True) as queued_again:
        client.get(url)
    assert not queued_again
    assert DBTaskResult.objects.count() == 1


def test_a_task_whose_worker_went_silent_is_marked_lost_and_queued_again(
    client, story, database_queue, django_capture_on_commit_callbacks
):
    url = reverse("compare:story", args=[story.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    lost = DBTaskResult.objects.get()
    lost.claim("a-worker-that-will-die")
    services.claim_alignment(story, key_of(story), total=1)  # what that worker did before dying
    make_stale(StoredAlignment.objects.get(story=story))
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED and lost.exception_class_path == tasks.WORKER_LOST
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    assert StoredAlignment.objects.get(story=story).status == StoredAlignment.Status.PENDING


def test_the_task_is_queued_only_once_the_transaction_that_asked_for_it_commits(
    story, enqueued_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        stored = tasks.ensure_alignment(story)
        assert stored.status == StoredAlignment.Status.PENDING and enqueued_tasks == []
    assert enqueued_tasks == ["compare.tasks.align_story_task"]
    assert StoredAlignment.objects.get(story=story).status == StoredAlignment.Status.DONE


def test_nothing_is_queued_when_the_transaction_that_asked_rolls_back(
    story, enqueued_tasks, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tasks.ensure_alignment(story)
        raise RuntimeError("the request failed after asking")
    assert callbacks == [] and enqueued_tasks == []
    assert not StoredAlignment.objects.filter(story=story).exists()


def demo_story(name: str = "hollin-vale-library"):
    """A real-sized story: the fictional demo versions, stored as any upload."""
    from articles.management.commands.load_demo import read_demo_stories

    demo = next(d for d in read_demo_stories() if d.folder == name)
    return create_story(demo.title, [v.as_input() for v in demo.versions])


@pytest.mark.django_db(transaction=True)
def test_the_task_stores_each_versions_vectors_and_aligns_with_them_as_an_in_process_run_does():
    import json

    from compare.engine import Document, align_story, embed, story_to_dict

    story = demo_story()
    stored = tasks.ensure_alignment(story)  # the immediate backend runs the task here
    assert stored.status == StoredAlignment.Status.DONE
    assert stored.mode == "semantic"
    articles = list(story.versions.order_by("position", "id"))
    assert all(article.has_current_vectors() for article in articles)

    # The same versions aligned in this process, their vectors computed here, not read back.
    plain = [Document(str(a.pk), a.text, tuple((s, e) for s, e, *_ in a.junk_spans)) for a in articles]
    in_process = story_to_dict(align_story(embed.with_vectors(plain)))
    assert StoredAlignment.objects.get(pk=stored.pk).data == json.loads(json.dumps(in_process))


def test_the_next_alignment_of_the_story_reuses_the_stored_vectors(story):
    services.get_or_compute(story)
    keys = dict(story.versions.values_list("pk", "vectors_key"))
    vectors = dict(story.versions.values_list("pk", "vectors"))
    added = add_article(story, ArticleInput(text=AGENCY + " The last crossing is at noon.", outlet="Radio Mill"))
    assert services.get_or_compute(story).mode == "semantic"
    for pk, key in keys.items():
        article = story.versions.get(pk=pk)
        assert article.vectors_key == key and bytes(article.vectors) == bytes(vectors[pk])
    added.refresh_from_db()
    assert added.has_current_vectors()
