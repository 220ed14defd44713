"""Fuzzing the ways in below the views (hypothesis): bytes → decode → extract → services.

Whatever arrives (random Unicode, random bytes, hostile HTML, texts just under and over the
size limit), the result is either stored as it came (modulo the documented cleaning) or an
IngestError with a message, and a failure leaves the library exactly as it was.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from documents import make_docx, make_pdf
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.extract import article_from_file, decode, extract_html, html_to_text
from articles.models import Article, Story
from articles.services import ArticleInput, IngestError, add_articles, clean_text, create_story

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- generators --------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "harbour",
        "ferry",
        "island",
        "council",
        "bridge",
        "storm",
        "engineer",
        "mayor",
        "village",
        "market",
        "river",
        "tower",
        "closed",
        "opened",
        "repaired",
        "announced",
        "delayed",
        "quickly",
        "wooden",
        "broken",
        "heavy",
        "quiet",
    ]
)
# Every plane and category except lone surrogates (which no decoder or form can hand us).
ANY_CHARACTER = st.characters(exclude_categories=("Cs",))
ODD_PIECES = st.sampled_from(
    [
        "\x00",
        "\x01\x02",
        "\x1b[31m",
        "\x7f",
        "\r\n",
        "\r",
        "\u2028",
        "\u2029",
        "\u202e",  # right-to-left override
        "\u200f",
        "\u200b",
        "\ufeff",
        "\ufffe",
        "e\u0301\u0301\u0301\u0301",  # a letter drowning in combining marks
        "\u0645\u0631\u062d\u0628\u0627",  # Arabic
        "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
        "\U0001f469\u200d\U0001f680",
        "\U000e0041",  # a tag character (plane 14)
        "\U0010fffd",  # last plane, private use
        "𝕳𝖆𝖗𝖇𝖔𝖚𝖗",
        "<script>window.__xss=1</script>",
        "{{ 7*7 }}",
        "{% debug %}",
        "&amp;&#0;&#xD800;",
        "   \t  ",
    ]
)
WEIRD_TEXT = st.lists(st.one_of(WORDS, ODD_PIECES, st.text(ANY_CHARACTER, max_size=12)), max_size=40).map(" ".join)
SHORT_WEIRD = st.text(ANY_CHARACTER, max_size=30)

# Hostile HTML: pieces that are each a known way to confuse a parser or smuggle code.
SCRIPT_MARK = "zqxscriptbody"
HANDLER_MARK = "zqxhandler"
HOSTILE_PIECES = st.sampled_from(
    [
        f"<script>window.__xss=1;document.write('{SCRIPT_MARK}')</script>",
        f"<script><script>{SCRIPT_MARK}</script></script>",
        f"<script>{SCRIPT_MARK}",  # never closed
        f"<style>.{SCRIPT_MARK}{{color:red}}</style>",
        f'<svg onload="{HANDLER_MARK}"><script>{SCRIPT_MARK}</script></svg>',
        f'<img src=x onerror="{HANDLER_MARK}">',
        f'"><svg onload={HANDLER_MARK}>',
        f'<a href="javascript:{HANDLER_MARK}">link words here</a>',
        f'<p onmouseover="{HANDLER_MARK}">',
        f'<div title="{"A" * 20000}">',  # a huge attribute value
        f'<iframe srcdoc="<script>{SCRIPT_MARK}</script>"></iframe>',
        f"<noscript>{SCRIPT_MARK}</noscript>",
        f"<template><p>{SCRIPT_MARK}</p></template>",
        "<p>",
        "</p></p></div>",
        "<div><span><b><i>",
        "<table><tr><td>cell words here",
        "<!-- a comment never closed",
        "<![CDATA[ data ]]>",
        "<?xml version='1.0'?>",
        "<!DOCTYPE html>",
        "<meta charset='no-such-charset'>",
        "<meta charset='utf-16'>",
        "<meta charset='unicode_escape'>",
        "&amp;" * 2000,  # an entity bomb
        "&#0;&#xD800;&#x110000;&#99999999999;&bogus;&",
        "<title>Harbour &lt;script&gt; news</title>",
        '<meta property="og:site_name" content="<img src=x onerror=alert(1)>">',
        "<h1>Ferry timetable changes</h1>",
        "<br/><hr><wbr>",
        "\x00",
        "<" * 50,
        ">" * 50,
    ]
)
PROSE = st.lists(WORDS, min_size=1, max_size=25).map(" ".join)
HOSTILE_HTML = st.lists(st.one_of(HOSTILE_PIECES, PROSE, WEIRD_TEXT), min_size=1, max_size=25).map("".join)

# A page whose hostile parts are all well formed, so that nothing legitimately turns a
# script into text (as a <textarea> or an unclosed comment around it would).
CLEAN_HOSTILE_PIECES = st.sampled_from(
    [
        f"<script>window.__xss=1;document.write('{SCRIPT_MARK}')</script>",
        f"<script><script>{SCRIPT_MARK}</script>",
        f"<style>.{SCRIPT_MARK}{{color:red}}</style>",
        f'<svg onload="{HANDLER_MARK}"><script>{SCRIPT_MARK}</script><text>{SCRIPT_MARK}</text></svg>',
        f'<img src=x onerror="{HANDLER_MARK}">',
        f'<a href="javascript:{HANDLER_MARK}">link words</a>',
        f'<span onclick="{HANDLER_MARK}">tap</span>',
        f'<iframe srcdoc="{SCRIPT_MARK}"></iframe>',
    ]
)  # Not <noscript> nor <template>: their words are inert text, and trafilatura keeps them (shown escaped).


@st.composite
def hostile_pages(draw) -> str:
    paragraphs = draw(st.lists(PROSE, min_size=1, max_size=6))
    body = []
    for paragraph in paragraphs:
        body.append(f"<p>{paragraph}</p>")
        if draw(st.booleans()):
            body.append(draw(CLEAN_HOSTILE_PIECES))
    head = draw(st.lists(CLEAN_HOSTILE_PIECES, max_size=3))
    return f"<html><head><title>{draw(PROSE)}</title>{''.join(head)}</head><body>{''.join(body)}</body></html>"


RANDOM_BYTES = st.one_of(
    st.binary(max_size=3000),
    WEIRD_TEXT.map(lambda text: text.encode("utf-8")),
    HOSTILE_HTML.map(lambda html: html.encode("utf-8")),
    st.tuples(st.sampled_from(["utf-16", "utf-32", "latin-1", "cp1252", "shift_jis", "koi8-r"]), WEIRD_TEXT).map(
        lambda pair: pair[1].encode(pair[0], errors="replace")
    ),
    st.tuples(st.sampled_from([b"%PDF-1.7", b"PK\x03\x04", b"\x89PNG", b"\xef\xbb\xbf", b"\xff\xfe"]), st.binary()).map(
        b"".join
    ),
    # A page declaring an encoding, with bytes that are not UTF-8 after it.
    st.tuples(
        st.sampled_from(["unicode_escape", "raw_unicode_escape", "punycode", "idna", "utf-7", "rot13", "base64"]),
        st.binary(max_size=200),
    ).map(lambda pair: b"<meta charset=" + pair[0].encode() + b"> words \\ud800 \\x00 \xff " + pair[1]),
)
SUFFIXES = st.sampled_from([".txt", ".md", ".html", ".htm", ".markdown", ".TXT", ".pdf", ".docx", ""])

# --- checks ------------------------------------------------------------------------------


def library_size() -> tuple[int, int]:
    return Story.objects.count(), Article.objects.count()


def assert_storable(text: str) -> None:
    """What we store must be real Unicode: no lone surrogates (UTF-8 cannot hold them)."""
    text.encode("utf-8")


def assert_clear(error: Exception) -> None:
    message = str(error)
    assert message.strip(), "an IngestError with no message"
    assert "Traceback" not in message
    assert len(message) < 2000, "a message nobody reads to the end"


# --- decode and extract ------------------------------------------------------------------


@FUZZ
@given(RANDOM_BYTES)
@example(b"<meta charset=unicode_escape> one two three \\ud800 four \xff")
def test_decoding_any_bytes_gives_real_text_or_a_message(data):
    try:
        text = decode(data, "file.txt")
    except IngestError as error:
        assert_clear(error)
        assert error.args[0].startswith("file.txt")
    else:
        assert_storable(text)


@FUZZ
@given(RANDOM_BYTES, SUFFIXES)
def test_any_file_becomes_an_article_or_a_message_naming_it(data, suffix):
    name = f"upload{suffix}"
    try:
        item = article_from_file(name, data)
    except IngestError as error:
        assert_clear(error)
        assert name in str(error)
    else:
        for value in (item.text, item.raw, item.headline, item.outlet, item.byline):
            assert_storable(value)
        assert item.filename == name


# Real PDF and Word documents (tests/documents.py), then damaged: bytes overwritten, or cut off.
_GOOD_PDF = make_pdf(["Harbour bridge stuck open", "The swing bridge stayed open on Tuesday after a motor failed."])
_GOOD_DOCX = make_docx(["The swing bridge stayed open on Tuesday after a motor failed."], heading="Bridge stuck")
DAMAGED_DOCUMENTS = st.tuples(
    st.sampled_from([(_GOOD_PDF, ".pdf"), (_GOOD_DOCX, ".docx")]),
    st.lists(st.tuples(st.integers(min_value=0, max_value=20_000), st.binary(min_size=1, max_size=8)), max_size=6),
    st.one_of(st.none(), st.integers(min_value=0, max_value=20_000)),
)


def _damaged(document: tuple[tuple[bytes, str], list[tuple[int, bytes]], int | None]) -> tuple[bytes, str]:
    (data, suffix), patches, cut = document
    damaged = bytearray(data)
    for at, replacement in patches:
        at %= len(damaged)
        damaged[at : at + len(replacement)] = replacement
    return (bytes(damaged[:cut]) if cut is not None else bytes(damaged)), suffix


@FUZZ
@given(DAMAGED_DOCUMENTS.map(_damaged))
def test_a_damaged_pdf_or_word_document_becomes_an_article_or_a_message_naming_it(document):
    data, suffix = document
    name = f"upload{suffix}"
    try:
        item = article_from_file(name, data)
    except IngestError as error:
        assert_clear(error)
        assert name in str(error)
    else:
        for value in (item.text, item.raw, item.headline):
            assert_storable(value)


@FUZZ
@given(HOSTILE_HTML)
def test_extracting_hostile_html_never_raises(html):
    page = extract_html(html)
    for value in (page.text, page.title, page.outlet, page.author, page.language):
        assert isinstance(value, str)
        assert_storable(value)
    assert HANDLER_MARK not in page.title + page.outlet + page.author  # attribute values are never text


@FUZZ
@given(hostile_pages())
def test_scripts_styles_and_handlers_never_reach_the_text(html):
    page = extract_html(html)
    reduced = html_to_text(html)
    for value in (page.text, page.title, page.outlet, page.author, reduced):
        assert SCRIPT_MARK not in value
        assert HANDLER_MARK not in value
        assert "window.__xss" not in value


@FUZZ
@given(st.lists(PROSE, min_size=1, max_size=5), st.sampled_from(["<", ">", "&", '"', "<script>", "{{ 7*7 }}"]))
def test_markup_characters_written_as_entities_come_out_as_characters(paragraphs, odd):
    escaped = odd.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    html = "<html><body>" + "".join(f"<p>{p} {escaped} {p}</p>" for p in paragraphs) + "</body></html>"
    text = extract_html(html).text
    assert odd in text
    assert escaped not in text or escaped == odd


# --- services ----------------------------------------------------------------------------


@st.composite
def article_inputs(draw) -> ArticleInput:
    text = draw(st.one_of(WEIRD_TEXT, PROSE, st.just(""), HOSTILE_HTML))
    return ArticleInput(
        text=text,
        outlet=draw(st.one_of(st.just(""), SHORT_WEIRD)),
        headline=draw(st.one_of(st.just(""), SHORT_WEIRD, SHORT_WEIRD.map(lambda tail: "headline " * 55 + tail))),
        byline=draw(st.one_of(st.just(""), SHORT_WEIRD)),
        source_url=draw(st.sampled_from(["", "https://example.org/a", "javascript:window.__xss=1"])),
    )


def check_stored(article: Article, item: ArticleInput) -> None:
    assert article.text == clean_text(item.text)
    assert article.raw.replace("\x00", "") == (item.raw or item.text).replace("\x00", "")
    assert article.outlet == item.outlet[:200].replace("\x00", "")
    assert article.headline == item.headline[:500].replace("\x00", "")
    for start, end, reason in article.junk_spans:
        assert 0 <= start < end <= len(article.text) and reason


@pytest.mark.django_db
@FUZZ
@given(st.one_of(st.just(""), SHORT_WEIRD, WORDS), st.lists(article_inputs(), min_size=1, max_size=4))
def test_create_story_stores_what_came_or_changes_nothing(title, items):
    before = library_size()
    try:
        story = create_story(title, items)
    except IngestError as error:
        assert_clear(error)
        assert library_size() == before
        return
    story.refresh_from_db()
    stored = list(story.versions.order_by("position"))
    assert len(stored) == len(items)
    for article, item in zip(stored, items, strict=True):
        article.refresh_from_db()
        check_stored(article, item)
    assert story.title == title.replace("\x00", "").strip()[:300]


@pytest.mark.django_db
@FUZZ
@given(st.lists(article_inputs(), min_size=1, max_size=3))
def test_adding_versions_to_a_story_is_all_or_nothing(items):
    story = create_story("Harbour bridge", [ArticleInput(text="The swing bridge stayed open on Tuesday.")])
    before = library_size()
    try:
        added = add_articles(story, items)
    except IngestError as error:
        assert_clear(error)
        assert library_size() == before
        assert story.versions.count() == 1
        return
    assert [a.position for a in added] == list(range(1, len(items) + 1))
    for article, item in zip(added, items, strict=True):
        article.refresh_from_db()
        check_stored(article, item)


# --- size limits -------------------------------------------------------------------------

LIMIT = 3000


@st.composite
def texts_near_the_limit(draw) -> str:
    """Words of one-, two-, three- and four-byte letters, ending within a few characters of LIMIT."""
    letters = draw(st.lists(st.sampled_from(["a", "é", "中", "😀", "\u0301"]), min_size=1, max_size=4))
    word = "".join(letters)
    unit = len(word + " ")
    target = LIMIT + draw(st.integers(-12, 12))
    text = " ".join([word] * max(3, target // unit))
    while len(text) < target:
        text += draw(st.sampled_from(["a", "é", "中", "😀"]))
    return draw(st.sampled_from(["", "\r\n", "  ", "\x00"])) + text + draw(st.sampled_from(["", "\n\n", " \x00"]))


@pytest.mark.django_db
@FUZZ
@given(texts_near_the_limit())
@override_settings(VERSUS_MAX_ARTICLE_CHARACTERS=LIMIT)
def test_a_text_is_accepted_exactly_up_to_the_size_limit(text):
    size = len(clean_text(text))
    before = library_size()
    try:
        story = create_story("Near the limit", [ArticleInput(text=text)])
    except IngestError as error:
        assert size > LIMIT, f"{size} characters refused under a limit of {LIMIT}: {error}"
        assert library_size() == before
        sizes = re.findall(r"[\d,]+ characters", str(error))
        assert len(sizes) == 2 and sizes[0] != sizes[1], f"the message does not show why: {error}"
    else:
        assert size <= LIMIT
        assert story.versions.get().text == clean_text(text)


@pytest.mark.django_db
@override_settings(VERSUS_MAX_ARTICLE_CHARACTERS=2_000_000)
def test_a_text_just_over_the_real_limit_says_by_how_much():
    text = "harbour " * 250_000 + "ferry"  # 2,000,005 characters
    with pytest.raises(IngestError) as caught:
        create_story("Too long", [ArticleInput(text=text)])
    sizes = re.findall(r"[\d,]+ characters", str(caught.value))
    assert len(sizes) == 2 and sizes[0] != sizes[1], str(caught.value)


# --- the import_story command ------------------------------------------------------------


@pytest.mark.django_db
@FUZZ
@given(st.lists(st.tuples(RANDOM_BYTES, st.sampled_from([".txt", ".md", ".html"])), min_size=1, max_size=3))
def test_import_story_takes_any_files_or_stops_with_a_message(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("import")
    paths = []
    for index, (data, suffix) in enumerate(files):
        path = folder / f"version-{index}{suffix}"
        path.write_bytes(data)
        paths.append(str(path))
    before = library_size()
    try:
        call_command("import_story", *paths, title="Imported story", verbosity=0, stdout=io.StringIO())
    except CommandError as error:
        assert_clear(error)
        assert "Nothing was imported" in str(error)
        assert library_size() == before
    else:
        story = Story.objects.filter(title="Imported story").latest("id")
        assert story.versions.count() == len(files)
        for article in story.versions.all():
            assert_storable(article.text)


@pytest.mark.parametrize("html", ["", " ", "<", "<html>", "<!-- -->", "<script>x</script>", "\x00", "<?xml?>", "&"])
def test_a_page_with_no_words_reduces_to_no_text_rather_than_failing(html):
    assert extract_html(html).text.strip("&<\ufffd") == ""  # a NUL in HTML reads as U+FFFD


# --- the import_jsonl command -------------------------------------------------------------

JSON_VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    SHORT_WEIRD,
    PROSE,
    st.lists(st.integers(), max_size=2),
    st.sampled_from(["2025-02-30", "2026-11-20T08:00", "https://example.org/a", "javascript:alert(1)", "\x00"]),
)
# JSON can spell what a str cannot hold: a lone surrogate, written as an escape.
ODD_ESCAPES = st.sampled_from(["\\ud800", "\\udfff", "\\u0000", "\\ud83d\\ude00", "\\u202e", "\\\\", '\\"'])


@st.composite
def feed_lines(draw) -> bytes:
    record = {key: draw(JSON_VALUES) for key in draw(st.sets(st.sampled_from(["outlet", "url", "headline", "date"])))}
    record["id"] = draw(st.one_of(PROSE, SHORT_WEIRD, st.integers(), st.just("")))
    record["text"] = draw(st.one_of(st.tuples(PROSE, WEIRD_TEXT).map(" ".join), WEIRD_TEXT, st.integers()))
    line = json.dumps(record, ensure_ascii=draw(st.booleans()))
    for key in ("text", "id", "outlet"):
        if draw(st.booleans()) and f'"{key}": "' in line:
            line = line.replace(f'"{key}": "', f'"{key}": "{draw(ODD_ESCAPES)}', 1)
    return draw(st.sampled_from([line.encode("utf-8", "surrogatepass"), b"{not json", b"", b"\xff\xfe", b"[1, 2]"]))


@pytest.mark.django_db
@FUZZ
@given(st.lists(feed_lines(), min_size=1, max_size=6))
@example([b'{"id": "\\ud800a", "text": "harbour ferry bridge"}', b'{"id": "a1", "url": "\\ud800x", "text": "a b c"}'])
def test_import_jsonl_imports_the_good_lines_and_reports_the_broken_ones(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    before = library_size()
    out = io.StringIO()
    try:
        call_command("import_jsonl", str(path), "--quiet", stdout=out, stderr=out)
    except CommandError as error:
        assert_clear(error)
        assert re.search(r"line \d+", out.getvalue() + str(error)), "a broken line is not named by its number"
    out.getvalue().encode("utf-8")  # what a terminal or a log file must be able to take
    stories, articles = library_size()
    assert stories >= before[0] and articles >= before[1]
    for article in Article.objects.all():
        assert_storable(article.text + article.raw + article.outlet + article.headline + article.filename)
