"""The seed story (five real versions, ../shared/seeds) as a student meets it: on a laptop, on a
phone, printed as a handout, with panels that have their own address and a Back button that works."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from articles.models import Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered before any page script runs, so that no violation is missed.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""
MAX_HANDOUT_PAGES = 12


@pytest.fixture
def seed_story(seeds_dir) -> Story:
    call_command("import_story", str(seeds_dir), "--title", "Russia asked China for aid", stdout=io.StringIO())
    return Story.objects.get(title="Russia asked China for aid")


def open_story(context, live_server, story: Story, query: str = ""):
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"console.{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    page.add_init_script(LISTEN)
    page.goto(live_server.url + story.get_absolute_url() + query)
    page.wait_for_selector("table.comparison")
    return page, messages


def test_the_seed_story_on_a_laptop(chromium, live_server, seed_story, artifacts_dir):
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    try:
        page, messages = open_story(context, live_server, seed_story)
        page.screenshot(path=str(artifacts_dir / "seed-1366.png"))
        page.locator(".columns-scroll").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / "seed-1366-columns.png"))
        # The page opens on the base: its first row holds a passage of the base.
        base = page.locator("#base").input_value()
        assert page.locator("table.comparison tbody tr").first.locator(f".passage[id^='p-{base}-']").count() >= 1
        # Rows are groups: some rows hold passages of three versions or more.
        filled = page.evaluate(
            "() => [...document.querySelectorAll('table.comparison tbody tr')]"
            ".map(r => r.querySelectorAll('td[class^=col-] .passage').length)"
        )
        assert max(filled) >= 3
        assert messages == []
    finally:
        context.close()


def test_on_a_phone_every_version_can_be_read_and_nothing_is_wider_than_the_screen(
    chromium, live_server, seed_story, artifacts_dir
):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page, messages = open_story(context, live_server, seed_story)
        page.screenshot(path=str(artifacts_dir / "seed-390.png"))
        page.locator(".columns-scroll").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / "seed-390-columns.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # Every version's passages are on screen somewhere, each one labelled with its version.
        for name in page.locator("thead .version-name").all_inner_texts():
            passages = page.locator(f"td[data-version='{name}'] .passage")
            assert passages.count() >= 1, name
            box = passages.first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, name
        assert messages == []
    finally:
        context.close()


def test_the_handout_prints_on_at_most_twelve_pages(chromium, live_server, seed_story, artifacts_dir):
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    try:
        page, _ = open_story(context, live_server, seed_story)
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        (artifacts_dir / "seed-handout.pdf").write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert 1 <= pages <= MAX_HANDOUT_PAGES
        # Scraped junk takes no room on paper, inside a passage too (share buttons, a photo credit).
        page.emulate_media(media="print")
        assert page.locator(".passage .junk").count() >= 1
        assert page.locator(".passage .junk:visible, .passage .badge-junk:visible").count() == 0
        # A filtered view prints that view: fewer pages, not the whole story.
        filtered, _ = open_story(context, live_server, seed_story, "?show=paraphrase")
        assert len(re.findall(rb"/Type\s*/Page[^s]", filtered.pdf(format="A4", prefer_css_page_size=True))) <= pages
    finally:
        context.close()


def test_the_html_report_prints_on_at_most_twelve_pages_too(chromium, seed_story, artifacts_dir):
    from django.test import Client

    report = Client().get(seed_story.get_absolute_url() + "export.html")
    assert report.status_code == 200
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.set_content(report.content.decode("utf-8"))
        page.emulate_media(media="print")
        shares = page.locator(".summary .shares").bounding_box()
        assert shares and shares["width"] > 200  # the bars keep a column of their own
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        (artifacts_dir / "seed-report.pdf").write_bytes(pdf)
        assert 1 <= len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= MAX_HANDOUT_PAGES
    finally:
        context.close()


def test_a_panel_has_its_own_address_and_back_works_with_no_console_error(chromium, live_server, seed_story):
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    try:
        page, messages = open_story(context, live_server, seed_story)
        page.select_option("#base", index=2)
        page.wait_for_function("() => /[?&]base=/.test(location.search)")
        switched = page.url
        page.get_by_label("Changed only").check()
        page.wait_for_function("() => /show=changed/.test(location.search)")
        filtered = page.url

        page.locator(".passage[data-panel]").first.click()
        page.locator("#panel-body").wait_for()
        assert re.search(r"[?&]panel=\d+-at-\d+", page.url)
        assert "show=changed" in page.url
        panel_url = page.url
        heading = page.locator("#panel-body h2").inner_text()

        for previous in (filtered, switched):
            page.go_back()
            page.wait_for_function("(url) => location.href === url", arg=previous)
            page.wait_for_selector("table.comparison")
            page.wait_for_timeout(300)
            assert page.locator("#panel-body").count() == 0
        assert page.locator("input[name=show][value=all]").is_checked()
        assert page.evaluate("window.__violations") == []
        assert messages == []

        # The panel's address opens the page with the panel open, without JavaScript too.
        plain = chromium.new_context(java_script_enabled=False, viewport={"width": 1366, "height": 900})
        try:
            reader = plain.new_page()
            reader.goto(panel_url)
            assert reader.locator("#panel-body h2").inner_text() == heading
            # Its "close" and "on the page" links keep the reader's base and filter.
            close = reader.locator("#panel-body a[data-close-panel]").get_attribute("href")
            assert "show=changed" in close and "base=" in close and "panel=" not in close
        finally:
            plain.close()
    finally:
        context.close()
