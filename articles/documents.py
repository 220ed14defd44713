"""PDF and Word (.docx) documents as ways in: their text, and the refusals a teacher understands.

Press releases and wire copy arrive as PDF and .docx. The text is read with pypdf (PDF)
and python-docx (Word); nothing else of the document is kept: ``raw`` of such a version
is the text read from it, since the database stores text, not files.

A document is untrusted like any upload. Before a library parses it, the cheap checks
run first: a .docx must be a ZIP holding a Word body whose unpacked size is bounded (a
small "zip bomb" cannot fill memory); a PDF may have at most ``VERSUS_MAX_DOCUMENT_PAGES``
pages. Every library error becomes an IngestError naming the file and what to do.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings

from .reading import reading_length
from .services import IngestError

PDF_SUFFIXES = (".pdf",)
DOCX_SUFFIXES = (".docx",)
PDF_TYPES = ("application/pdf", "application/x-pdf")
DOCX_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)

# Unpacked size of a .docx's parts that we read; a news article's body is a few hundred KB at most.
MAX_DOCX_UNPACKED = 50_000_000
_DOCX_BODY = "word/document.xml"
# Titles that word processors and PDF printers put in a document's properties: a file's name, not a headline.
_MACHINE_TITLE = re.compile(r"(\.(docx?|pdf|rtf|odt|txt)$)|^(microsoft word|untitled|document\d*$)", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass
class DocumentText:
    text: str
    title: str = ""  # from the document's properties or its first heading; "" when only a file name is there


def looks_like_pdf(data: bytes) -> bool:
    # The header may follow a little junk (some mail systems add bytes); readers look in the first KB.
    return b"%PDF-" in data[:1024]


def read_pdf(data: bytes, name: str) -> DocumentText:
    """The text of a PDF's pages, or IngestError for an encrypted, damaged, too long or scanned one."""
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

    damaged = IngestError(
        f"{name}: this PDF is damaged or not really a PDF, so its text cannot be read. Open it in a PDF reader; "
        "if it opens, copy the article's text and paste it instead."
    )
    # pypdf logs every oddity of a broken file as a warning; the reader gets one clear message instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs are "encrypted" with an empty password only to forbid editing; those open.
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError, PyPdfError):
                opened = PasswordType.NOT_DECRYPTED
            if not opened:
                raise IngestError(
                    f"{name}: this PDF is protected by a password, so its text cannot be read. Open it with the "
                    "password, copy the article's text and paste it instead (or save an unprotected copy)."
                )
        pages = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, FileNotDecryptedError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise damaged from error
    except Exception as error:  # noqa: BLE001 - any parser failure on an untrusted file is "damaged"
        raise damaged from error
    limit = settings.VERSUS_MAX_DOCUMENT_PAGES
    if pages > limit:
        raise IngestError(
            f"{name}: this PDF has {pages} pages; Versus reads documents of at most {limit} pages, the length of a "
            "long article. Save or print only the pages of the article as a new PDF and upload that."
        )
    if pages == 0:
        raise IngestError(f"{name}: this PDF has no pages.")
    texts = []
    try:
        for page in reader.pages:
            texts.append(unwrap_lines(_tidy(page.extract_text() or "")))
    except Exception as error:  # noqa: BLE001 - a page the parser chokes on: the file is damaged
        raise damaged from error
    text = "\n\n".join(t for t in texts if t)
    if not text.strip() or reading_length(text).is_too_short():
        raise IngestError(
            f"{name}: this PDF has no text in it, only pictures of pages (it was probably scanned). Versus cannot "
            "read pictures. Use a PDF with selectable text, or run it through text recognition (OCR) first, or "
            "type or paste the article."
        )
    title = ""
    try:
        meta = reader.metadata
        if meta is not None:
            title = str(meta.title or "")
    except Exception:  # noqa: BLE001, S110 - properties are a bonus; a broken info dictionary is ignored
        pass
    return DocumentText(text=text, title=_useful_title(title))


def read_docx(data: bytes, name: str) -> DocumentText:
    """The text of a Word document's body (paragraphs and tables, in order), or IngestError saying why not."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(
            f"{name}: this is an old Word file (.doc) or a Word document protected by a password. Open it in Word "
            "or LibreOffice and save it as .docx (without a password), then upload that."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise IngestError(
            f"{name}: this file is damaged or not a Word document (.docx files are ZIP packages inside), so it "
            "cannot be read. Open it in Word or LibreOffice and save it again as .docx."
        ) from error
    if _DOCX_BODY not in names:
        raise IngestError(
            f"{name}: this is a ZIP archive named .docx, but it holds no Word document. Unpack it and upload "
            "the article inside, or save the article from Word as .docx."
        )
    unpacked = sum(info.file_size for info in archive.infolist() if info.filename.startswith("word/"))
    if unpacked > MAX_DOCX_UNPACKED:
        raise IngestError(
            f"{name}: this Word document unpacks to more than {MAX_DOCX_UNPACKED // 1_000_000} MB, far more than an "
            "article. Copy the article's text and paste it instead."
        )
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document))
        title = document.core_properties.title or ""
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise IngestError(
            f"{name}: this Word document is damaged, so its text cannot be read. Open it in Word or LibreOffice "
            "and save it again as .docx."
        ) from error
    except Exception as error:  # noqa: BLE001 - any parser failure on an untrusted file is "damaged"
        raise IngestError(
            f"{name}: this Word document is damaged, so its text cannot be read. Open it in Word or LibreOffice "
            "and save it again as .docx."
        ) from error
    text = "\n\n".join(text for text, _ in blocks)
    if not text.strip():
        raise IngestError(f"{name}: this Word document has no text in it (pictures only, or empty).")
    heading = blocks[0][0] if blocks and blocks[0][1].startswith(("title", "heading")) else ""
    return DocumentText(text=text, title=_useful_title(title) or heading[:500])


def _docx_blocks(document) -> list[tuple[str, str]]:
    """(text, lower-cased style name) of each paragraph of the body, and of each table row, in reading order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[tuple[str, str]] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            text = _tidy(paragraph.text)
            if text:
                # Only the first paragraph's style matters (a Title or Heading names the version); looking
                # a style up costs more than reading the paragraph, so the others are not looked up.
                style = ""
                if not blocks and paragraph.style is not None:
                    style = (paragraph.style.name or "").lower()
                blocks.append((text, style))
        elif tag == "tbl":
            for row in Table(element, document).rows:
                cells = []
                for cell in row.cells:
                    value = _tidy(cell.text)
                    if value and value not in cells:  # merged cells repeat their text
                        cells.append(value)
                if cells:
                    blocks.append((" · ".join(cells), "table"))
    return blocks


# A line at least this share of the page's longest line ran into the right margin: the paragraph goes on.
_FULL_LINE = 0.72


def unwrap_lines(text: str) -> str:
    """A PDF page's lines joined back into paragraphs.

    PDFs keep the printed lines, not the paragraphs: "the role Vladimir" / "Putin's most powerful…".
    A line that reaches (nearly) the right margin was wrapped there, so the next line continues its
    paragraph; a shorter line (a headline, a paragraph's last line) ends one. Blank lines stay breaks.
    """
    lines = text.split("\n")
    width = max((len(line) for line in lines), default=0)
    if width < 30:  # a page of short lines (a list, a table): keep its lines as they are
        return text
    out: list[str] = []
    joining = False
    for line in lines:
        if not line.strip():
            out.append("")
            joining = False
            continue
        if joining and out and out[-1]:
            previous = out[-1]
            # A word hyphenated across lines keeps its hyphen (it may be a real one) but no space.
            glue = "" if previous.endswith("-") and line[:1].islower() else " "
            out[-1] = previous + glue + line
        else:
            out.append(line)
        joining = len(line) >= _FULL_LINE * width
    paragraphs = "\n".join(out).split("\n")
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph.strip())


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _useful_title(title: str) -> str:
    title = " ".join(title.split())
    if not title or _MACHINE_TITLE.search(title):
        return ""
    return title[:500]
