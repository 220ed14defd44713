"""Fuzzing the ways in through the views (hypothesis + Django's test client, real loopback server).

Paste form, file upload, URL import and the pages that show what was stored: whatever is
sent, the answer is never a server error. Either the story is saved (and shows what went
in) or the form comes back with a message and the library is exactly as it was.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from articles.extract import default_headline
from articles.models import Article, Story
from articles.services import clean_text
from compare.exports import FORMATS
from tests.articles.test_fuzz_ingest import (
    HOSTILE_HTML,
    PROSE,
    RANDOM_BYTES,
    SHORT_WEIRD,
    WEIRD_TEXT,
    hostile_pages,
    library_size,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The error list a form shows (role="alert"), or Django's own field errors.
MESSAGE = re.compile(r'role="alert"|class="errorlist')


@pytest.fixture
def client(client, django_user_model):
    """A logged-in teacher: adding stories needs an account."""
    client.force_login(django_user_model.objects.create_user("teacher", password="a long passphrase"))
    return client


def assert_saved_or_explained(response, before: tuple[int, int]) -> Story | None:
    """The story page (a redirect to it) or the form again with a message and nothing saved."""
    assert response.status_code in (302, 400), f"unexpected status {response.status_code}"
    event("saved" if response.status_code == 302 else "explained")
    if response.status_code == 400:
        html = response.content.decode()
        assert MESSAGE.search(html), "the form came back without saying what is wrong"
        assert "Traceback" not in html
        assert library_size() == before
        return None
    story = Story.objects.latest("id")
    assert response["Location"] == story.get_absolute_url()
    return story


def assert_pages_render(client, story: Story) -> None:
    """The story page, a passage panel, the library and the delete page all answer."""
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    for url in re.findall(r'hx-get="(/stories/[^"]+/passages/\d+/at-\d+/)[^"]*"', page.content.decode())[:2]:
        assert client.get(url).status_code == 200
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    assert client.get(reverse("compare:library")).status_code == 200
    assert client.get(reverse("compare:library"), {"q": story.title[:50]}).status_code == 200
    assert client.get(reverse("articles:story_delete", args=[story.slug])).status_code == 200


# --- paste --------------------------------------------------------------------------------

PAYLOADS = st.sampled_from(
    ["<script>window.__xss=1</script>", '"><svg onload=window.__xss=1>', "{{ 7*7 }}", "{% debug %}", "&lt;b&gt;"]
)
DATES = st.one_of(
    st.just(""), st.dates().map(str), SHORT_WEIRD, st.sampled_from(["2025-02-30", "0000-00-00", "9" * 40])
)
URLS = st.one_of(
    st.just(""),
    st.sampled_from(
        [
            "javascript:window.__xss=1",
            "https://example.org/a?<script>",
            "data:text/html,<script>alert(1)</script>",
            "http://[::1",
            "https://exa mple.org",
            "https://example.org/" + "a" * 2100,
            "//example.org",
            "ftp://example.org/x",
        ]
    ),
    SHORT_WEIRD,
)


@FUZZ
@given(
    # Mostly acceptable fields, so that both outcomes are common; each can also be wrong.
    title=st.one_of(PROSE, SHORT_WEIRD.map(lambda odd: "Harbour " + odd)),
    headline=st.one_of(st.just(""), PROSE, PAYLOADS, SHORT_WEIRD, st.just("<img src=x onerror=alert(1)>" * 30)),
    outlet=st.one_of(st.just(""), PROSE, PAYLOADS, SHORT_WEIRD, st.just("x" * 250)),
    published_on=st.one_of(st.just(""), st.just(""), st.just(""), DATES),
    source_url=st.one_of(st.just(""), st.just(""), st.just(""), URLS),
    text=st.one_of(
        st.tuples(PROSE, WEIRD_TEXT).map(" ".join),
        st.tuples(PROSE, HOSTILE_HTML).map(" ".join),
        WEIRD_TEXT,
        st.just(""),
    ),
)
def test_pasting_anything_saves_it_or_says_why(client, title, headline, outlet, published_on, source_url, text):
    before = library_size()
    data = dict(title=title, notes="", headline=headline, outlet=outlet, published_on=published_on)
    response = client.post(reverse("articles:story_new"), {**data, "source_url": source_url, "text": text})
    story = assert_saved_or_explained(response, before)
    if story is not None:
        article = story.versions.get()
        assert article.text == clean_text(text)
        assert article.outlet == outlet.strip()
        # With no headline typed, the text's first line is its headline, as an uploaded file's is.
        assert article.headline == (headline.strip() or default_headline(clean_text(text)))
        assert_pages_render(client, story)


@FUZZ
@given(st.lists(st.one_of(WEIRD_TEXT, PROSE, HOSTILE_HTML), min_size=2, max_size=3, unique=True))
def test_weird_versions_of_one_story_are_compared_and_shown(client, texts):
    before = library_size()
    response = client.post(reverse("articles:story_new"), {"title": "Harbour", "notes": "", "text": texts[0]})
    story = assert_saved_or_explained(response, before)
    if story is None:
        return
    for text in texts[1:]:
        before = library_size()
        response = client.post(reverse("articles:version_add", args=[story.slug]), {"text": text})
        assert_saved_or_explained(response, before)
    assert_pages_render(client, story)
    if story.versions.count() >= 2:
        two = [str(pk) for pk in story.versions.values_list("pk", flat=True)[:2]]
        for query in ({"base": two[1]}, {"base": two[0], "compare": two[1]}, {"show": "unique", "hide_trivial": "1"}):
            assert client.get(story.get_absolute_url(), query).status_code == 200


# --- upload -------------------------------------------------------------------------------

FILE_NAMES = (
    st.tuples(
        st.one_of(st.just("article"), SHORT_WEIRD.filter(lambda name: "/" not in name and "\\" not in name)),
        st.sampled_from([".txt", ".md", ".html", ".HTM", ".pdf", ".docx", ""]),
    )
    .map("".join)
    .filter(lambda name: _reaches_the_view(name or "unnamed"))
)


def _reaches_the_view(name: str) -> bool:
    # Django's upload parser drops a file whose name is only non-printable characters (or "."
    # or "..") before any view sees it; a browser sends such names only when crafted.
    return MultiPartParser.sanitize_file_name(None, name) is not None  # type: ignore[arg-type]


ARTICLE_FILES = st.one_of(
    st.tuples(
        st.sampled_from(["a.txt", "b.md", "c.html"]), WEIRD_TEXT.map(lambda text: ("harbour ferry " + text).encode())
    ),
    st.tuples(st.just("page.html"), hostile_pages().map(str.encode)),
    st.tuples(st.just("page.htm"), HOSTILE_HTML.map(lambda html: ("<p>harbour ferry bridge</p>" + html).encode())),
)


@FUZZ
@given(st.lists(st.one_of(st.tuples(FILE_NAMES, RANDOM_BYTES), ARTICLE_FILES), min_size=1, max_size=3))
def test_uploading_any_files_saves_them_or_says_why(client, files):
    before = library_size()
    uploads = [SimpleUploadedFile(name or "unnamed", data) for name, data in files]
    response = client.post(reverse("articles:story_new"), {"title": "Uploaded", "notes": "", "files": uploads})
    story = assert_saved_or_explained(response, before)
    if story is not None:
        assert story.versions.count() == len(files)
        assert_pages_render(client, story)


def test_a_text_file_with_a_few_nul_characters_late_in_it_is_saved_without_them(client):
    # NULs past the first 8 KB are not taken for binary data; Postgres cannot store them.
    text = "The ferry timetable changes on Monday. " * 250 + "\x00 Boats leave every fifteen minutes."
    upload = SimpleUploadedFile("timetable.txt", text.encode("utf-8"))
    response = client.post(reverse("articles:story_new"), {"title": "Ferry", "notes": "", "files": [upload]})
    assert response.status_code == 302
    article = Article.objects.get()
    assert "\x00" not in article.raw + article.text
    assert article.text.endswith("Boats leave every fifteen minutes.")


def test_a_utf16_file_with_a_damaged_end_is_refused_with_a_message(client):
    upload = SimpleUploadedFile("notes.txt", "\ufeffThe bridge stayed open.".encode("utf-16-le") + b"\x00")
    response = client.post(reverse("articles:story_new"), {"title": "Bridge", "notes": "", "files": [upload]})
    assert response.status_code == 400
    assert "notes.txt" in response.content.decode()
    assert not Story.objects.exists()


# --- size limits --------------------------------------------------------------------------


@FUZZ
@given(st.integers(-40, 40), st.sampled_from(["a", "é", "中", "😀"]))
@override_settings(VERSUS_MAX_ARTICLE_CHARACTERS=4000)
def test_a_pasted_text_near_the_size_limit_is_saved_or_refused_with_its_size(client, off_by, letter):
    word = letter * 3
    text = " ".join([word] * ((4000 + off_by) // len(word + " ")))
    before = library_size()
    response = client.post(reverse("articles:story_new"), {"title": "Long", "notes": "", "text": text})
    story = assert_saved_or_explained(response, before)
    size = len(text)  # characters, whatever the script
    assert (story is not None) == (size <= 4000)
    if story is None:
        assert "more than the limit" in response.content.decode()


@FUZZ
@given(st.integers(-300, 300))
@override_settings(
    VERSUS_MAX_UPLOAD_BYTES=20_000, DATA_UPLOAD_MAX_MEMORY_SIZE=20_000, FILE_UPLOAD_MAX_MEMORY_SIZE=20_000
)
def test_an_upload_near_the_request_limit_is_saved_or_refused_with_a_message(client, off_by):
    # The multipart wrapping adds a few hundred bytes; the file itself is just under or over.
    body = ("The bridge stayed open on Tuesday after a motor failed. " * 400)[: 20_000 + off_by - 400]
    before = library_size()
    upload = SimpleUploadedFile("bridge.txt", body.encode())
    response = client.post(reverse("articles:story_new"), {"title": "Big", "notes": "", "files": [upload]})
    story = assert_saved_or_explained(response, before)
    if story is None:
        html = response.content.decode()
        assert "in one go" in html or "more than the limit" in html


@override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=3)
def test_too_many_files_at_once_are_refused_with_a_message(client):
    uploads = [SimpleUploadedFile(f"v{i}.txt", f"Version {i} of the harbour story.".encode()) for i in range(5)]
    response = client.post(reverse("articles:story_new"), {"title": "Many", "notes": "", "files": uploads})
    assert response.status_code == 400
    assert "files at once" in response.content.decode()
    assert not Story.objects.exists()


# --- URL import from a real loopback server -----------------------------------------------


class Served:
    """What the loopback server answers next: set by each example."""

    status = 200
    content_type = "text/html; charset=utf-8"
    body = b""
    headers: dict[str, str] = {}


class AnyContentHandler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.send_response(Served.status)
        self.send_header("Content-Type", Served.content_type)
        for name, value in Served.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(Served.body)))
        self.end_headers()
        self.wfile.write(Served.body)


@contextmanager
def any_content_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), AnyContentHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def loopback() -> Iterator[str]:
    with any_content_server() as base:
        yield base


CONTENT_TYPES = st.sampled_from(
    [
        "text/html; charset=utf-8",
        "text/html",
        "text/html; charset=unicode_escape",
        "text/html; charset=idna",
        "text/html; charset=no-such-thing",
        "text/plain; charset=utf-16",
        "text/plain",
        "application/xhtml+xml",
        "application/pdf",
        "image/png",
        "",
        'text/html; charset="',
        "TEXT/HTML ;; charset = latin-1",
    ]
)
PATHS = st.one_of(
    st.just("/article"),
    st.sampled_from(["/art%C3%ADculo", "/a b", "/é?q=ü", "/%00", "/" + "x" * 3000, "/?<script>"]),
)


@pytest.mark.django_db(transaction=True)
@FUZZ
@given(
    body=st.one_of(RANDOM_BYTES, HOSTILE_HTML.map(str.encode)),
    content_type=CONTENT_TYPES,
    status=st.sampled_from([200, 200, 200, 204, 404, 403, 500, 302]),
    encoding=st.sampled_from(["", "gzip", "br", "identity"]),
    path=PATHS,
)
@override_settings(VERSUS_URL_IMPORT_ALLOW_PRIVATE=True, VERSUS_URL_IMPORTS_PER_MINUTE=100_000)
def test_importing_any_web_page_saves_it_or_says_why(client, loopback, body, content_type, status, encoding, path):
    Served.status, Served.content_type, Served.body = status, content_type, body
    Served.headers = {"Content-Encoding": encoding} if encoding else {}
    if status == 302:
        Served.headers["Location"] = path  # a redirect to itself: followed a few times, then explained
    before = library_size()
    response = client.post(
        reverse("articles:story_new"), {"title": "From the web", "notes": "", "urls": loopback + path}
    )
    story = assert_saved_or_explained(response, before)
    if story is not None:
        article = story.versions.get()
        assert article.source == Article.Source.URL
        assert_pages_render(client, story)


# --- addresses and query strings ----------------------------------------------------------

ODD_QUERY = st.one_of(SHORT_WEIRD, st.sampled_from(["-1", "0", "9" * 30, "1e9", "<script>", "%00", "' OR 1=1 --"]))


@pytest.mark.django_db(transaction=True)
@FUZZ
@given(q=ODD_QUERY, base=ODD_QUERY, compare=ODD_QUERY, show=ODD_QUERY, number=st.integers(0, 10**25))
def test_odd_addresses_and_query_strings_are_never_a_server_error(client, q, base, compare, show, number):
    story = Story.objects.first()
    if story is None:
        client.post(
            reverse("articles:story_new"),
            {"title": "Harbour", "notes": "", "text": "The bridge stayed open on Tuesday. The ferry ran."},
        )
        story = Story.objects.get()
        client.post(reverse("articles:version_add", args=[story.slug]), {"text": "The ferry ran all day on Tuesday."})
    assert client.get(reverse("compare:library"), {"q": q}).status_code == 200
    assert client.get(story.get_absolute_url(), {"base": base, "compare": compare, "show": show}).status_code == 200
    addresses = [
        *(f"/stories/{story.slug}/export.{fmt}?base={base}" for fmt in FORMATS),
        f"/stories/{story.slug}/passages/{number}/{number}/",
        f"/stories/{story.slug}/passages/{number}/at-{number}/",
        f"/stories/{story.slug}/versions/{number}/delete/",
        f"/stories/{story.slug}/share-links/{number}/revoke/",
        f"/s/{q.replace('/', '')[:60] or 'x'}/",
        f"/api/stories/{q.replace('/', '')[:60] or 'x'}",
        f"/api/stories/{story.slug}/alignment?base={number}",
        f"/api/versions/{number}",
    ]
    for address in addresses:
        response = client.get(address)
        assert response.status_code in (200, 202, 301, 302, 400, 404, 405, 422)
        if response.status_code == 400:  # an export for a version the story does not have
            assert response.content.strip()


@pytest.mark.parametrize(
    "address",
    [
        "/?q=%00",
        "/s/%00/",
        "/s/%00/export.json",
        "/s/a%00b/passages/1/0/",
        "/api/stories/%00",
        "/api/stories/%00/alignment",
        "/api/versions/99999999999999999999",
    ],
)
def test_a_nul_character_in_an_address_is_not_a_server_error(client, address):
    # Postgres refuses NUL in any text it is sent; SQLite would not notice.
    assert client.get(address).status_code in (200, 404, 422)


# --- trace a text (the web page and the API) ----------------------------------------------


@FUZZ
@given(
    text=st.one_of(WEIRD_TEXT, PROSE, HOSTILE_HTML, st.tuples(PROSE, WEIRD_TEXT).map(" ".join)),
    headline=st.one_of(st.just(""), SHORT_WEIRD, PAYLOADS),
    outlet=st.one_of(st.just(""), SHORT_WEIRD, PAYLOADS),
)
def test_tracing_any_text_answers_with_sources_or_a_message(client, text, headline, outlet):
    if not Story.objects.exists():
        client.post(
            reverse("articles:story_new"),
            {
                "title": "Harbour",
                "notes": "",
                "text": "The bridge stayed open on Tuesday. The harbour ferry ran all day.",
            },
        )
    data = {"text": text, "headline": headline, "outlet": outlet, "url": "", "source_url": ""}
    page = client.post(reverse("compare:trace"), data)
    assert page.status_code in (200, 400)
    assert client.post(reverse("compare:trace"), data, headers={"HX-Request": "true"}).status_code in (200, 400)
    before = library_size()
    made = client.post(reverse("compare:trace_story"), data)
    assert made.status_code in (302, 400)
    if made.status_code == 400:
        assert MESSAGE.search(made.content.decode()) or "could not be made" in made.content.decode()
        assert library_size() == before
    api = client.post("/api/trace", {"text": text}, content_type="application/json")
    assert api.status_code in (200, 400, 422)


@pytest.mark.parametrize(
    "body",
    [
        '{"text": "\\ud800 The bridge stayed open on Tuesday after a motor failed. The ferry ran."}',
        '{"text": "The bridge stayed open \\u0000 on Tuesday after a motor failed. The ferry ran."}',
        '{"text": "The bridge stayed open.", "limit": 99999999999999999999}',
        '{"text": ["a"]}',
        "[]",
        "null",
        "{",
    ],
)
def test_the_trace_api_answers_odd_json_with_a_result_or_an_error(client, body):
    response = client.post("/api/trace", body, content_type="application/json")
    assert response.status_code in (200, 400, 422)
    assert response.json()


# --- the owner's edits: version details, story title, teacher's notes ----------------------

NUMBERS = st.one_of(st.integers(-5, 10**12).map(str), SHORT_WEIRD, st.just(""))


@pytest.fixture
def owned_story(client):
    from articles.services import ArticleInput, create_story

    user = Story._meta.get_field("owner").related_model.objects.get(username="teacher")
    return create_story(
        "Bridge",
        [
            ArticleInput(text="The harbour bridge stayed open on Tuesday after a motor failed.", outlet="Wire"),
            ArticleInput(text="A broken motor left the harbour bridge open on Tuesday, the council said."),
        ],
        owner=user,
    )


@FUZZ
@given(outlet=SHORT_WEIRD, headline=st.one_of(SHORT_WEIRD, PAYLOADS), published_on=DATES, source_url=SHORT_WEIRD)
def test_editing_a_versions_details_with_anything_saves_it_or_says_why(
    client, owned_story, outlet, headline, published_on, source_url
):
    article = owned_story.versions.first()
    before = Article.objects.filter(pk=article.pk).values_list("text", "content_hash").get()
    url = reverse("articles:version_edit", args=[owned_story.slug, article.pk])
    data = {"outlet": outlet, "headline": headline, "published_on": published_on, "source_url": source_url}
    response = client.post(url, data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert MESSAGE.search(response.content.decode())
    # The text never changes, whatever the details are.
    assert Article.objects.filter(pk=article.pk).values_list("text", "content_hash").get() == before
    page = client.get(owned_story.get_absolute_url()).content.decode()
    assert "window.__xss=1</script>" not in page and "<svg onload" not in page


@FUZZ
@given(title=st.one_of(SHORT_WEIRD, PAYLOADS, st.just("")), notes=st.one_of(WEIRD_TEXT, PAYLOADS))
def test_retitling_a_story_with_anything_saves_it_or_says_why(client, owned_story, title, notes):
    response = client.post(reverse("articles:story_edit", args=[owned_story.slug]), {"title": title, "notes": notes})
    assert response.status_code in (302, 400)
    page = client.get(owned_story.get_absolute_url())
    assert page.status_code == 200
    assert "window.__xss=1</script>" not in page.content.decode()


@pytest.mark.django_db(transaction=True)
@FUZZ
@given(
    body=st.one_of(WEIRD_TEXT, PAYLOADS, st.text(min_size=400, max_size=700)),
    start=NUMBERS,
    end=NUMBERS,
    passage=NUMBERS,
    quote=st.one_of(st.just(""), SHORT_WEIRD, PAYLOADS),
)
def test_a_note_with_anything_in_it_is_saved_or_refused_never_a_server_error(
    client, owned_story, body, start, end, passage, quote
):
    from articles.models import PassageNote

    article = owned_story.versions.first()
    data = {"article": article.pk, "start": start, "end": end, "passage": passage, "body": body, "quote": quote}
    response = client.post(reverse("articles:note_add", args=[owned_story.slug]), data)
    assert response.status_code in (302, 400, 404)  # 404: a passage number the story does not have
    for note in PassageNote.objects.filter(article=article):
        assert 0 <= note.start < note.end <= len(article.text)
        assert 0 < len(note.body) <= PassageNote.MAX_LENGTH
    page = client.get(owned_story.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "window.__xss=1</script>" not in html and "<svg onload" not in html
