"""Web pages and large uploads are brought in by the background worker, with a page showing progress."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pages_server import serve

from articles.jobs import import_task
from articles.models import ImportFile, ImportJob, Story
from articles.services import ArticleInput, create_story

pytestmark = pytest.mark.django_db

HARBOUR = (
    "The old swing bridge over the harbour mouth stayed open on Tuesday after a motor failed.\n\n"
    "Commuters queued for the foot ferry, which the council said would run every ten minutes."
)


@pytest.fixture
def teacher(django_user_model):
    return django_user_model.objects.create_user("teacher")


@pytest.fixture
def client(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def worker_queue(settings):
    """Production's set-up: tasks wait in the database for ``manage.py db_worker``."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True
    settings.VERSUS_URL_IMPORT_TIMEOUT = 2.0


def test_web_addresses_are_fetched_by_the_worker_and_the_page_shows_progress_then_the_story(client, worker_queue):
    with serve() as base:
        response = client.post(
            reverse("articles:story_new"),
            {"title": "Harbour bridge", "notes": "for class", "text": HARBOUR, "urls": f"{base}/article"},
        )
        job = ImportJob.objects.get()
        assert response.status_code == 302 and response.url == job.get_absolute_url()
        assert not Story.objects.exists()  # nothing fetched inside the request

        page = client.get(job.get_absolute_url())
        assert page.status_code == 200
        assert "Waiting for its turn" in page.content.decode()
        fragment = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
        assert 'id="import-progress"' in fragment.content.decode() and "<html" not in fragment.content.decode()

        assert import_task.call(job.pk) == "done"  # what the worker does

    done = client.get(job.get_absolute_url())
    story = Story.objects.get()
    assert done.status_code == 302 and done.url == story.get_absolute_url()
    assert story.title == "Harbour bridge" and story.owner.username == "teacher"
    assert story.versions.count() == 2
    assert "Added 2 versions" in client.get(story.get_absolute_url()).content.decode()
    htmx = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == story.get_absolute_url()


def test_a_failed_job_gives_the_form_back_with_everything_typed_and_saves_nothing(client, worker_queue):
    with serve() as base:
        client.post(
            reverse("articles:story_new"),
            {"title": "Harbour bridge", "notes": "for class", "text": HARBOUR, "urls": f"{base}/image"},
        )
        job = ImportJob.objects.get()
        assert import_task.call(job.pk) == "failed"
    page = client.get(job.get_absolute_url())
    html = page.content.decode()
    assert "not a web page" in html and "Nothing was saved." in html
    assert "Harbour bridge" in html and "for class" in html
    assert "The old swing bridge over the harbour mouth" in html
    assert f"{base}/image" in html
    assert not Story.objects.exists()


def test_a_large_upload_is_read_by_the_worker_and_its_bytes_are_dropped_afterwards(
    client, worker_queue, settings, teacher
):
    settings.VERSUS_SYNC_INGEST_BYTES = 100
    story = create_story("Harbour", [ArticleInput(text=HARBOUR)], owner=teacher)
    page = (
        "<html><body><article><p>"
        + "The ferry ran late again on Wednesday morning. " * 40
        + "</p></article></body></html>"
    )
    response = client.post(
        reverse("articles:version_add", args=[story.slug]),
        {"files": [SimpleUploadedFile("radio.html", page.encode())]},
    )
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url()
    assert ImportFile.objects.filter(job=job).count() == 1
    assert story.versions.count() == 1
    import_task.call(job.pk)
    assert story.versions.count() == 2
    assert not ImportFile.objects.exists()
    assert client.get(job.get_absolute_url()).url == story.get_absolute_url()


def test_someone_elses_import_is_not_found(client, worker_queue, django_user_model):
    other = django_user_model.objects.create_user("other")
    job = ImportJob.objects.create(owner=other, title="Theirs")
    assert client.get(job.get_absolute_url()).status_code == 404


def test_a_job_whose_worker_died_says_so_and_gives_the_form_back(client, worker_queue, teacher, settings):
    job = ImportJob.objects.create(
        owner=teacher, title="Harbour bridge", status=ImportJob.Status.RUNNING, urls=["https://example.org/a"]
    )
    ImportJob.objects.filter(pk=job.pk).update(updated_at="2020-01-01T00:00:00Z")
    html = client.get(job.get_absolute_url()).content.decode()
    assert "the worker was restarted" in html and "https://example.org/a" in html


@pytest.mark.django_db(transaction=True)
def test_with_the_immediate_backend_the_story_opens_at_once(client, settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True
    with serve() as base:
        response = client.post(reverse("articles:story_new"), {"title": "Harbour bridge", "urls": f"{base}/article"})
    story = Story.objects.get()
    assert response.url == story.get_absolute_url()
    assert ImportJob.objects.get().status == ImportJob.Status.DONE


REWRITE = "A broken motor left the harbour's swing bridge open for a second day, the council said on Wednesday."


def test_several_pasted_versions_go_to_the_worker_together_and_come_back_typed_if_it_fails(client, worker_queue):
    with serve() as base:
        client.post(
            reverse("articles:story_new"),
            {"title": "Harbour bridge", "text": HARBOUR, "text_2": REWRITE, "outlet_2": "Post", "urls": f"{base}/gone"},
        )
        job = ImportJob.objects.get()
        assert job.progress_total == 3
        assert [pasted["outlet"] for pasted in job.pasted] == ["", "Post"]
        assert import_task.call(job.pk) == "failed"
    html = client.get(job.get_absolute_url()).content.decode()
    assert "A broken motor left the harbour&#x27;s swing bridge" in html and 'value="Post"' in html
    assert 'name="outlet_2"' in html and not Story.objects.exists()


def test_a_job_queued_with_one_pasted_version_before_the_paste_boxes_still_runs(teacher):
    job = ImportJob.objects.create(
        owner=teacher, new_story=True, title="Harbour", pasted={"text": HARBOUR, "outlet": "Gazette"}, progress_total=1
    )
    assert import_task.call(job.pk) == "done"
    assert Story.objects.get().versions.get().outlet == "Gazette"


def test_a_version_pasted_without_a_headline_keeps_its_first_line_as_headline_through_the_worker(
    client, worker_queue, settings
):
    settings.VERSUS_SYNC_INGEST_BYTES = 10
    lantern = "Lantern festival moves to the quay\n\nThe town's lantern festival will be held on the quay this year."
    client.post(reverse("articles:story_new"), {"title": "Lantern", "text": lantern, "text_2": REWRITE})
    job = ImportJob.objects.get()
    assert import_task.call(job.pk) == "done"
    first, second = Story.objects.get().versions.all()
    assert first.headline == "Lantern festival moves to the quay" and first.text == lantern
    assert second.headline == REWRITE
