"""Reading a text file for a command as import_story reads it, with errors a person can act on."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from django.core.management.base import CommandError

from articles.documents import DOCX_SUFFIXES, PDF_SUFFIXES
from articles.extract import HTML_SUFFIXES, decode
from articles.services import IngestError

# A web page saved under any name: what its first characters are, whatever the file is called.
HTML_START = re.compile(r"\s*<(!doctype\s+html|html[\s>])", re.IGNORECASE)
# Files whose article text import_story takes out first: read as they are, the markup or the
# bytes would be compared or traced, not the article.
DOCUMENTS = (
    (HTML_SUFFIXES, "a web page (HTML)"),
    (PDF_SUFFIXES, "a PDF document"),
    (DOCX_SUFFIXES, "a Word document"),
)
DOCUMENT_SUFFIXES = tuple(suffix for suffixes, _ in DOCUMENTS for suffix in suffixes)


def read_text(given: str, *, most_bytes: int | None = None, stdin: bool = False) -> str:
    """The file at ``given`` (or, with ``stdin``, standard input when ``given`` is "-") decoded
    as ``as_text`` decodes it. With ``most_bytes``, reading stops there and a longer input is
    refused (``/dev/zero`` ends too)."""
    name = "Standard input" if stdin and given == "-" else given
    return as_text(read_bytes(given, most_bytes=most_bytes, stdin=stdin), name)


def as_text(data: bytes, name: str) -> str:
    """``data`` decoded exactly as import_story and the upload form decode a text file
    (``articles.extract.decode``: UTF-8, a byte-order mark, else a confident guess such as
    Windows-1252), or CommandError saying why it cannot be read and what to do.

    The same function, not a copy of its rules: a file that import_story reads must not be
    refused by align or trace (a Latin-1 reprint was), and the text whose offsets align
    prints is then the text an imported version stores."""
    try:
        return decode(data, name)
    except IngestError as error:
        raise CommandError(str(error)) from None


def read_bytes(given: str, *, most_bytes: int | None = None, stdin: bool = False) -> bytes:
    """The file at ``given`` (or standard input, as ``read_text``) as stored, at most ``most_bytes``."""
    from_stdin = stdin and given == "-"
    name = "Standard input" if from_stdin else given
    size = -1 if most_bytes is None else most_bytes + 1
    try:
        if from_stdin:
            data = sys.stdin.buffer.read(size)
        else:
            with Path(given).open("rb") as stream:
                data = stream.read(size)
    except FileNotFoundError:
        raise CommandError(f"No such file: {given}") from None
    except IsADirectoryError:
        raise CommandError(f"{given} is a folder, not a text file.") from None
    except OSError as error:
        raise CommandError(f"Cannot read {given}: {error.strerror or error}") from None
    if most_bytes is not None and len(data) > most_bytes:
        raise CommandError(f"{name} is longer than the {most_bytes:,} bytes a text may have here.")
    return data
