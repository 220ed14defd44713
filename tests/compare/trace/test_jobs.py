"""Texts longer than one request traces go to the background worker (logged-in users)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from library_texts import NEW_PASSAGE, OBSERVATORY, ORCHARD, paragraphs

from articles.access import visible_articles
from articles.models import Article, Story
from articles.services import ArticleInput, create_story, set_visibility
from compare.models import TraceJob
from compare.trace.jobs import MAX_ACTIVE_PER_OWNER, queue_trace, trace_task
from compare.trace.service import result_from_dict, result_to_dict, trace_text

pytestmark = pytest.mark.django_db

TRACE = "/trace/"


@pytest.fixture
def teacher():
    return get_user_model().objects.create_user("teacher")


@pytest.fixture
def library() -> dict[str, Article]:
    orchard = create_story("Orchard", [ArticleInput(text=ORCHARD, outlet="Marrowfield Gazette")])
    sky = create_story("Observatory", [ArticleInput(text=OBSERVATORY, outlet="Cragmoor Courier")])
    return {"orchard": orchard.versions.get(), "sky": sky.versions.get()}


def test_a_trace_asked_for_in_a_transaction_that_rolls_back_is_never_queued(
    teacher, enqueued_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        queue_trace(teacher, long_text(), {})
        raise RuntimeError("the request failed after asking")
    assert enqueued_tasks == [] and not TraceJob.objects.exists()


def long_text() -> str:
    return "\n\n".join(paragraphs(ORCHARD)[1:4] + paragraphs(OBSERVATORY)[2:3] + [NEW_PASSAGE])


@pytest.fixture
def small_request_cap(settings):
    settings.VERSUS_TRACE_MAX_CHARACTERS = 300  # the text above is longer: it goes to the worker


def test_a_long_text_is_traced_by_the_worker_and_its_page_shows_the_result(client, teacher, library, settings):
    settings.VERSUS_TRACE_MAX_CHARACTERS = 300
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(teacher)
    response = client.post(TRACE, {"text": long_text()})
    job = TraceJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()

    waiting = client.get(job.get_absolute_url())
    assert "traced in the background" in waiting.content.decode()
    assert waiting.context["asked"].text == long_text()
    polled = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert 'id="trace-result"' in polled.content.decode() and "<html" not in polled.content.decode()

    assert trace_task.call(job.pk) == "done"
    done = client.get(job.get_absolute_url())
    rows = done.context["rows"]
    assert [row.article for row in rows] == [library["orchard"], library["sky"]]
    direct = trace_text(long_text(), articles=visible_articles(teacher), max_characters=10**6)
    assert [round(row.source.share, 6) for row in rows] == [round(s.share, 6) for s in direct.sources]
    assert done.context["traced_percent"] == round(100 * direct.traced_share)


@pytest.mark.django_db(transaction=True)
def test_with_the_immediate_backend_the_result_is_there_at_once(client, teacher, library, small_request_cap):
    client.force_login(teacher)
    response = client.post(TRACE, {"text": long_text()}, follow=True)
    assert [row.article for row in response.context["rows"]] == [library["orchard"], library["sky"]]


def test_htmx_is_sent_to_the_jobs_page(client, teacher, library, small_request_cap):
    client.force_login(teacher)
    response = client.post(TRACE, {"text": long_text()}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == TraceJob.objects.get().get_absolute_url()


def test_a_visitor_without_an_account_is_told_to_log_in_for_a_long_text(client, library, small_request_cap):
    response = client.post(TRACE, {"text": long_text()})
    assert response.status_code == 413
    assert "Logged in, you can trace texts up to an article" in response.content.decode()
    assert not TraceJob.objects.exists()


def test_an_account_with_three_traces_waiting_is_asked_to_wait_for_one(client, teacher, library, small_request_cap):
    for _ in range(MAX_ACTIVE_PER_OWNER):
        TraceJob.objects.create(owner=teacher, text=long_text())  # queued, never run here
    client.force_login(teacher)
    response = client.post(TRACE, {"text": long_text()})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "already has 3 traces waiting or running" in response.content.decode()
    assert response.context["asked"].text == long_text()  # the text is kept in the form
    assert TraceJob.objects.count() == MAX_ACTIVE_PER_OWNER


def test_a_trace_job_is_its_owners_only(client, teacher, library):
    job = TraceJob.objects.create(owner=teacher, text=long_text())
    assert client.get(job.get_absolute_url()).status_code == 302  # to the login page
    client.force_login(get_user_model().objects.create_user("other"))
    assert client.get(job.get_absolute_url()).status_code == 404


def test_a_stored_result_never_shows_a_source_the_viewer_may_no_longer_see(teacher, library):
    result = trace_text(long_text(), articles=visible_articles(teacher))
    data = result_to_dict(result)
    again = result_from_dict(data, visible_articles(teacher))
    assert [s.article for s in again.sources] == [s.article for s in result.sources]
    assert again.segments == result.segments and again.traced_share == pytest.approx(result.traced_share)
    set_visibility(Story.objects.get(title="Observatory"), Story.Visibility.PRIVATE)  # owned by nobody now
    later = result_from_dict(data, visible_articles(teacher))
    assert [s.article for s in later.sources] == [library["orchard"]]
    assert later.traced_share < result.traced_share
