"""Names people can read: a version's label, a headline from a first line, a file's name without its hash,
a title written as HTML as it reads.

Pure functions over strings, no Django: every way in (upload, URL, command line) and the
model's ``label()`` use them, so a version is never called "001_730206c4979a7c63.txt".
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import PurePath

# How much of a headline (or a file's name) a version's name carries after "Version N": a few
# words to say which text it is, cut at a word; the headline in full is shown beside it where there is room.
LABEL_WORDS_LENGTH = 40
# A name in a narrow place (the matrix's headers) is at most this long, cut at a word.
SHORT_LABEL_LENGTH = 22
HEADLINE_LENGTH = 160

# Parts of file names that are machine-made, not words: hex hashes, long numbers, UUID pieces.
# A part with a digit among hex letters ("7a4d", "730206c4979a7c63") or only digits; "face" is a word.
_MACHINE_PART = re.compile(r"^(?:\d+|(?=[0-9a-f]*\d)[0-9a-f]{4,})$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s_.\-+]+")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")
# An HTML tag or comment. A tag starts with a letter (or "/" and a letter), so "rates < 3% and > 2%" is no tag.
_MARKUP = re.compile(r"<!--.*?-->|</?[A-Za-z][^>]*>", re.DOTALL)


def cut(text: str, limit: int) -> str:
    """``text`` on one line, cut at the last word boundary before ``limit`` characters, with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = text[: limit - 1]
    space = room.rfind(" ")
    # Cut back to the last whole word; scripts without spaces (Chinese, Japanese, Thai) have no
    # word boundary to cut at, so there the characters are cut.
    if text[limit - 1] != " " and space > limit // 2:
        room = room[:space]
    return room.rstrip(" ,;:–—-") + "…"


def version_label(outlet: str, headline: str, filename: str, position: int, *, outlet_repeats: bool = False) -> str:
    """A version's name, wherever Versus names one: columns, summaries, the likely source's
    evidence, exports and the API.

    Its outlet when known; when another version of the story has the same outlet
    (``outlet_repeats``), the outlet and its place: "Harbour Herald (version 3)", as two
    columns, two rows of the matrix or two rows of a CSV named alike could not be told apart.
    Without one, "Version N" (its place in the story, which no other version of the story has)
    and a few whole words of its headline, else of its file's name:
    "Version 2 (US officials told the Financial…)". The headline alone, cut at 60 characters,
    named two reprints under one headline the same, and read as a sentence cut off where the
    evidence used it as a name ("…Russia had…’s text is found in…").
    """
    if outlet:
        return f"{outlet} (version {position + 1})" if outlet_repeats else outlet
    number = f"Version {position + 1}"
    words = cut(headline, LABEL_WORDS_LENGTH) or cut(readable_filename(filename), LABEL_WORDS_LENGTH)
    return f"{number} ({words})" if words else number


def short_version_label(outlet: str, position: int, *, outlet_repeats: bool = False) -> str:
    """The name where there is room for two or three words: the outlet cut at a word, else
    "Version N", which is how the full name (``version_label``) starts. An outlet that another
    version of the story shares keeps its place: "Harbour Herald (3)"."""
    if not outlet:
        return f"Version {position + 1}"
    if not outlet_repeats:
        return cut(outlet, SHORT_LABEL_LENGTH)
    place = f" ({position + 1})"
    return cut(outlet, SHORT_LABEL_LENGTH - len(place)) + place


def numbered(label: str, position: int) -> str:
    """A version's name in a numbered list: "2. Harbour Herald", but "Version 1 (Ferry fares…)" and
    "Harbour Herald (version 3)" as they are, since they carry their number already."""
    if re.search(rf"\bversion {position + 1}\b", label, re.IGNORECASE):
        return label
    return f"{position + 1}. {label}"


def same_outlet(first: str, second: str) -> bool:
    """Whether two outlets name the same publisher as a reader sees them: case and spacing aside."""
    return bool(first.strip()) and " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def readable_filename(name: str) -> str:
    """A file's name as words, or "" when it is only machine-made parts.

    "2-daily-lantern-reprint.txt" -> "Daily lantern reprint"; "001_730206c4979a7c63.txt" -> "".
    """
    stem = PurePath(name).stem
    words = [part for part in _SEPARATORS.split(stem) if part and not _MACHINE_PART.match(part)]
    if not words or sum(len(word) for word in words) < 3:
        return ""
    readable = " ".join(words)
    return readable[0].upper() + readable[1:]


def first_line_headline(text: str, limit: int = HEADLINE_LENGTH) -> str:
    """The first line of a text as its headline: cut at its first sentence if it runs on, then at a word.

    Saved articles usually start with their headline. A file that is all one line (a page
    copied without its line breaks) gives its first sentence instead.
    """
    for line in text.strip().splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        if len(line) > limit:
            first_sentence = _SENTENCE_END.split(line, maxsplit=1)[0]
            line = first_sentence if len(first_sentence) >= 10 else line
        return cut(line, limit)
    return ""


def is_readable(text: str) -> bool:
    """Whether a name has at least one letter or digit (not only punctuation or symbols)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def visible_text(markup: str) -> str:
    """What a text written as HTML reads as: tags dropped, entities decoded, white space folded.

    "<b>Ferry &amp; port</b> strike" -> "Ferry & port strike". Entities are decoded after the
    tags are dropped, so an escaped "&lt;b&gt;" stays as the words "<b>" it shows.
    """
    return " ".join(html.unescape(_MARKUP.sub("", markup)).split())
