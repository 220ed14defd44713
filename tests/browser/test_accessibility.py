"""axe-core finds no accessibility violation on any page, with the strict CSP kept; and no page is
wider than the screen, a phone's included.

axe-core comes from npm (package.json; `npm install` puts it in node_modules/). It is read
from there and evaluated in the page by the test driver: nothing is fetched from elsewhere,
and the page's Content-Security-Policy is not relaxed for it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import ShareLink, Story
from articles.services import add_note

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "harbour-ferry-timetable-42"


def violations(page) -> list[str]:
    width = page.viewport_size["width"]
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:  # no page is wider than the screen (a phone's too)
        return [f"the page is {wide} px wide on a {width} px screen"]
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm install` (bin/setup does)")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return [json.dumps(v) for v in found]


@pytest.fixture
def demo_story(django_user_model) -> Story:
    call_command("load_demo", verbosity=0)
    story = max(Story.objects.all(), key=lambda s: s.versions.count())
    story.owner = django_user_model.objects.create_user("teacher", password=PASSWORD)
    story.save()
    return story


def log_in(page, live_server) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize("width", [1366, 390])
def test_no_page_has_an_accessibility_violation(chromium, live_server, demo_story, width):
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        found: dict[str, list[str]] = {}
        # A visitor: the library, a shared story, the account pages they can open.
        link = ShareLink.objects.create(story=demo_story)
        for path in ["/", link.get_absolute_url(), "/trace/", "/accounts/login/", "/accounts/signup/"]:
            page.goto(live_server.url + path)
            found[path] = violations(page)
        # The teacher: the story (with a note) and a panel open (by its address), the note's edit page,
        # the add-story and account pages.
        log_in(page, live_server)
        version = demo_story.versions.order_by("position").first()
        note = add_note(version, 0, 20, "Who says so first?", author=demo_story.owner)
        story = f"{demo_story.get_absolute_url()}?panel={version.pk}-1"
        note_edit = reverse("articles:note_edit", args=[demo_story.slug, note.pk])
        for path in [story, note_edit, "/stories/new/", "/accounts/password_change/", "/accounts/api-tokens/"]:
            response = page.goto(live_server.url + path)
            assert response is not None and response.ok, path
            found[path] = violations(page)
        assert page.goto(live_server.url + story) and page.locator("#panel-body").is_visible()
        page.goto(live_server.url + demo_story.get_absolute_url())
        page.locator(".passage[data-diff]").first.click()
        page.locator("#panel-body").wait_for()
        found["story, panel opened by a click"] = violations(page)
        assert {path: v for path, v in found.items() if v} == {}
    finally:
        context.close()
