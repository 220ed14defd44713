"""Under the Content-Security-Policy the whole story page works, and the browser reports nothing.

The student's path (library, story, another base, a passage's panel, a filter) in a real
Chromium, listening for every console message, page error and securitypolicyviolation event.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from articles.models import Story
from versus.middleware import POLICY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered before any page script runs, so that no violation is missed.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture
def demo_story() -> Story:
    call_command("load_demo", verbosity=0)
    return max(Story.objects.all(), key=lambda story: story.versions.count())


def test_the_story_page_works_under_the_policy_without_a_single_violation(page, live_server, demo_story):
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"console.{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    page.add_init_script(LISTEN)

    response = page.goto(live_server.url + "/")
    assert response.headers["content-security-policy"] == POLICY
    page.locator("#results").get_by_role("link", name=demo_story.title).click()
    page.wait_for_selector("table.comparison")

    # Another base: an HTMX swap of the comparison.
    names = page.locator("thead .version-name").all_inner_texts()
    page.select_option("#base", label=names[1])
    page.wait_for_function("(name) => document.querySelector('thead .version-name').textContent === name", arg=names[1])

    # A passage's panel: htmx.ajax from our own script.
    page.locator(".passage[data-diff]").first.click()
    page.locator("#panel-body").wait_for()

    # A filter.
    page.get_by_label("In one version only").check()
    page.wait_for_selector("text=hidden by the filter")

    assert page.evaluate("document.querySelectorAll('style').length") == 0  # htmx injected no <style>
    assert page.evaluate("window.__violations") == []
    assert messages == []
