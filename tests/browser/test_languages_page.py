"""Right-to-left and unspaced scripts on the story page, in a real browser."""

from __future__ import annotations

import pytest

from articles.services import ArticleInput, create_story
from compare import services
from tests.articles.test_languages import LANGUAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["Arabic", "Hebrew", "Thai", "Chinese", "Japanese"])
def test_a_story_reads_in_its_own_direction_with_its_changes_marked(language, page, live_server, artifacts_dir):
    original, reprint, new_words = LANGUAGES[language]
    story = create_story(
        f"Bridge ({language})",
        [ArticleInput(text=original, outlet="Wire"), ArticleInput(text=reprint, outlet="Daily")],
    )
    services.get_or_compute(story)
    page.goto(live_server.url + story.get_absolute_url())
    page.wait_for_selector("table.comparison")
    # The changed number is marked: new words in the reprint, or struck if the reprint was made the base.
    assert new_words in " ".join(page.locator("table.comparison .chg").all_inner_texts())
    first = page.locator(".passage-text").first
    # Each paragraph takes the direction of its own script: Arabic and Hebrew start at the right.
    box, cell = first.bounding_box(), first.locator("xpath=ancestor::td").bounding_box()
    if language in ("Arabic", "Hebrew"):
        assert first.evaluate("el => getComputedStyle(el).unicodeBidi") == "plaintext"
    assert box["width"] <= cell["width"]
    page.locator("table.comparison").screenshot(path=str(artifacts_dir / f"language-{language.lower()}.png"))
