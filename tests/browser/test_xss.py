"""Hostile text through every way in, then every page that shows it, checked in Chromium.

Paste (text, headline, outlet, title, notes), upload (.txt, .md, .html) and URL import (a
page on a loopback server whose title, site name and body carry payloads) go through the
real forms. Then the story page, a passage panel, the library and the delete pages are
opened: no payload runs, none becomes an element, and each is shown as the text it was.

The pages are checked twice: as served (with the Content-Security-Policy, which would
block an inline script anyway) and in a context that ignores that policy, so that the
escaping alone is what is tested.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.models import Article, ShareLink, Story
from articles.services import ArticleInput, add_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
SVG = '"><svg onload=window.__xss=1>'
TEMPLATE = "{{ 7*7 }}"
TAG = "{% debug %}"
JS_URL = "javascript:window.__xss=1"
PASSWORD = "harbour ferry bridge 42"

SHARED = "The old swing bridge over the harbour mouth stayed open on Tuesday after a motor failed."
PASTED = (
    f"{SHARED}\n\n"
    f"Commuters queued for the foot ferry and someone wrote {SCRIPT} on the notice board.\n\n"
    f"The council's sign read {TEMPLATE} and {TAG} in large letters."
)
UPLOADED_TXT = f"{SHARED}\n\nA reader sent the text {IMG} to the radio station by mistake."
UPLOADED_MD = f"# Ferry blog\n\n{SHARED}\n\nThe **ferry** log said {SVG} at nine o'clock."
# In HTML the payloads are markup: extraction must drop them. Written as entities they are words.
UPLOADED_HTML = f"""<!doctype html><html><head><title>Coast Radio {IMG}</title>
<meta property="og:site_name" content='Coast Radio {SVG}'>
<script>window.__xss=1</script></head>
<body onload="window.__xss=1"><article><h1>Bridge stuck again</h1>
<p>{SHARED}</p>
<p onmouseover="window.__xss=1">Engineers said the spare motor would arrive by Thursday {IMG} evening.</p>
<svg onload="window.__xss=1"><text>svg words</text></svg>
<p>The radio quoted the code &lt;script&gt;window.__xss=1&lt;/script&gt; from a prankster's sign.</p>
<p><a href="javascript:window.__xss=1">A link that runs code</a> was in the page.</p>
</article></body></html>"""
WEB_PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{SCRIPT} Harbour news</title>
<meta property="og:site_name" content="The Gazette {IMG}">
<meta property="og:title" content="Bridge {SVG} open">
<script>window.__xss=1</script></head><body><article>
<h1>Bridge open for a third day</h1>
<p>{SHARED}</p>
<p>Ferry crews printed &lt;img src=x onerror="window.__xss=1"&gt; on their tickets, a reporter said.</p>
<p>The mayor's notice said {TEMPLATE} without explanation, which puzzled commuters waiting at the quay.</p>
<img src=x onerror="window.__xss=1"><iframe src="javascript:window.__xss=1"></iframe>
</article></body></html>"""


class WebPage(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        body = WEB_PAGE.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def hostile_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), WebPage)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/news/bridge"
    finally:
        server.shutdown()
        server.server_close()


class Watch:
    """Dialogs opened and scripts that ran, on one page."""

    def __init__(self, page) -> None:
        self.dialogs: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))


def assert_nothing_ran(page, watch: Watch, where: str) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__xss") == "undefined", f"a payload ran on {where}"
    assert watch.dialogs == [], f"a dialog opened on {where}: {watch.dialogs}"
    injected = page.evaluate(
        """() => ({
            handlers: [...document.querySelectorAll('*')].filter(el => [...el.attributes].some(
                a => a.name.startsWith('on'))).map(el => el.outerHTML.slice(0, 120)),
            scripts: [...document.scripts].filter(s => !s.src || !new URL(s.src).pathname.startsWith('/static/'))
                .map(s => s.outerHTML.slice(0, 120)),
            svgs: document.querySelectorAll('svg[onload], img[onerror]').length,
            jsLinks: [...document.querySelectorAll('[href], [src], [action], [formaction]')].filter(el =>
                /^\\s*javascript:/i.test(el.getAttribute('href') || el.getAttribute('src') ||
                el.getAttribute('action') || el.getAttribute('formaction') || '')).length,
        })"""
    )
    assert injected == {"handlers": [], "scripts": [], "svgs": 0, "jsLinks": 0}, f"markup injected on {where}"


def visible_text(page) -> str:
    return page.locator("body").inner_text()


def log_in(page, live_server, django_user_model) -> None:
    django_user_model.objects.create_user("teacher", password=PASSWORD)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url


def test_hostile_text_from_every_way_in_is_shown_as_text_and_never_runs(
    page, chromium, live_server, settings, django_user_model, artifacts_dir, tmp_path
):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True  # the live server thread reads the same settings
    watch = Watch(page)
    log_in(page, live_server, django_user_model)

    # 1. Paste, through the real form. A javascript: source address is refused first.
    page.goto(live_server.url + "/stories/new/")
    page.get_by_label("Title of the story").fill(f"Bridge {SCRIPT} {TEMPLATE}")
    page.get_by_label("Notes").fill(f"For class {IMG} {TAG}")
    box = page.locator("#paste-box-1")
    box.get_by_label("Headline").fill(f"Bridge stuck {SVG}")
    box.get_by_label("Outlet").fill(IMG)
    box.get_by_label("Web address", exact=True).fill(JS_URL)
    box.get_by_label("Article text").fill(PASTED)
    page.get_by_role("button", name="Add the story").click()
    page.get_by_role("alert").wait_for()
    assert "Enter a valid URL" in page.get_by_role("alert").inner_text()
    assert not Story.objects.exists()
    box = page.locator("#paste-box-1")
    assert box.get_by_label("Outlet").input_value() == IMG  # kept, as a value, not as markup
    assert_nothing_ran(page, watch, "the form sent back with a javascript: address")
    box.get_by_label("Web address", exact=True).fill("")
    page.get_by_role("button", name="Add the story").click()
    page.wait_for_selector("text=Added 1 version")
    story = Story.objects.get()
    assert story.title == f"Bridge {SCRIPT} {TEMPLATE}"
    pasted = story.versions.get()
    assert (pasted.outlet, pasted.headline) == (IMG, f"Bridge stuck {SVG}")

    # 2. Upload .txt, .md and .html through the real form.
    files = {"radio-note.txt": UPLOADED_TXT, "ferry-blog.md": UPLOADED_MD, "coast-radio.html": UPLOADED_HTML}
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    page.goto(live_server.url + f"/stories/{story.slug}/add/")
    page.get_by_label("Files").set_input_files([tmp_path / name for name in files])
    page.get_by_role("button", name="Add to the story").click()
    page.wait_for_selector("text=Added 3 versions")
    from_html = Article.objects.get(filename="coast-radio.html")
    assert "window.__xss" in from_html.raw
    assert "<script>window.__xss=1</script>" in from_html.text  # the words written as entities, nothing else
    assert "onmouseover" not in from_html.text and "svg words" not in from_html.text
    assert "javascript:" not in from_html.text
    assert from_html.outlet == f"Coast Radio {SVG}"

    # 3. Import a web page whose title, site name and body carry payloads.
    with hostile_site() as address:
        page.goto(live_server.url + f"/stories/{story.slug}/add/")
        page.get_by_label("Web addresses").fill(address)
        page.get_by_role("button", name="Add to the story").click()
        page.wait_for_selector("text=Added 1 version")
    imported = Article.objects.get(source=Article.Source.URL)
    # The site name as the page's markup gives it (its own quote ends the attribute), kept as data.
    assert imported.outlet == "The Gazette <img src=x onerror="
    assert 'onerror="window.__xss=1">' in imported.text  # written as entities: words to show
    assert imported.text.count("window.__xss") == 1  # the real <img>, <iframe> and <script> were dropped

    # A javascript: address can still arrive by a way without the form (a command, a feed import).
    add_article(story, ArticleInput(text=f"{SHARED} Seen on a feed.", outlet="Feed", source_url=JS_URL))

    # 4. Every page that shows it, as served and with the Content-Security-Policy ignored.
    story_url = live_server.url + story.get_absolute_url()
    page.goto(story_url)
    page.wait_for_selector("table.comparison")
    assert_nothing_ran(page, watch, "the story page")
    text = visible_text(page)
    for shown in (f"Bridge {SCRIPT} {TEMPLATE}", IMG, TEMPLATE, TAG, SCRIPT):
        assert shown in text, f"{shown!r} is not shown as text on the story page"
    assert "Bridge 49" not in text
    page.screenshot(path=str(artifacts_dir / "xss-1-story.png"), full_page=True)

    # The passage panel, opened by clicking (an HTMX swap) and by its own address.
    page.locator(".passage[data-diff]", has_text="notice board").first.click()
    page.locator("#panel-body").wait_for()
    assert_nothing_ran(page, watch, "the passage panel")
    assert f"wrote {SCRIPT} on the notice board" in page.locator("#panel-body").inner_text()
    page.keyboard.press("Escape")
    page.locator(".passage", has_text="harbour mouth").nth(1).locator("a.panel-link").click()
    page.locator("#panel-body").wait_for()
    assert_nothing_ran(page, watch, "the passage panel of a shared sentence")
    panel = page.locator("#panel-body").inner_text()
    assert IMG in panel and f"Coast Radio {SVG}" in panel  # version names as text
    page.screenshot(path=str(artifacts_dir / "xss-2-panel.png"))
    # A panel has two addresses: its fragment (hx-get, also a page of its own) and the story page with it open.
    panel_urls = page.eval_on_selector_all(
        "a.panel-link[hx-get*='/passages/']", "links => [...new Set(links.map(a => a.getAttribute('hx-get')))]"
    )
    open_panels = page.eval_on_selector_all("a.panel-link[hx-get]", "links => links.map(a => a.getAttribute('href'))")
    assert panel_urls and open_panels and all("panel=" in href for href in open_panels)

    pages = {
        "the story page": story.get_absolute_url(),
        "the passage page": panel_urls[0],
        "the story page with a panel open": open_panels[-1],
        "the library": "/",
        "the library search": "/?q=" + "%3Cimg",
        "the delete page": f"/stories/{story.slug}/delete/",
        "the version delete page": f"/stories/{story.slug}/versions/{pasted.pk}/delete/",
        "the share-link page": ShareLink.objects.create(story=story).get_absolute_url(),
        "the page imported from the web, deleted": f"/stories/{story.slug}/versions/{imported.pk}/delete/",
    }
    for where, path in pages.items():
        page.goto(live_server.url + path)
        assert_nothing_ran(page, watch, where)
    page.goto(live_server.url + "/")
    library = visible_text(page)
    assert f"Bridge {SCRIPT} {TEMPLATE}" in library and IMG in library
    page.screenshot(path=str(artifacts_dir / "xss-3-library.png"), full_page=True)
    page.goto(live_server.url + f"/stories/{story.slug}/versions/{pasted.pk}/delete/")
    assert f"Bridge stuck {SVG}" in visible_text(page)
    page.goto(live_server.url + f"/stories/{story.slug}/delete/")
    assert f"Bridge {SCRIPT} {TEMPLATE}" in visible_text(page)
    page.screenshot(path=str(artifacts_dir / "xss-4-delete.png"), full_page=True)

    no_policy = chromium.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    try:
        no_policy.add_cookies(page.context.cookies())
        bare = no_policy.new_page()
        bare_watch = Watch(bare)
        for where, path in pages.items():
            bare.goto(live_server.url + path)
            assert_nothing_ran(bare, bare_watch, f"{where} without the Content-Security-Policy")
        # The HTML report is a download, opened later from disk: its text must be inert too.
        report = bare.request.get(live_server.url + f"/stories/{story.slug}/export.html")
        assert report.ok
        bare.set_content(report.text())
        assert_nothing_ran(bare, bare_watch, "the downloaded HTML report")
        assert f"Bridge {SCRIPT} {TEMPLATE}" in visible_text(bare) and IMG in visible_text(bare)
        assert JS_URL in visible_text(bare)  # the address shown as text, not made a link
        bare.goto(live_server.url + story.get_absolute_url())
        bare.locator(".passage[data-diff]").first.click()
        bare.locator("#panel-body").wait_for()
        assert_nothing_ran(bare, bare_watch, "the passage panel without the Content-Security-Policy")
    finally:
        no_policy.close()

    # 5. Trace a hostile text across the library: the sources' names and the text stay text.
    page.goto(live_server.url + "/trace/")
    page.get_by_label("The text to trace").fill(f"{SHARED}\n\nA new sign said {SCRIPT} and {IMG} today.")
    page.get_by_role("button", name="Trace the text").click()
    page.wait_for_selector(".traced-text")
    assert_nothing_ran(page, watch, "the trace result")
    traced = visible_text(page)
    assert SCRIPT in traced and IMG in traced  # the traced text, and the pasted version's outlet as a source
    page.screenshot(path=str(artifacts_dir / "xss-5-trace.png"), full_page=True)
    page.get_by_role("button", name="Make a story from this").click()
    page.wait_for_selector("table.comparison")
    assert_nothing_ran(page, watch, "the story made from a trace")
    Story.objects.exclude(pk=story.pk).delete()

    # Deleting the story through its confirmation page still works with such a title.
    page.goto(live_server.url + f"/stories/{story.slug}/delete/")
    page.get_by_role("button", name="Yes, delete the story").click()
    page.wait_for_selector("text=were deleted")
    assert f"“Bridge {SCRIPT} {TEMPLATE}” and its versions were deleted" in visible_text(page)
    assert_nothing_ran(page, watch, "the library after deleting")
    assert not Story.objects.exists()
