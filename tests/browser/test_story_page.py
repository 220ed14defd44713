"""What a student sees: the demo story in a real browser, with a screenshot of every step."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from articles.management.commands.load_demo import read_demo_stories
from articles.models import Story
from articles.services import create_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "harbour-ferry-timetable-42"


@pytest.fixture
def demo_story() -> Story:
    call_command("load_demo", verbosity=0)
    return max(Story.objects.all(), key=lambda story: story.versions.count())


@pytest.fixture
def four_version_story(django_user_model) -> Story:
    """The harbour-bridge demo's first four versions, as a teacher's own story: at 1280 px its grid
    (4 × 21rem and the gutter, 1388 px) is wider than its box (1238 px), so it scrolls sideways."""
    demo = next(story for story in read_demo_stories() if len(story.versions) >= 4)
    teacher = django_user_model.objects.create_user("teacher", password=PASSWORD)
    return create_story(demo.title, [version.as_input() for version in demo.versions[:4]], owner=teacher)


def column_names(page) -> list[str]:
    return page.locator("thead .version-name").all_inner_texts()


def test_a_student_compares_the_demo_story(page, live_server, demo_story, artifacts_dir):
    page.goto(live_server.url + "/")
    page.locator("#results").get_by_role("link", name=demo_story.title).click()
    page.wait_for_selector("table.comparison")
    names = column_names(page)
    assert len(names) == demo_story.versions.count()
    page.screenshot(path=str(artifacts_dir / "story-1-opened.png"))
    page.locator(".columns-scroll").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "story-2-columns.png"))

    # Switch the base: an HTMX swap, and the address bar follows so the view can be shared.
    new_base = names[2]
    page.select_option("#base", label=new_base)
    page.wait_for_function("(name) => document.querySelector('thead .version-name').textContent === name", arg=new_base)
    assert re.search(r"[?&]base=\d+", page.url)
    assert column_names(page)[0] == new_base
    page.locator(".columns-scroll").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "story-3-new-base.png"))

    # Click a passage: its panel shows it in every version.
    passage = page.locator(".passage[data-diff]").nth(1)
    passage.click()
    panel = page.locator("#panel-body")
    panel.wait_for()
    assert panel.locator(".panel-entry").count() == len(names) - 1
    assert panel.get_by_text(re.compile(r"\d+% same wording")).first.is_visible()
    page.screenshot(path=str(artifacts_dir / "story-4-panel.png"))
    page.keyboard.press("Escape")
    assert page.locator("#panel-body").count() == 0

    # A filter: only the passages unique to one version.
    before = page.locator(".passage").count()
    page.get_by_label("In one version only").check()
    page.wait_for_function("() => /show=unique/.test(location.search)")
    page.wait_for_selector("text=hidden by the filter")
    after = page.locator(".passage").count()
    assert 0 < after < before
    assert page.locator(".passage.unique").count() >= 1
    page.locator(".columns-scroll").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "story-5-unique-only.png"))

    # The bookmarked address shows the same view after a reload.
    page.reload()
    assert page.locator("input[name=show][value=unique]").is_checked()
    assert column_names(page)[0] == new_base


def test_the_keyboard_moves_between_differences_and_opens_a_passage(page, live_server, demo_story, artifacts_dir):
    page.goto(live_server.url + demo_story.get_absolute_url())
    page.wait_for_selector("table.comparison")
    page.keyboard.press("j")
    first = page.evaluate("document.activeElement.id")
    assert first.startswith("p-")
    assert page.evaluate("document.activeElement.hasAttribute('data-diff')")
    page.keyboard.press("j")
    second = page.evaluate("document.activeElement.id")
    assert second != first
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == first
    page.keyboard.press("u")
    assert page.evaluate("document.activeElement.hasAttribute('data-unique')")
    page.keyboard.press("Enter")
    page.locator("#panel-body").wait_for()
    page.screenshot(path=str(artifacts_dir / "story-6-keyboard-panel.png"))


def test_tab_stops_once_per_passage_and_the_panel_gives_focus_back_to_the_passage(page, live_server, demo_story):
    page.goto(live_server.url + demo_story.get_absolute_url())
    page.wait_for_selector("table.comparison")
    page.locator(".passage a.panel-link").first.focus()
    stops = []
    for _ in range(12):
        focused = "document.activeElement.matches('.passage') ? 'passage' : document.activeElement.className"
        stops.append(page.evaluate(focused))
        page.keyboard.press("Tab")
    # Each passage is reached once, by its details link; the passage itself is no second stop.
    assert "passage" not in stops
    assert stops.count("panel-link") >= 8
    # Enter on the link opens the details; Escape closes them and the passage has the focus again.
    link = page.locator(".passage[data-diff] a.panel-link").nth(1)
    link.focus()
    owner = link.evaluate("link => link.closest('.passage').id")
    page.keyboard.press("Enter")
    page.locator("#panel-body").wait_for()
    page.keyboard.press("Escape")
    assert page.locator("#panel-body").count() == 0
    assert page.evaluate("document.activeElement.id") == owner


@pytest.mark.parametrize("column", [3, 5])  # the base's neighbour; the last, only reached by scrolling sideways
def test_after_adding_a_note_the_passage_is_in_full_view_clear_of_the_sticky_column_and_heads(
    chromium, live_server, four_version_story, artifacts_dir, column
):
    page = chromium.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(live_server.url + four_version_story.get_absolute_url())
    page.locator(f"table.comparison tbody td:nth-child({column}) .passage[data-panel]").nth(3).click()
    page.get_by_text("Add a note to this passage").click()
    page.get_by_label("Your note").fill("Who chose these words?")
    page.get_by_role("button", name="Add the note").click()
    page.wait_for_selector("text=Readers of the story see it")
    assert re.search(r"#p-\d+-at-\d+$", page.url)
    page.wait_for_timeout(200)  # the fragment's scroll settles
    page.screenshot(path=str(artifacts_dir / f"story-8-after-a-note-column-{column}.png"))
    where = page.evaluate(
        """() => {
          const box = (el) => el.getBoundingClientRect();
          const scroller = document.querySelector('.columns-scroll');
          return {
            passage: box(document.querySelector(location.hash)), scroller: box(scroller),
            base: box(document.querySelector('.comparison tbody td:nth-child(2)')),
            heads: box(document.querySelector('.comparison thead th')), wide: scroller.scrollWidth,
          };
        }"""
    )
    passage = where["passage"]
    assert where["wide"] > where["scroller"]["width"]  # the grid does scroll sideways
    assert passage["left"] >= where["base"]["right"]  # not under the sticky base column
    assert passage["right"] <= where["scroller"]["right"]
    assert passage["top"] >= where["heads"]["bottom"]  # not under the sticky column heads
    assert passage["bottom"] <= where["scroller"]["bottom"]


def test_a_link_saved_with_an_old_passage_anchor_still_reaches_the_passage(page, live_server, demo_story):
    url = live_server.url + demo_story.get_absolute_url()
    page.goto(url)
    page.wait_for_selector("table.comparison")
    # A passage far down the page, by the name links had before passages were addressed by offset.
    passage = page.locator(".passage[data-old-anchor]").last
    old, new = passage.get_attribute("data-old-anchor"), passage.get_attribute("id")
    assert re.fullmatch(r"p-\d+-\d+", old) and re.fullmatch(r"p-\d+-at-\d+", new)
    page.goto("about:blank")
    page.goto(f"{url}#{old}")
    page.wait_for_function("(id) => location.hash === '#' + id", arg=new)
    assert page.locator(f"#{new}").is_visible()
    box, height = page.locator(f"#{new}").bounding_box(), page.viewport_size["height"]
    assert 0 <= box["y"] < height  # scrolled to it


def test_the_print_preview_is_a_handout(page, live_server, demo_story, artifacts_dir):
    page.goto(live_server.url + demo_story.get_absolute_url())
    page.wait_for_selector("table.comparison")
    page.emulate_media(media="print")
    assert not page.locator("form.controls").is_visible()
    assert not page.locator(".site-header").is_visible()
    # The passage's own paragraph number prints (a handout is discussed by paragraph); the words
    # that make it a link to the details stay for screen readers only.
    assert page.locator(".passage .panel-link").first.is_visible()
    assert page.locator("section.legend").is_visible()
    assert page.locator(".summary").is_visible()
    assert page.locator("table.comparison").is_visible()
    page.screenshot(path=str(artifacts_dir / "story-7-print.png"), full_page=True)
    page.pdf(path=str(artifacts_dir / "story-print.pdf"), landscape=True, format="A4", print_background=True)


def test_it_prints_the_paragraph_number_each_moved_note_points_at(page, live_server, demo_story):
    page.goto(live_server.url + demo_story.get_absolute_url())
    page.wait_for_selector("table.comparison")
    page.emulate_media(media="print")
    notes = page.eval_on_selector_all(
        "a.badge-moved[href^='#']", "links => links.map(a => [a.getAttribute('href'), a.textContent])"
    )
    assert notes
    for href, note in notes:
        # "↪ moved: in its version it follows ¶6": the reader finds ¶6 on paper, beside its passage.
        number = re.search(r"¶\d+", note).group(0)
        target = page.locator(f"{href} .panel-link")
        assert target.is_visible(), note
        assert target.inner_text().startswith(number), (note, target.inner_text())


def test_it_never_leaves_a_heading_alone_at_the_bottom_of_a_printed_page(page, live_server, demo_story):
    from pypdf import PdfReader

    page.goto(live_server.url + demo_story.get_absolute_url())
    page.wait_for_selector("table.comparison")
    page.emulate_media(media="print")
    headings = set(
        page.eval_on_selector_all("h2, h3", "hs => hs.filter(h => h.checkVisibility()).map(h => h.innerText)")
    )
    assert "Summary" in headings
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    for number, sheet in enumerate(pdf.pages, start=1):
        lines = [line.strip() for line in sheet.extract_text().splitlines() if line.strip()]
        assert lines[-1] not in headings, f"page {number} ends with the heading {lines[-1]!r}"


def test_the_printed_matrix_fits_the_width_of_a_page(page, live_server, demo_story):
    # The handout prints on A4 landscape (print.css): 277 mm between the margins, about 1,040
    # CSS pixels. With six versions, each cell's "copied / paraphrased" on one line pushed the
    # matrix's last column off the paper (a printout cannot scroll).
    page.set_viewport_size({"width": 1040, "height": 800})
    page.goto(live_server.url + demo_story.get_absolute_url())
    page.wait_for_selector("table.heatmap")
    page.emulate_media(media="print")
    assert page.locator("table.heatmap thead th").count() >= 7  # six versions
    assert page.eval_on_selector("table.heatmap", "t => t.getBoundingClientRect().right") <= 1040


def test_the_page_works_without_javascript(chromium, live_server, demo_story, artifacts_dir):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + demo_story.get_absolute_url())
        names = column_names(page)
        page.select_option("#base", label=names[1])
        page.get_by_label("Changed only").check()
        page.get_by_role("button", name="Apply").click()
        page.wait_for_load_state()
        assert column_names(page)[0] == names[1]
        assert "show=changed" in page.url
        page.locator(".passage .panel-link").first.click()
        page.wait_for_load_state()
        # The story page with the panel open, at an address of its own that keeps the view.
        assert re.search(r"[?&]panel=\d+-at-\d+", page.url) and "show=changed" in page.url
        assert page.locator("#panel .panel-entry").count() >= len(names) - 1
        page.screenshot(path=str(artifacts_dir / "story-8-no-js-panel.png"))
    finally:
        context.close()


def test_two_versions_read_side_by_side(page, live_server, demo_story, artifacts_dir):
    page.goto(live_server.url + demo_story.get_absolute_url())
    names = column_names(page)
    page.select_option("#compare", label=f"Base and {names[1]} only")
    page.wait_for_function("() => document.querySelectorAll('thead .version-name').length === 2")
    assert "compare=" in page.url
    page.locator(".columns-scroll").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "story-9-two-versions.png"))


def test_while_the_alignment_is_computed_the_page_shows_progress_then_the_comparison(
    page, live_server, demo_story, artifacts_dir
):
    from compare import services

    articles = services.versions_of(demo_story)
    running, mine = services.claim_alignment(demo_story, services.alignment_key(articles), total=15)
    assert mine
    services.record_progress(running, 4, 15)
    page.goto(live_server.url + demo_story.get_absolute_url())
    assert page.get_by_text("Comparing the versions…").is_visible()
    assert page.get_by_text("4 of 15 pairs of versions done").is_visible()
    page.screenshot(path=str(artifacts_dir / "story-0-computing.png"))
    services.compute(running, articles)  # finishes while the page keeps asking every second
    page.wait_for_selector("table.comparison", timeout=10_000)
    assert len(column_names(page)) == len(articles)
