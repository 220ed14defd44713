"""The story page in forced colours (Windows high contrast), where the reader's colours replace ours:
the kinds of passage still differ by their left line and trivial changes stay lighter."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from articles.models import Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The style and width of each kind's left line, as the legend describes them.
LEFT_LINE = """(selector) => {
  const element = document.querySelector(selector);
  if (!element) return null;
  const style = getComputedStyle(element);
  return [style.borderLeftStyle, style.borderLeftWidth, style.borderLeftColor];
}"""


@pytest.fixture
def story_page(page, live_server):
    call_command("load_demo", verbosity=0)
    story = max(Story.objects.all(), key=lambda story: story.versions.count())
    page.emulate_media(forced_colors="active")
    page.goto(live_server.url + story.get_absolute_url())
    page.wait_for_selector("table.comparison")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    return page


def left_line(page, selector: str) -> tuple[str, str, str]:
    line = page.evaluate(LEFT_LINE, selector)
    assert line is not None, f"no {selector} on the page"
    return tuple(line)


def colour_of(page, css_colour: str) -> str:
    """A system colour as this browser computes it (forced colours choose the actual colours)."""
    return page.evaluate(
        """(colour) => {
          const probe = document.createElement('span');
          probe.style.color = colour;
          document.body.append(probe);
          const computed = getComputedStyle(probe).color;
          probe.remove();
          return computed;
        }""",
        css_colour,
    )


def test_each_kind_keeps_its_own_left_line_in_forced_colours(story_page, artifacts_dir):
    page = story_page
    text, grey, canvas = colour_of(page, "CanvasText"), colour_of(page, "GrayText"), colour_of(page, "Canvas")
    lines = {
        "edited": ("solid", "4px", text),
        "paraphrase": ("dashed", "4px", text),
        "unique": ("double", "6px", text),
        "verbatim": ("solid", "1px", grey),
    }
    for kind, line in lines.items():
        assert left_line(page, f"td .passage.kind-{kind}") == line, kind
        assert left_line(page, f".legend-passage.kind-{kind}") == line, f"legend: {kind}"
    # A passage of no kind (the base's own) shows no line at all, not the solid bar of "edited".
    style, _, colour = left_line(page, "td .passage:not([class*=kind-]):not(.is-junk)")
    assert style != "solid" or colour == canvas
    page.locator("td .passage.kind-unique").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "story-forced-colours.png"))


def test_trivial_changes_stay_lighter_in_forced_colours(story_page):
    page = story_page
    colours = page.evaluate(
        """() => [...document.querySelectorAll('.passage .chg')].map((mark) => [
             mark.classList.contains('trivial'), getComputedStyle(mark).color])"""
    )
    trivial = {colour for is_trivial, colour in colours if is_trivial}
    other = {colour for is_trivial, colour in colours if not is_trivial}
    assert trivial == {colour_of(page, "GrayText")}
    assert other and trivial.isdisjoint(other)


def test_it_keeps_each_summary_swatch_matching_its_bar_in_forced_colours(story_page, artifacts_dir):
    page = story_page
    swatches = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.bars .share')].map((share) => [
             [...share.classList].find((name) => name.startsWith('share-')),
             getComputedStyle(share, '::before').backgroundImage]))"""
    )
    assert set(swatches) == {"share-verbatim", "share-edited", "share-paraphrase", "share-unique"}
    # The bars keep their colours and patterns, so the key beside them must too: each swatch its own.
    patterned = [kind for kind, image in swatches.items() if image != "none"]
    assert sorted(patterned) == ["share-edited", "share-paraphrase", "share-unique"]
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.bars .share-verbatim'), '::before').backgroundColor"
    ) != colour_of(page, "Canvas")
    page.locator(".bars").first.screenshot(path=str(artifacts_dir / "summary-bars-forced-colours.png"))
