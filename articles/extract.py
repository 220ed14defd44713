"""From submitted bytes to an article: decoding, refusing binaries, HTML reduced to text.

Files and web pages are untrusted. Bytes are decoded only when we can tell how (UTF-8, a
byte-order mark, the page's own declaration, or a confident guess); documents that are
not text (PDF, Word, images) are refused with a message saying what to do instead. HTML
is never kept as markup to show: it is reduced to the article's text with trafilatura,
and scripts, styles and event handlers are dropped on the way.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urlsplit

import charset_normalizer
import lxml.html
import trafilatura
from django.conf import settings
from lxml import etree

from compare.engine import find_junk
from versus.budget import OverBudget, time_limit

from .documents import DOCX_SUFFIXES, PDF_SUFFIXES, DocumentText, looks_like_pdf, read_docx, read_pdf
from .models import Article
from .naming import first_line_headline, is_readable
from .reading import reading_length
from .services import ArticleInput, IngestError

TEXT_SUFFIXES = (".txt", ".text")
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
ACCEPTED_SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES + DOCX_SUFFIXES
READS = "Versus reads .txt, .md, .html, .pdf and .docx files."

# What a file that is not text starts with, and how to tell a teacher what it is.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a Word, OpenOffice or ZIP file"),
    (b"\xd0\xcf\x11\xe0", "an old Word or Office file"),
    (b"{\\rtf", "a Rich Text (RTF) file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"ID3", "an audio file"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
]
_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# A guess from charset-normalizer is used only if the decoded text looks this clean.
_MAX_CHAOS = 0.2
# Guesses this close in chaos read the bytes equally cleanly.
_SAME_CHAOS = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Characters lxml refuses in text it is given (XML 1.0 excludes them); no page needs them.
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BLOCKS = [
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "br",
    "hr",
    "figure",
    "figcaption",
]
MAX_HEADLINE = 160
# Documents Versus does not read, and how to turn them into one it does.
_SAVE_AS = {
    ".doc": "this is an old Word file (.doc). Open it in Word or LibreOffice and save it as .docx, then upload that.",
    ".odt": "this is an OpenDocument text. Open it in LibreOffice and save it as .docx (Word), then upload that.",
    ".rtf": "this is a Rich Text file. Open it in a word processor and save it as .docx (Word), then upload that.",
    ".pages": "this is an Apple Pages document. Export it as Word (.docx) or PDF, then upload that.",
}
_NOT_A_HEADLINE_END = (".", ",", ";", ":", "!", "?", "*", ")")
_NEVER_TEXT = ["script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head", "form", "button"]


@dataclass
class Extracted:
    """What could be read from a page besides its text."""

    text: str
    title: str = ""
    outlet: str = ""
    author: str = ""
    published_on: dt.date | None = None
    language: str = ""


def file_kind(data: bytes) -> str | None:
    """What a file that is not text is ("a PDF file"), from its first bytes, else None."""
    return next((kind for signature, kind in _SIGNATURES if data.startswith(signature)), None)


def refuse_binary(data: bytes, name: str) -> None:
    """Raise IngestError if the bytes are a document or image rather than text."""
    kind = file_kind(data)
    if kind is not None:
        raise IngestError(
            f"{name}: this looks like {kind}, not text. Open it, save it as plain text (.txt) or a web page "
            "(.html), and upload that instead."
        )
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return  # UTF-16 and UTF-32 text is full of NUL bytes
    if b"\x00" in data[:8192]:
        raise IngestError(f"{name}: this file is not text (it contains binary data). {READS}")


def decode(data: bytes, name: str, declared: str = "") -> str:
    """Text from bytes: UTF-8, a byte-order mark, a declared charset, or a confident guess.

    ``declared`` is the charset a web server named in its Content-Type, if any.
    """
    refuse_binary(data, name)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding, errors="strict"), name)
            except UnicodeDecodeError as error:
                raise IngestError(
                    f"{name}: this file says it is {encoding.upper().removesuffix('-SIG')} text but parts of it are "
                    "damaged. Open it in a text editor and save it as UTF-8, then upload it again."
                ) from error
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    for candidate in (declared, _declared_in_page(data)):
        if candidate:
            try:
                text = data.decode(candidate)
            except (LookupError, UnicodeError):  # unknown names; IDNA and punycode raise plain UnicodeError
                continue
            # Python-only "encodings" a page can name (unicode_escape) make lone surrogates: not text.
            if not _SURROGATE.search(text):
                return _checked(text, name)
    results = charset_normalizer.from_bytes(data)
    best = _western_if_as_likely(results, results.best())
    if best is None or best.chaos > _MAX_CHAOS:
        raise IngestError(
            f"{name}: we could not tell which character encoding this file uses, so its letters might come out "
            "wrong. Open it in a text editor and save it as UTF-8, then upload it again."
        )
    return _checked(str(best), name)


def _western_if_as_likely(
    results: charset_normalizer.CharsetMatches, best: charset_normalizer.CharsetMatch | None
) -> charset_normalizer.CharsetMatch | None:
    """Windows-1252 (Western European) when it reads the bytes as cleanly as the best guess.

    On a short text the guesser cannot tell the single-byte code pages apart: French saved
    as Latin-1 reads as cleanly in Central European Windows-1250 ("après" -> "aprčs") and
    "naïve" in Baltic cp775 ("na’ve"), and its tie-break picked those. Windows-1252 is what
    an unlabelled legacy text most often is (a superset of Latin-1's printable characters;
    browsers read "latin-1" pages as it); a text that only Windows-1250 reads cleanly, such
    as Polish, still gets Windows-1250."""
    if best is None:
        return None
    for match in results:
        western = match.encoding == "cp1252" or "cp1252" in match.could_be_from_charset
        if western and match.chaos <= best.chaos + _SAME_CHAOS:
            return match
    return best


def _declared_in_page(data: bytes) -> str:
    m = _DECLARED_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "ignore") if m else ""


def _checked(text: str, name: str) -> str:
    if _SURROGATE.search(text):
        raise IngestError(
            f"{name}: we could not tell which character encoding this file uses. Open it in a text editor and save "
            "it as UTF-8, then upload it again."
        )
    if len(_CONTROL.findall(text)) > max(5, len(text) // 100):
        raise IngestError(f"{name}: this file is not readable text (too many control characters).")
    return text


def strip_markdown(text: str) -> str:
    """Markdown as a reader sees it: the words stay, the syntax marks go.

    Kept light on purpose: headings, emphasis, links, images and quote marks are
    unwrapped; lists and line breaks stay as they are, since they read fine as text.
    """
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)  # images keep their alt text
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their words
    text = re.sub(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", r"\1", text, flags=re.MULTILINE)
    text = re.sub(r"^[ \t]{0,3}>[ \t]?", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])", r"\1", text)
    text = re.sub(r"`([^`\n]+)`", r"\1", text)
    text = re.sub(r"^[ \t]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$", "", text, flags=re.MULTILINE)  # horizontal rules
    return text


def extract_html(html: str, url: str = "") -> Extracted:
    """The article in a page: its text and what trafilatura can tell about it.

    trafilatura's time and memory grow fast with the page (a 2 MB page took seconds and
    hundreds of MB), so it gets pages up to ``VERSUS_EXTRACT_MAX_BYTES`` and
    ``VERSUS_EXTRACT_SECONDS`` for each; a bigger or slower page gets the plain reduction,
    which is linear and quick (every word is kept; the junk finder still marks the clutter).
    """
    doc = None
    if len(html) <= settings.VERSUS_EXTRACT_MAX_BYTES:
        try:
            with time_limit(settings.VERSUS_EXTRACT_SECONDS):
                doc = trafilatura.bare_extraction(
                    html,
                    url=url or None,
                    with_metadata=True,
                    include_comments=False,
                    include_tables=True,
                    include_images=False,
                    include_links=False,
                )
        except OverBudget:
            doc = None
        except Exception:  # noqa: BLE001 - a page trafilatura chokes on still gets the plain reduction
            doc = None
    if isinstance(doc, dict):  # only with as_dict=True, which is not asked for
        doc = None
    text = ""
    if doc is not None:
        text = "\n\n".join(line.strip() for line in (doc.text or "").splitlines() if line.strip())
    if reading_length(text).is_too_short():
        text = html_to_text(html)
    if doc is None:
        return Extracted(text=text, title=_title_of(html))
    return Extracted(
        text=text,
        title=(doc.title or "").strip(),
        outlet=(doc.sitename or "").strip(),
        author=(doc.author or "").strip(),
        published_on=_parse_date(doc.date),
        language=(doc.language or "").strip(),
    )


def html_to_text(html: str) -> str:
    """A plain reduction of any HTML: visible text only, one block per paragraph."""
    try:
        root = lxml.html.fromstring(_NOT_XML.sub(" ", html))
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(root, *_NEVER_TEXT, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in root.text_content().splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _title_of(html: str) -> str:
    m = re.search(r"<title[^>]*>(.*?)</title>", html, re.IGNORECASE | re.DOTALL)
    return html_to_text(f"<p>{m.group(1)}</p>") if m else ""


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def article_from_html(html: str, *, name: str, url: str = "", source: str = Article.Source.FILE) -> ArticleInput:
    page = extract_html(html, url)
    return ArticleInput(
        text=page.text,
        raw=html,
        # The site's own name (og:site_name and the like), else the website it came from.
        outlet=page.outlet or _site_of(url),
        headline=page.title or default_headline(page.text),
        byline=page.author,
        source_url=url,
        published_on=page.published_on,
        language=page.language,
        source=source,
        filename=name if source != Article.Source.URL else "",
    )


def _site_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def article_from_file(name: str, data: bytes, source: str = Article.Source.FILE) -> ArticleInput:
    """One uploaded or imported file as an article, or IngestError saying why not."""
    name = PurePath(name).name
    suffix = PurePath(name).suffix.lower()
    if suffix in _SAVE_AS:
        raise IngestError(f"{name}: {_SAVE_AS[suffix]}")
    if suffix not in ACCEPTED_SUFFIXES:
        raise IngestError(f"{name}: {READS} Save the article in one of those formats.")
    if not data.strip():
        raise IngestError(f"{name}: the file is empty.")
    # A PDF is read as one whatever it is called (mail programs and downloads rename files).
    if suffix in PDF_SUFFIXES or looks_like_pdf(data):
        return article_from_document(read_pdf(data, name), name=name, source=source)
    if suffix in DOCX_SUFFIXES:
        return article_from_document(read_docx(data, name), name=name, source=source)
    text = decode(data, name)
    if suffix in HTML_SUFFIXES:
        return article_from_html(text, name=name, source=source)
    if suffix in MARKDOWN_SUFFIXES:
        plain = strip_markdown(text)
        return ArticleInput(text=plain, raw=text, headline=default_headline(plain), filename=name, source=source)
    return ArticleInput(text=text, raw=text, headline=default_headline(text), filename=name, source=source)


def _a_name_only(line: str) -> bool:
    """A word or two alone on a line ("Bloomberg", "Lenzfeld") names a place or an outlet, not the story."""
    length = reading_length(line)
    return length.words < 3 and length.characters < 4


def article_from_document(document: DocumentText, *, name: str, source: str, url: str = "") -> ArticleInput:
    """A PDF's or Word document's text as a version; ``raw`` is that text (no file is stored)."""
    return ArticleInput(
        text=document.text,
        raw=document.text,
        headline=document.title or default_headline(document.text),
        outlet=_site_of(url),
        source_url=url,
        source=source,
        filename=name if source != Article.Source.URL else "",
    )


def default_headline(text: str) -> str:
    """A name for a version that came without one: its first line, unless that line is scraped junk
    (a photo caption, "Share on twitter"), then the first line that is not; cut to a headline's length."""
    headline = headline_of(text)
    if headline:
        return headline
    for line in text.strip().splitlines()[:20]:
        line = line.strip()
        if line and not find_junk(line) and is_readable(line) and not _a_name_only(line):
            return first_line_headline(line, MAX_HEADLINE)
    return first_line_headline(text, MAX_HEADLINE)


def headline_of(text: str) -> str:
    """The first line, if it reads like a headline: short, more than a word, no closing punctuation.

    Saved articles usually start with their headline; it stays in the text (it is compared
    too) and also names the version where no outlet is known.
    """
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2:
        return ""
    first = lines[0]
    if len(first) > MAX_HEADLINE or len(first.split()) < 3 or first.endswith(_NOT_A_HEADLINE_END):
        return ""
    if find_junk(first):
        return ""
    return first
