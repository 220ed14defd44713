"""How fast are PDF and Word documents read? Prints seconds per document and the ratio to reading
the same text as a plain .txt file, in this process.

    .venv/bin/python bench/documents.py

Inputs are built here (tests/documents.py, the same builders the tests use): one made-up
paragraph of news prose repeated to a short article (12 paragraphs), a long one (120) and
the biggest that fits the 100-page PDF limit (about 600 paragraphs, 70 pages). Each
document is read three times; the median is printed.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "versus.settings")

import django  # noqa: E402

django.setup()

from documents import make_docx, make_pdf  # noqa: E402

from articles.extract import article_from_file  # noqa: E402

PARAGRAPH = (
    "The harbour swing bridge will reopen to traffic on Friday morning after engineers fitted a spare motor, "
    "the council said in a statement on Wednesday. Commuters have used a foot ferry across the harbour mouth "
    "since the bridge stuck open on Tuesday, and shops on the quay said trade had halved."
)


def median_seconds(name: str, data: bytes, runs: int = 3) -> tuple[float, int]:
    times, characters = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        characters = len(article_from_file(name, data).text)
        times.append(time.perf_counter() - started)
    return statistics.median(times), characters


def main() -> None:
    print(f"{'document':<22}{'size':>10}{'characters':>12}{'seconds':>10}{'× .txt':>9}")
    for paragraphs in (12, 120, 600):
        texts = [PARAGRAPH] * paragraphs
        plain = "\n\n".join(texts).encode("utf-8")
        baseline, _ = median_seconds("article.txt", plain)
        for kind, data in (("pdf", make_pdf(texts)), ("docx", make_docx(texts))):
            seconds, characters = median_seconds(f"article.{kind}", data)
            label = f"{paragraphs} paragraphs .{kind}"
            print(f"{label:<22}{len(data):>10,}{characters:>12,}{seconds:>10.3f}{seconds / baseline:>9.1f}")
        print(f"{f'{paragraphs} paragraphs .txt':<22}{len(plain):>10,}{'':>12}{baseline:>10.3f}{1:>9.1f}")


if __name__ == "__main__":
    main()
