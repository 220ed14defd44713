"""Small wording helpers shared by every app: counts, percentages, sizes and excerpts as readers see them."""

from __future__ import annotations


def plural(count: int, word: str, words: str = "") -> str:
    """ "1 version", "3 versions"; ``words`` for a plural that is not ``word`` + "s" ("1 story", "2 stories")."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def percent(share: float) -> int:
    """A share (0.0-1.0) in whole percent."""
    return round(100 * share)


def readable_size(size: int) -> str:
    """Bytes as a teacher would say them: "850 KB", "2.4 MB"."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"


def excerpt(text: str, limit: int, *, keep_end: bool = False) -> str:
    """The text on one line, at most ``limit`` characters: cut at the end with "…", or with
    ``keep_end`` in the middle (" … "), so that both the start and the end can be seen."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    if keep_end:
        half = (limit - 3) // 2
        return f"{flat[:half]} … {flat[-half:]}"
    return flat[: limit - 1] + "…"


def first_words(text: str, count: int) -> str:
    """The first ``count`` words of the text, with "…" when there were more."""
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def either(words: list[str]) -> str:
    """Alternatives in a sentence: "verbatim, edited or paraphrased", "verbatim or edited", "new"."""
    return " or ".join(part for part in (", ".join(words[:-1]), *words[-1:]) if part)
