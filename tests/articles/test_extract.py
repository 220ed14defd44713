"""Decoding files and reducing HTML to the article's text."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest

from articles.extract import article_from_file, decode, extract_html, html_to_text, strip_markdown
from articles.services import IngestError

STORY = (
    "The river rose two metres overnight and flooded the main street of Lenzfeld, residents said on Thursday.\n\n"
    "Volunteers worked through the night to stack sandbags along the banks of the Lenz.\n\n"
    "The mayor, Jürgen Haß, said the damage would cost millions and asked the state government for help."
)

PAGE = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Flood hits Lenzfeld | The Valley Courier</title>
<meta property="og:site_name" content="The Valley Courier">
<meta property="og:title" content="Flood hits Lenzfeld">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-05-02T10:00:00Z">
<script>window.stolen = document.cookie;</script>
<style>p { color: red }</style>
</head><body onload="alert('loaded')">
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Flood hits Lenzfeld</h1>
<p>The river rose two metres overnight and flooded the main street of Lenzfeld, residents said on Thursday.</p>
<p onclick="steal()">Volunteers worked through the night <img src="x" onerror="alert('img')"> to stack sandbags.</p>
<script>document.write('<p>INJECTED BY SCRIPT</p>')</script>
<p>The mayor said the damage would cost millions and asked the state government for help with repairs.</p>
</article>
<footer>© The Valley Courier. All rights reserved.</footer>
</body></html>"""


def test_it_decodes_utf8_with_and_without_a_byte_order_mark():
    assert decode(STORY.encode("utf-8"), "a.txt") == STORY
    assert decode(codecs.BOM_UTF8 + STORY.encode("utf-8"), "a.txt") == STORY


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_it_decodes_utf16_that_has_a_byte_order_mark(encoding):
    data = STORY.encode(encoding)
    if encoding != "utf-16":  # the plain codec writes its own mark
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + data
    assert decode(data, "a.txt") == STORY


def test_it_guesses_a_legacy_encoding_when_the_guess_is_confident():
    text = (STORY + "\n\n") * 4 + "Die Straße in Lenzfeld wurde gesperrt, sagte der Bürgermeister. Größere Schäden."
    assert decode(text.encode("cp1252"), "a.txt") == text


@pytest.mark.parametrize(
    "text",
    [
        "Le café de la place a été fermé hier soir par la préfecture après une bagarre.",
        "A naïve reader might think the café was closed.",
        "Der Bürgermeister sagte, die Straße bleibe geschlossen.",
    ],
)
def test_it_reads_a_short_latin_1_text_as_western_european_not_as_another_code_page(text):
    # The guesser ties Windows-1250 and Baltic code pages with Windows-1252 on short texts
    # ("après" came out as "aprčs"), and a wrong guess invents wording changes.
    assert decode(text.encode("latin-1"), "a.txt") == text


def test_a_text_only_central_european_encoding_reads_cleanly_keeps_that_encoding():
    text = "Zażółć gęślą jaźń, powiedział minister w środę."
    assert decode(text.encode("cp1250"), "a.txt") == text


def test_it_uses_the_charset_a_page_declares():
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Gr\xfc\xdfe aus K\xf6ln</p></body></html>'
    assert "Grüße aus Köln" in decode(page.encode("latin-1"), "page.html")


def test_it_refuses_bytes_it_cannot_read_as_text():
    noise = bytes(range(128, 256)) * 20
    with pytest.raises(IngestError, match="save it as UTF-8"):
        decode(noise, "mystery.txt")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "Word"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"hello\x00\x00\x00world\x00binary", "binary data"),
    ],
)
def test_it_refuses_documents_and_images_with_a_message_saying_what_they_are(data, kind):
    with pytest.raises(IngestError, match=kind):
        article_from_file("article.txt", data)


def test_a_binary_file_is_told_every_format_versus_reads():
    with pytest.raises(IngestError, match=r"binary data\)\. Versus reads \.txt, \.md, \.html, \.pdf and \.docx files"):
        article_from_file("article.txt", b"hello\x00\x00\x00world\x00binary")


def test_it_refuses_file_types_it_does_not_read():
    with pytest.raises(IngestError, match=r"\.txt, \.md, \.html, \.pdf and \.docx"):
        article_from_file("article.xyz", b"some words here")


def test_it_refuses_an_empty_file():
    with pytest.raises(IngestError, match="empty"):
        article_from_file("blank.txt", b"  \n\n ")


def test_it_reduces_an_html_page_to_the_article_and_its_metadata():
    item = article_from_file("courier.html", PAGE.encode("utf-8"))
    assert "The river rose two metres overnight" in item.text
    assert "The mayor said the damage" in item.text
    assert item.headline == "Flood hits Lenzfeld"
    assert item.outlet == "The Valley Courier"
    assert item.byline == "Jane Roe"
    assert item.published_on == dt.date(2024, 5, 2)
    assert item.filename == "courier.html"
    assert item.raw == PAGE


def test_no_script_or_event_handler_survives_the_reduction():
    for text in (extract_html(PAGE).text, html_to_text(PAGE)):
        assert "stolen" not in text
        assert "INJECTED" not in text
        assert "onerror" not in text
        assert "onclick" not in text
        assert "alert" not in text
        assert "<" not in text
        assert "color: red" not in text


def test_it_falls_back_to_the_plain_text_of_a_page_trafilatura_finds_nothing_in():
    page = "<html><body><div>Short note: the ferry is cancelled today.</div><script>x()</script></body></html>"
    assert extract_html(page).text == "Short note: the ferry is cancelled today."


def test_markdown_loses_its_syntax_but_keeps_its_words():
    md = (
        "# Flood hits Lenzfeld\n\n"
        "The river rose **two metres** overnight, *residents* said.\n\n"
        "> “We lost everything,” said one [shop owner](https://example.org/owner).\n\n"
        "- sandbags\n- pumps\n"
    )
    assert strip_markdown(md) == (
        "Flood hits Lenzfeld\n\nThe river rose two metres overnight, residents said.\n\n"
        "“We lost everything,” said one shop owner.\n\n- sandbags\n- pumps\n"
    )


def test_a_markdown_file_keeps_what_was_submitted_as_raw():
    item = article_from_file("notes.md", b"## Title here\n\nSome **bold** words follow here.")
    assert item.text == "Title here\n\nSome bold words follow here."
    assert item.raw == "## Title here\n\nSome **bold** words follow here."


def test_a_text_file_starting_with_a_headline_gives_the_version_its_headline():
    item = article_from_file("gazette.txt", b"Flood hits Lenzfeld overnight\n\nThe river rose two metres overnight.")
    assert item.headline == "Flood hits Lenzfeld overnight"
    assert item.text.startswith("Flood hits Lenzfeld overnight")  # it stays in the compared text


@pytest.mark.parametrize(
    ("first_line", "headline"),
    [
        # A sentence, not a headline: still the best name the file has (never the file's name).
        ("The river rose two metres, residents said.", "The river rose two metres, residents said."),
        ("Lenzfeld", "The river rose two metres overnight."),  # one word: a place or an outlet, not the story
        ("Share Tweet Email", "The river rose two metres overnight."),  # page furniture
        # Cut at a word:
        ("A very long first line " * 10, ("A very long first line " * 6).strip() + " A very long first…"),
    ],
)
def test_a_first_line_that_is_not_a_headline_gives_the_best_name_there_is(first_line, headline):
    data = f"{first_line}\n\nThe river rose two metres overnight.".encode()
    assert article_from_file("gazette.txt", data).headline == headline


BIG_PAGE_PARAGRAPH = (
    "<p>The harbour council met on Tuesday and agreed that the old swing bridge would be repaired, "
    "the ferry would run every ten minutes, and engineers would report back by Friday.</p>\n"
)


def big_page(size: int) -> str:
    return (
        "<html><head><title>Bridge report | The Harbour Gazette</title></head><body><article>"
        + BIG_PAGE_PARAGRAPH * (size // len(BIG_PAGE_PARAGRAPH))
        + "</article></body></html>"
    )


def test_a_page_over_the_extractor_size_cap_gets_the_plain_reduction_with_every_word(settings):
    settings.VERSUS_EXTRACT_MAX_BYTES = 10_000
    page = extract_html(big_page(50_000))
    assert page.title == "Bridge report | The Harbour Gazette"
    assert page.text.count("swing bridge would be repaired") == 50_000 // len(BIG_PAGE_PARAGRAPH)


def test_what_the_extractor_returns_after_its_budget_ran_out_is_not_used(settings, monkeypatch):
    # The budget's timer can fire where its exception is swallowed (inside lxml's C code, a
    # finaliser): trafilatura then returns what it had, one paragraph of a thousand. This stands
    # in for that: it swallows the timer and returns part of the page late.
    import contextlib
    import time
    import types

    import trafilatura

    def swallows_the_timer(html, **_):
        with contextlib.suppress(BaseException):  # what a swallowing library does
            time.sleep(0.05)
        time.sleep(0.01)
        return types.SimpleNamespace(
            text=BIG_PAGE_PARAGRAPH.removeprefix("<p>").split("</p>")[0],
            title="Bridge report",
            sitename="",
            author="",
            date=None,
            language="",
        )

    monkeypatch.setattr(trafilatura, "bare_extraction", swallows_the_timer)
    settings.VERSUS_EXTRACT_SECONDS = 0.01
    page = extract_html(big_page(200_000))
    assert page.text.count("swing bridge would be repaired") == 200_000 // len(BIG_PAGE_PARAGRAPH)


def test_a_page_the_extractor_cannot_finish_in_its_budget_gets_the_plain_reduction(settings):
    settings.VERSUS_EXTRACT_SECONDS = 0.0001  # trafilatura is interrupted inside its work
    page = extract_html(big_page(200_000))
    assert page.text.count("swing bridge would be repaired") == 200_000 // len(BIG_PAGE_PARAGRAPH)
    assert page.title == "Bridge report | The Harbour Gazette"
