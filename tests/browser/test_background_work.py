"""Background work in a real browser: an import by web address waits on its progress page, which
polls itself under our CSP and opens the story when the worker is done; a long trace likewise."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from pages_server import serve

from articles.jobs import import_task
from articles.models import Article, ImportJob, Story
from compare.models import TraceJob
from compare.trace.jobs import trace_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "harbour-ferry-timetable-42"
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def worker_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True


def log_in(page, live_server, django_user_model, next_path: str) -> None:
    django_user_model.objects.create_user("teacher", password=PASSWORD)
    page.add_init_script(LISTEN)
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_import_by_web_address_shows_its_progress_then_opens_the_story(
    page, live_server, django_user_model, worker_queue
):
    log_in(page, live_server, django_user_model, "/stories/new/")
    page.wait_for_selector("h1:text('Add a story')")
    with serve() as base:
        page.get_by_label("Title of the story").fill("Bridge by the web")
        page.get_by_label("Web addresses").fill(f"{base}/article")
        page.get_by_role("button", name="Add the story").click()
        page.wait_for_selector("#import-progress")
        assert "/imports/" in page.url
        assert "Waiting for its turn" in page.locator("#import-progress").inner_text()

        assert import_task.call(ImportJob.objects.get().pk) == "done"  # what db_worker does

    story = Story.objects.get(title="Bridge by the web")
    page.wait_for_url(f"**{story.get_absolute_url()}", timeout=15_000)  # the page polled and moved on
    assert "Added 1 version" in page.content()
    assert page.evaluate("window.__violations") == []


def test_a_long_trace_shows_that_it_runs_then_its_result(page, live_server, django_user_model, worker_queue, settings):
    settings.VERSUS_TRACE_MAX_CHARACTERS = 300  # the text below is longer: traced by the worker
    call_command("load_demo", verbosity=0)
    agency = Article.objects.get(outlet="Northwire Press Agency", story__title__icontains="swing bridge")
    log_in(page, live_server, django_user_model, "/trace/")
    page.wait_for_selector("h1:text('Trace a text')")
    page.get_by_label("The text to trace").fill("\n\n".join(agency.text.split("\n\n")[1:5]))
    page.get_by_role("button", name="Trace the text").click()
    page.wait_for_selector("#trace-job")
    assert "/trace/jobs/" in page.url

    assert trace_task.call(TraceJob.objects.get().pk) == "done"

    page.wait_for_selector("#trace-summary", timeout=15_000)  # swapped in by the page's own polling
    assert "Northwire Press Agency" in page.locator("ol.sources > li").first.inner_text()
    assert page.evaluate("window.__violations") == []
