"""Background traces through the API: a text longer than one request traces, queued for the token's account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from library_texts import FERRY, NEW_PASSAGE, OBSERVATORY, ORCHARD, paragraphs
from people import make_user

from accounts.tokens import create_api_token
from articles.models import Story
from articles.services import ArticleInput, create_story
from compare.models import TraceJob
from compare.trace.jobs import MAX_ACTIVE_PER_OWNER, trace_task

pytestmark = pytest.mark.django_db

JOBS = "/api/trace/jobs"


@pytest.fixture
def alice():
    return make_user("alice")


@pytest.fixture
def token(alice) -> str:
    return create_api_token(alice, "scripts")[1]


@pytest.fixture
def library(alice):
    public = create_story("Orchard", [ArticleInput(text=ORCHARD, outlet="Marrowfield Gazette")])
    private = create_story(
        "Ferry", [ArticleInput(text=FERRY, outlet="Bay Herald")], owner=alice, visibility=Story.Visibility.PRIVATE
    )
    others = create_story(
        "Observatory",
        [ArticleInput(text=OBSERVATORY, outlet="Cragmoor Courier")],
        owner=make_user("bob"),
        visibility=Story.Visibility.PRIVATE,
    )
    return {"orchard": public.versions.get(), "ferry": private.versions.get(), "sky": others.versions.get()}


@pytest.fixture
def worker_backend(settings):
    # Jobs wait for the worker (as in production), so each step can be looked at.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def long_text() -> str:
    return "\n\n".join(paragraphs(ORCHARD)[1:4] + paragraphs(FERRY)[1:3] + paragraphs(OBSERVATORY)[2:3] + [NEW_PASSAGE])


def test_a_text_too_long_for_one_request_is_traced_as_a_job_and_its_result_is_what_a_trace_answers(
    client, token, library, settings, worker_backend
):
    settings.VERSUS_TRACE_MAX_CHARACTERS = 300
    refused = client.post("/api/trace", {"text": long_text()}, content_type="application/json", headers=bearer(token))
    assert refused.status_code == 413
    assert "/api/trace/jobs" in refused.json()["error"]

    response = client.post(
        JOBS, {"text": long_text(), "limit": 5}, content_type="application/json", headers=bearer(token)
    )
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued" and job["result"] is None
    assert response["Location"] == job["url"] == f"{JOBS}/{job['token']}"
    waiting = client.get(job["url"], headers=bearer(token))
    assert waiting.json()["status"] == "queued" and int(waiting["Retry-After"]) > 0

    assert trace_task.call(TraceJob.objects.get().pk) == "done"
    done = client.get(job["url"], headers=bearer(token))
    assert done.status_code == 200 and "Retry-After" not in done
    body = done.json()
    assert body["status"] == "done" and body["problem"] == ""
    # Her own private story and the public one; never someone else's private story.
    found = [source["story"] for source in body["result"]["sources"]]
    assert sorted(found) == sorted([library["orchard"].story.slug, library["ferry"].story.slug])
    settings.VERSUS_TRACE_MAX_CHARACTERS = 100_000
    direct = client.post(
        "/api/trace", {"text": long_text(), "limit": 5}, content_type="application/json", headers=bearer(token)
    )
    assert body["result"] == direct.json()


def test_a_job_is_only_its_token_owners(client, token, library, worker_backend):
    response = client.post(JOBS, {"text": long_text()}, content_type="application/json", headers=bearer(token))
    url = response.json()["url"]
    assert client.get(url).status_code == 404  # no token
    other = create_api_token(make_user("carol"), "hers")[1]
    assert client.get(url, headers=bearer(other)).status_code == 404
    assert client.get(f"{JOBS}/not-a-token", headers=bearer(token)).status_code == 404


def test_a_job_needs_a_token(client, library):
    response = client.post(JOBS, {"text": long_text()}, content_type="application/json")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert "API token" in response.json()["error"]
    assert not TraceJob.objects.exists()


def test_the_schema_says_the_jobs_need_a_token_and_the_rest_does_not(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {} not in paths["/api/trace/jobs"]["post"]["security"]
    assert {} not in paths["/api/trace/jobs/{token}"]["get"]["security"]
    assert {} in paths["/api/trace"]["post"]["security"]


def test_an_account_may_have_only_a_few_traces_waiting_at_once(client, token, library, worker_backend):
    for _ in range(MAX_ACTIVE_PER_OWNER):
        assert (
            client.post(JOBS, {"text": long_text()}, content_type="application/json", headers=bearer(token)).status_code
            == 202
        )
    refused = client.post(JOBS, {"text": long_text()}, content_type="application/json", headers=bearer(token))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "already has 3 traces waiting or running" in refused.json()["error"]
    assert TraceJob.objects.count() == MAX_ACTIVE_PER_OWNER
    trace_task.call(TraceJob.objects.order_by("pk").first().pk)  # one is done: room again
    assert (
        client.post(JOBS, {"text": long_text()}, content_type="application/json", headers=bearer(token)).status_code
        == 202
    )


def test_a_trace_that_runs_longer_than_an_alignment_may_is_not_called_lost(client, token, alice, settings):
    # A trace says nothing while it works: within its budget it is running, not lost.
    job = TraceJob.objects.create(owner=alice, text=long_text(), status=TraceJob.Status.RUNNING)
    ninety_seconds_ago = timezone.now() - dt.timedelta(seconds=90)
    TraceJob.objects.filter(pk=job.pk).update(updated_at=ninety_seconds_ago)
    assert settings.VERSUS_ALIGN_STALE_SECONDS < 90 < settings.VERSUS_TRACE_BACKGROUND_SECONDS
    assert client.get(f"{JOBS}/{job.token}", headers=bearer(token)).json()["status"] == "running"
    long_ago = timezone.now() - dt.timedelta(seconds=settings.VERSUS_TRACE_BACKGROUND_SECONDS + 120)
    TraceJob.objects.filter(pk=job.pk).update(updated_at=long_ago)
    body = client.get(f"{JOBS}/{job.token}", headers=bearer(token)).json()
    assert body["status"] == "failed" and "worker was restarted" in body["problem"]


def test_a_token_with_a_nul_is_not_found(client, token):
    assert client.get(f"{JOBS}/abc%00def", headers=bearer(token)).status_code == 404


def test_a_text_longer_than_an_article_is_not_sent_to_the_jobs(client, token, library, settings):
    settings.VERSUS_MAX_ARTICLE_CHARACTERS = 500
    settings.VERSUS_TRACE_MAX_CHARACTERS = 300
    error = client.post("/api/trace", {"text": long_text()}, content_type="application/json").json()["error"]
    assert "more than the limit of 500 characters" in error and "/api/trace/jobs" not in error


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [("", 400, "There is no text to trace."), ("word " * 400, 413, "more than the limit of 1,000 characters")],
)
def test_a_job_that_could_never_be_traced_is_refused_at_once(client, token, library, settings, text, status, message):
    settings.VERSUS_MAX_ARTICLE_CHARACTERS = 1_000
    response = client.post(JOBS, {"text": text}, content_type="application/json", headers=bearer(token))
    assert response.status_code == status
    assert message in response.json()["error"]
    assert not TraceJob.objects.exists()


def test_a_failed_job_says_why(client, token, alice, worker_backend):
    job = TraceJob.objects.create(owner=alice, text=long_text())
    job.finish(TraceJob.Status.FAILED, problem="Tracing this text needed more than the 120 seconds.")
    body = client.get(f"{JOBS}/{job.token}", headers=bearer(token)).json()
    assert body["status"] == "failed" and body["result"] is None
    assert "120 seconds" in body["problem"]
