"""The library in a real browser: live search as you type."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_searching_the_library_as_you_type(page, live_server, artifacts_dir):
    call_command("load_demo", verbosity=0)
    page.goto(live_server.url + "/")
    cards = page.locator(".story-card")
    assert cards.count() >= 2
    page.screenshot(path=str(artifacts_dir / "library-1.png"))
    page.get_by_label("Search stories by title or outlet").fill("bridge")
    page.wait_for_function("() => document.querySelectorAll('.story-card').length === 1")
    assert "q=bridge" in page.url
    assert "Bridge" in cards.first.locator("h2").inner_text()
    page.screenshot(path=str(artifacts_dir / "library-2-search.png"))
    page.get_by_label("Search stories by title or outlet").fill("no such story anywhere")
    page.wait_for_selector("text=No story has")


def test_a_long_web_address_as_an_outlet_does_not_widen_the_page_on_a_phone(page, live_server, artifacts_dir):
    from articles.services import ArticleInput, create_story

    create_story(
        "Pier reopens",
        [
            ArticleInput(
                text="The pier reopened on Monday after a winter of repairs to its deck.", outlet="Valley Wire"
            ),
            ArticleInput(
                text="The pier is open again after its deck was repaired over the winter.",
                outlet="www.averelleveningpost-and-harbour-weekly.example.org",
            ),
        ],
    )
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/")
    page.screenshot(path=str(artifacts_dir / "library-phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
