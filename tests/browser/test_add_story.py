"""A teacher brings in versions in a real browser: paste, upload, web address, then deletes."""

from __future__ import annotations

import pytest
from pages_server import serve

from articles.models import Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASTED = (
    "The old swing bridge over the harbour mouth stayed open on Tuesday after a motor failed.\n\n"
    "Commuters queued for the foot ferry. Share on Facebook (opens new window)\n\n"
    "Leave a Reply\n\nYour email address will not be published."
)
RADIO = (
    "Bridge stuck again\n\nEngineers said on Wednesday that the spare motor for the swing bridge would arrive soon.\n\n"
    "Until then the foot ferry will carry commuters every ten minutes, the council said."
)
BLOG = "# Waiting for the ferry\n\nI waited **forty minutes** for the ferry this morning; the bridge was still open."


def log_in_to_the_new_story_form(page, live_server, django_user_model) -> None:
    django_user_model.objects.create_user("teacher", password="harbour-ferry-timetable-42")
    page.goto(live_server.url + "/accounts/login/?next=/stories/new/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill("harbour-ferry-timetable-42")
    page.get_by_role("button", name="Log in").click()


def test_a_teacher_adds_a_story_three_ways_and_deletes_it(
    page, live_server, artifacts_dir, settings, tmp_path, django_user_model
):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True
    django_user_model.objects.create_user("teacher", password="harbour-ferry-timetable-42")
    (tmp_path / "coast-radio.txt").write_text(RADIO, encoding="utf-8")
    (tmp_path / "ferry-blog.md").write_text(BLOG, encoding="utf-8")

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Add a story").first.click()
    # Adding needs an account: the login page comes first, then the form.
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill("harbour-ferry-timetable-42")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("text=Signed in as")
    page.get_by_label("Title of the story").fill("Harbour bridge <stuck>")
    first_box = page.locator("#paste-box-1")
    first_box.get_by_label("Outlet").fill("The Harbour Gazette")
    first_box.get_by_label("Article text").fill(PASTED)
    page.get_by_label("Files").set_input_files([tmp_path / "coast-radio.txt", tmp_path / "ferry-blog.md"])
    page.screenshot(path=str(artifacts_dir / "add-1-form.png"), full_page=True)
    page.get_by_role("button", name="Add the story").click()

    page.wait_for_selector("text=Added 3 versions")
    story = Story.objects.get()
    assert page.url.endswith(story.get_absolute_url())
    assert page.locator("h1").first.inner_text() == "Harbour bridge <stuck>"  # shown as text, not markup
    assert story.versions.count() == 3
    page.screenshot(path=str(artifacts_dir / "add-2-story.png"))

    # A fourth version from a web address, on a page server of our own on 127.0.0.1.
    with serve() as base:
        page.goto(live_server.url + f"/stories/{story.slug}/add/")
        page.get_by_label("Web addresses").fill(f"{base}/article")
        page.get_by_role("button", name="Add to the story").click()
        page.wait_for_selector("text=Added 1 version")
    assert story.versions.count() == 4
    assert story.versions.last().outlet == "The Harbour Gazette"

    # The same text again is refused with a message, and what was typed is still there.
    page.goto(live_server.url + f"/stories/{story.slug}/add/")
    page.get_by_label("Article text").fill(PASTED)
    page.get_by_role("button", name="Add to the story").click()
    alert = page.get_by_role("alert")
    assert "already has the same text" in alert.inner_text()
    assert page.get_by_label("Article text").input_value().startswith("The old swing bridge")
    page.screenshot(path=str(artifacts_dir / "add-3-duplicate.png"))

    # Deleting asks first.
    page.goto(live_server.url + f"/stories/{story.slug}/delete/")
    assert "cannot be undone" in page.content()
    page.screenshot(path=str(artifacts_dir / "add-4-delete.png"))
    page.get_by_role("button", name="Yes, delete the story").click()
    page.wait_for_selector("text=were deleted")
    assert not Story.objects.exists()


def test_a_teacher_pastes_three_versions_at_once_and_asks_for_more_boxes(
    page, live_server, artifacts_dir, django_user_model
):
    log_in_to_the_new_story_form(page, live_server, django_user_model)
    page.get_by_label("Title of the story").fill("Harbour bridge")
    for number, (outlet, text) in enumerate((("Gazette", PASTED), ("Coast Radio", RADIO)), start=1):
        box = page.locator(f"#paste-box-{number}")
        box.get_by_label("Outlet").fill(outlet)
        box.get_by_label("Article text").fill(text)

    # More boxes: the form comes back with everything typed and three more boxes.
    page.get_by_role("button", name="More paste boxes").click()
    page.wait_for_selector("#paste-box-6")
    assert page.locator("#paste-box-2").get_by_label("Outlet").input_value() == "Coast Radio"
    assert page.locator("#paste-box-1").get_by_label("Article text").input_value().startswith("The old swing bridge")
    page.locator("#paste-box-5").get_by_label("Article text").fill(BLOG)
    page.screenshot(path=str(artifacts_dir / "add-paste-boxes.png"), full_page=True)

    # Enter in a field adds the story (the form's default button), not more boxes.
    assert not page.locator(".default-button").is_visible()  # it is there for Enter only
    page.locator("#paste-box-5").get_by_label("Outlet").press("Enter")
    page.wait_for_selector("text=Added 3 versions")
    story = Story.objects.get()
    assert [version.outlet for version in story.versions.all()] == ["Gazette", "Coast Radio", ""]


def test_the_add_button_says_it_is_reading_while_the_form_is_sent_and_is_ready_again_after_a_refusal(
    page, live_server, artifacts_dir, django_user_model
):
    log_in_to_the_new_story_form(page, live_server, django_user_model)
    page.get_by_label("Title of the story").fill("")  # no title: refused, the form comes back
    page.locator("#paste-box-1").get_by_label("Article text").fill(PASTED)

    # The page is kept while the form is "sent", as it stays while the server reads a big paste
    # (~18 s): a listener on window, after the page's own on document, stops the sending.
    page.evaluate("window.sent = 0; window.addEventListener('submit', (e) => { window.sent++; e.preventDefault(); })")
    button = page.locator(".form-actions button[type=submit]")
    button.click()
    assert button.inner_text() == "Reading the versions…"
    assert button.is_disabled() and button.get_attribute("aria-busy") == "true"
    assert page.get_by_role("status").inner_text() == "Reading the versions… Big stories take a moment."
    page.locator(".form-actions").screenshot(path=str(artifacts_dir / "add-busy-button.png"))
    button.click(force=True)
    assert page.evaluate("window.sent") == 1  # sent once, though clicked again

    # Sent for real: refused (no title), the form comes back with its button ready.
    page.reload()
    page.locator("#paste-box-1").get_by_label("Article text").fill(PASTED)
    button.click()
    assert "This field is required" in page.get_by_role("alert").inner_text()
    assert button.inner_text() == "Add the story" and button.is_enabled()
    assert button.get_attribute("aria-busy") is None
    assert page.get_by_role("status").inner_text() == ""
