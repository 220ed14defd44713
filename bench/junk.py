"""How fast is junk marking? Prints seconds per text and the ratio to a plain tokenisation.

    .venv/bin/python bench/junk.py

Inputs: the five seeds (read from ../shared/seeds, never copied), the same text repeated
to the 2 MB article limit with and without line breaks, and a few hostile texts made of
one repeated trigger ("Photo: ", "©", capitals and slashes). The baseline is one pass of
``re.findall(r"\\w+")`` over the same text, run in this process.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from compare.engine import find_junk  # noqa: E402

SEEDS = REPO.parent / "shared" / "seeds"
WORDS = re.compile(r"\w+")


def timed(function, text: str) -> float:
    started = time.perf_counter()
    function(text)
    return time.perf_counter() - started


def main() -> None:
    seeds = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("0*.txt")))
    limit = 2_000_000
    long_text = (seeds + "\n\n") * (limit // (len(seeds) + 2))
    cases = {
        "five seeds": seeds,
        "2 MB, paragraphs": long_text,
        "2 MB, one line": long_text.replace("\n", " "),
        "hostile: 'Photo: ' x": ("Photo: " * (limit // 7)),
        "hostile: '© ' x": ("© " * (limit // 2)),
        "hostile: 'A B C/D ' x": ("A B C D E F/G " * (limit // 14)),
    }
    print(f"{'input':<26}{'chars':>11}{'find_junk s':>13}{'tokenise s':>12}{'ratio':>8}")
    for name, text in cases.items():
        junk = timed(find_junk, text)
        base = timed(WORDS.findall, text)
        print(f"{name:<26}{len(text):>11,}{junk:>13.3f}{base:>12.3f}{junk / base:>8.1f}")


if __name__ == "__main__":
    main()
