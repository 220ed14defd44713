"""Trace a text in a real browser: paste a demo article's paragraphs plus a new one, see the sources
ranked, make a story from them and land on its comparison. And the API's docs page under our CSP."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from articles.models import Article, Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "harbour-ferry-timetable-42"
NEW_PARAGRAPH = (
    "Our own reporter spoke to the lock keeper, who said the gulls on the old bridge have never been "
    "so quiet and that she will miss the sound of the bell every morning."
)
# Registered before any page script runs, so that no violation is missed.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def listen(page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    page.add_init_script(LISTEN)
    return messages


def test_a_teacher_traces_a_text_and_makes_a_story_from_it(page, live_server, artifacts_dir, django_user_model):
    call_command("load_demo", verbosity=0)
    django_user_model.objects.create_user("teacher", password=PASSWORD)
    agency = Article.objects.get(outlet="Northwire Press Agency", story__title__icontains="swing bridge")
    copied = agency.text.split("\n\n")[1:5]
    text = "\n\n".join([*copied, NEW_PARAGRAPH])
    messages = listen(page)

    page.goto(live_server.url + "/accounts/login/?next=/trace/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("h1:text('Trace a text')")
    page.get_by_role("link", name="Trace a text").click()  # the header's link
    page.get_by_label("The text to trace").fill(text)
    page.get_by_role("button", name="Trace the text").click()

    page.wait_for_selector("#trace-summary")
    assert page.url.endswith("/trace/")  # swapped in by htmx: no page load
    sources = page.locator("ol.sources > li")
    assert sources.count() >= 2
    first = sources.first.inner_text()
    assert "Northwire Press Agency" in first
    labels = page.locator(".source-share").all_inner_texts()
    shares = [int(s.removesuffix("% of your text found in it")) for s in labels]
    assert shares == sorted(shares, reverse=True) and shares[0] > 50
    summary = page.locator("#trace-summary").inner_text()
    assert "traced to the library" in summary and "new" in summary
    # The new paragraph is not marked; the copied passages are, each linked to its source.
    marked = page.locator(".traced-text a.traced").all_inner_texts()
    assert marked and not any("lock keeper" in m for m in marked)
    page.screenshot(path=str(artifacts_dir / "trace-1-result.png"), full_page=True)

    page.get_by_role("button", name="Make a story from this").click()
    page.wait_for_selector("text=was made with the traced text")
    story = Story.objects.get(owner__username="teacher")
    assert page.url.endswith(story.get_absolute_url())
    assert story.visibility == Story.Visibility.PRIVATE
    assert story.versions.count() == len(shares) + 1
    page.wait_for_selector("table.comparison")
    assert "The traced text" in page.locator("table.comparison thead").inner_text()
    page.screenshot(path=str(artifacts_dir / "trace-2-story.png"))

    assert page.evaluate("window.__violations") == []
    assert messages == []


def test_a_visitor_is_asked_to_log_in_to_make_a_story(page, live_server, artifacts_dir):
    call_command("load_demo", verbosity=0)
    agency = Article.objects.get(outlet="Northwire Press Agency", story__title__icontains="swing bridge")
    messages = listen(page)
    page.goto(live_server.url + "/trace/")
    assert page.get_by_label("…or its web address").is_disabled()
    page.get_by_label("The text to trace").fill("\n\n".join(agency.text.split("\n\n")[1:4]))
    page.get_by_role("button", name="Trace the text").click()
    page.wait_for_selector("#trace-summary")
    link = page.get_by_role("link", name="Log in to make a story")
    assert link.get_attribute("href") == "/accounts/login/?next=/trace/"
    page.screenshot(path=str(artifacts_dir / "trace-3-visitor.png"), full_page=True)
    # Junk only: a clear message, and the text stays in the box.
    page.get_by_label("The text to trace").fill("Share on Facebook")
    page.get_by_role("button", name="Trace the text").click()
    page.wait_for_selector("text=That did not work.")
    assert page.get_by_label("The text to trace").input_value() == "Share on Facebook"
    assert page.evaluate("window.__violations") == []
    assert messages == []


def test_the_api_docs_page_works_under_our_policy(page, live_server, artifacts_dir):
    messages = listen(page)
    page.goto(live_server.url + "/api/docs")
    page.wait_for_selector("text=Get Alignment")  # drawn by Swagger UI from our schema
    body = page.inner_text("body")
    assert "Versus API" in body and "Authorize" in body
    page.screenshot(path=str(artifacts_dir / "api-docs.png"))
    assert page.evaluate("window.__violations") == []
    assert messages == []
