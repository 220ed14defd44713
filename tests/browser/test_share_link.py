"""A teacher shares a private story with a class; a student opens it without an account."""

from __future__ import annotations

import pytest

from articles.services import ArticleInput, create_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "harbour-ferry-timetable-42"
AGENCY = (
    "The harbour swing bridge stayed open on Tuesday after a motor failed, the council said.\n\n"
    "Commuters queued for the foot ferry, which will run every ten minutes until Friday.\n\n"
    "Engineers expect a spare motor by Thursday evening."
)
REWRITE = (
    "A broken motor left the harbour swing bridge open on Tuesday, the council said.\n\n"
    "Commuters queued for the foot ferry, which will run every ten minutes until Friday.\n\n"
    "A spare motor could arrive by Thursday, engineers said."
)


def test_a_teacher_shares_a_private_story_and_revokes_the_link(
    chromium, page, live_server, artifacts_dir, django_user_model
):
    teacher = django_user_model.objects.create_user("teacher", password=PASSWORD)
    story = create_story(
        "Harbour bridge stuck",
        [ArticleInput(text=AGENCY, outlet="Valley Wire"), ArticleInput(text=REWRITE, outlet="Coast Radio")],
        owner=teacher,
    )
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Harbour bridge stuck").click()
    page.get_by_text("Sharing: private").click()
    page.get_by_role("button", name="Create a share link").click()
    page.wait_for_selector("text=A share link was made")
    address = page.locator(".share-address").input_value()
    assert address.startswith(live_server.url + "/s/")
    page.locator("#sharing").screenshot(path=str(artifacts_dir / "sharing-1-owner.png"))

    student = chromium.new_context(viewport={"width": 1400, "height": 900})
    try:
        reader = student.new_page()
        reader.goto(address)
        reader.wait_for_selector("table.comparison")
        assert reader.get_by_text("you can read and explore it, but not change it").is_visible()
        assert reader.locator("#sharing").count() == 0
        assert reader.get_by_role("link", name="Add a version").count() == 0
        assert reader.get_by_role("button", name="Log in").count() == 0  # no account needed
        reader.select_option("#base", label="Coast Radio")
        reader.wait_for_function("() => document.querySelector('thead .version-name').textContent === 'Coast Radio'")
        assert reader.url.startswith(address)
        reader.locator(".passage[data-diff]").first.click()
        reader.locator("#panel-body").wait_for()
        reader.screenshot(path=str(artifacts_dir / "sharing-2-student.png"))

        page.get_by_role("button", name="Revoke").click()
        page.wait_for_selector("text=The share link was revoked")
        reader.goto(address)
        assert reader.get_by_role("heading", name="This share link does not open a story").is_visible()
        assert "Harbour bridge stuck" not in reader.content()
        reader.screenshot(path=str(artifacts_dir / "sharing-3-revoked.png"))
        assert story.share_links.filter(revoked_at__isnull=True).count() == 0
    finally:
        student.close()
