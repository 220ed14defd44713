"""Small PDF and Word documents built by the tests themselves (no files checked in)."""

from __future__ import annotations

import io
import textwrap
import zipfile

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

LINES_PER_PAGE = 52


def _pdf_string(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(
    paragraphs: list[str] | None = None,
    *,
    pages: int = 1,
    password: str = "",
    title: str = "",
    text_pages: int | None = None,
) -> bytes:
    """A PDF of at least ``pages`` pages carrying ``paragraphs`` as real text (Helvetica, lines of up to 90
    characters, 52 lines a page, as many pages as they need); with ``text_pages`` only that many pages carry
    text. Pages without text are blank, like a scan's pages without a text layer."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    lines: list[str] = []
    for paragraph in paragraphs or []:
        lines += textwrap.wrap(paragraph, 90) + [""]
    chunks = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    text_pages = len(chunks) if text_pages is None else text_pages
    for number in range(max(pages, len(chunks) if text_pages else pages)):
        page = writer.add_blank_page(612, 792)
        if number >= min(text_pages, len(chunks)):
            continue
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        ops = ["BT", "/F1 10 Tf", "13 TL", "60 740 Td"]
        ops += [f"({_pdf_string(line)}) Tj T*" if line else "T*" for line in chunks[number]]
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("cp1252", errors="replace"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": TextStringObject(title)})
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(
    paragraphs: list[str], *, heading: str = "", title: str = "", table: list[list[str]] | None = None
) -> bytes:
    import docx

    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.core_properties.title = title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()
