"""Cut a text into paragraphs and sentences, with offsets into the original text.

Paragraphs: a blank line always ends one; a single line break ends one too unless it
looks like a soft wrap (the line stops mid-sentence and the next one starts in lower
case), so one-line-per-paragraph and hard-wrapped texts both come out right. Headlines
and bylines without a final stop therefore stand alone.

Sentences: a stop (. ! ? … or a CJK/Arabic stop), optional closing quotes and brackets,
then space and something that can start a sentence. A full stop after an abbreviation
(Mr., Jan., initials, U.S.) does not end a sentence unless a typical sentence opener
follows. A run-on with no punctuation is cut into pieces of at most ``MAX_CHARS`` at the
best available break, so a 100,000-word blob still aligns.

Junk spans are cut out first: a sentence overlapping junk keeps its non-junk part, or
disappears if no letter or digit is left. Paragraphs are numbered 0, 1, 2... counting only
those that keep at least one sentence, so a paragraph that is all junk takes no number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ._text import TITLES_OF_ADDRESS, has_substance, word_set
from .spans import subtract, trim, union_within
from .types import Segment

MAX_CHARS = 600

# Abbreviated titles and ranks: a full stop after one never ends a sentence.
_TITLES = TITLES_OF_ADDRESS | word_set(
    "st gen sen rep gov lt col sgt capt cmdr adm maj rev hon pres supt insp det jr sr sra gens reps sens"
)
_MONTHS = word_set("jan feb mar apr jun jul aug sep sept oct nov dec")
_OTHER_ABBREVIATIONS = word_set("no nos vs etc approx dept est fig inc corp co ltd bros univ")
# US states as news agencies abbreviate them ("Ariz. Gov. Jan Brewer", "Sen. Tim Kaine, D-Va."):
# like initials, a full stop after one ends a sentence only before a credible sentence start.
# Abbreviations that are also common words (ill, mass, miss, wash, ore) are left out, and only
# the agencies' spelling counts: "Va." is Virginia, "VA." (Veterans Affairs) and "ark." are not.
_US_STATES = word_set(
    "ala ariz ark calif colo conn del fla ga ind kan kans ky la md mich minn mo mont neb nev okla pa tenn vt va wis wyo"
)
# Words that make a sentence start credible after an ambiguous abbreviation ("in the U.S. The ...").
# Narrower than diff.py's _SENTENCE_STARTERS, and kept so: after "U.S." a capitalised "Of",
# "To" or "Ten" does not end the sentence.
_OPENERS = word_set(
    "the a an he she it they we i this that these those there but and so yet in on at for if when while "
    "after before since as however meanwhile his her its their our"
)

_STOP = re.compile(r"[.!?…]+|[。！？؟۔]+")
# What follows a stop: the first word (or character) after the spaces, looked at in place
# rather than by slicing, which would copy the rest of a giant paragraph at every stop.
_NEXT_WORD = re.compile(r"\s*(\S{1,40})")
_OPENING_QUOTES = "\"'“‘«‹「『"
_CLOSING_QUOTES = "\"'”’»›」』"
# What may follow a sentence's stop and still belong to it: a closing quote mark or bracket.
_CLOSERS = _CLOSING_QUOTES + ")]}"
# A sentence that opens with a quoted question or exclamation goes on with its speaker named with
# a capital ("“Why now?” Mr. Jordan asked.", "“Nah!” Malia said"), as with a lower-case "asked the
# clerk"; not when a credible sentence start follows ("“Really?” The president said he ...").
_ATTRIBUTION = re.compile(
    r"\s+((?:[A-Z][\w'’.-]*\s+){1,4})(?:said|says|asked|asks|added|adds|told|tweeted|wrote|writes|replied|"
    r"shouted|exclaimed|wondered|demanded|insisted|answered)\b"
)
_WESTERN_ABBREVIATION = re.compile(r"(?:\b|^)((?:[^\W\d_]\.)+[^\W\d_]?|[^\W\d_]+)\.$")


def segment(text: str, junk: Sequence[tuple[int, int]] = ()) -> list[Segment]:
    """Sentences of ``text`` in order, each with its paragraph index, never inside junk."""
    junk_spans = union_within(junk, len(text))
    segments: list[Segment] = []
    paragraph_index = -1  # counts only paragraphs that keep a sentence, as a reader would
    for p_start, p_end in paragraphs(text):
        first_in_paragraph = True
        for r_start, r_end in subtract(p_start, p_end, junk_spans):
            for s_start, s_end in _sentences(text, r_start, r_end):
                for c_start, c_end in _cap_length(text, s_start, s_end):
                    start, end = trim(text, c_start, c_end)
                    if start < end and has_substance(text[start:end]):
                        if first_in_paragraph:
                            paragraph_index += 1
                            first_in_paragraph = False
                        segments.append(Segment(len(segments), start, end, paragraph_index))
    return segments


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph that holds anything but whitespace."""
    result: list[tuple[int, int]] = []
    start: int | None = None
    position = 0
    lines = text.splitlines(keepends=True)
    previous_content = ""
    for line in lines:
        line_start, line_end = position, position + len(line)
        position = line_end
        stripped = line.strip()
        if not stripped:
            if start is not None:
                result.append((start, line_start))
                start = None
            continue
        if start is not None and not _is_soft_wrap(previous_content, stripped):
            result.append((start, line_start))
            start = None
        if start is None:
            start = line_start
        previous_content = stripped
    if start is not None:
        result.append((start, len(text)))
    return [trim(text, s, e) for s, e in result]


def _is_soft_wrap(previous_line: str, next_line: str) -> bool:
    last, first = previous_line[-1], next_line[0]
    if last in ".!?…:;。！？" or last in _CLOSERS:
        return False
    return first.islower()


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    region = text[start:end]
    sentence_start = 0
    for match in _STOP.finditer(region):
        stop_end = match.end()
        while stop_end < len(region) and region[stop_end] in _CLOSERS:
            stop_end += 1
        if not _ends_sentence(region, match.start(), match.group(), stop_end):
            continue
        if _quote_then_speaker(region, sentence_start, match, stop_end):
            continue
        yield start + sentence_start, start + stop_end
        sentence_start = stop_end
    if sentence_start < len(region):
        yield start + sentence_start, end


def _ends_sentence(region: str, stop_start: int, stop: str, stop_end: int) -> bool:
    if stop[0] in "。！？؟۔":
        return True
    if stop_end >= len(region):
        return True
    if not region[stop_end].isspace():
        return False  # "2.5", "U.S.-backed", "Yahoo!Inc"
    following = _NEXT_WORD.match(region, stop_end)
    if not following:
        return True
    first = following.group(1)[0]
    if first.islower():
        return False
    if stop != ".":
        return True
    next_word = re.match(r"[^\W_]+", following.group(1))
    next_word_text = next_word.group().casefold() if next_word else ""
    before = region[max(0, stop_start - 30) : stop_start + 1]
    abbreviation = _WESTERN_ABBREVIATION.search(before)
    if not abbreviation:
        return True
    word = abbreviation.group(1).casefold()
    if "." in word or len(word) == 1 or (word in _US_STATES and abbreviation.group(1).istitle()):
        # Initials ("Donald J. Trump"), dotted acronyms ("U.S. officials") or states ("Ariz. Gov.").
        return next_word_text in _OPENERS and len(word) > 1
    if word in _TITLES:
        return False
    if word in _MONTHS or word in _OTHER_ABBREVIATIONS:
        return not first.isdigit()
    return True


def _quote_then_speaker(region: str, sentence_start: int, stop: re.Match[str], stop_end: int) -> bool:
    """A quoted question or exclamation that opens the sentence, then its speaker and a verb of saying."""
    if stop.group()[0] not in "?!" or not any(c in _CLOSING_QUOTES for c in region[stop.end() : stop_end]):
        return False
    opening = region[sentence_start : stop.start()].lstrip()
    if not opening or opening[0] not in _OPENING_QUOTES:
        return False
    speaker = _ATTRIBUTION.match(region, stop_end)
    return speaker is not None and speaker.group(1).split()[0].casefold() not in _OPENERS


def _cap_length(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut a run-on longer than MAX_CHARS at clause breaks, else at spaces, else anywhere."""
    while end - start > MAX_CHARS:
        window = text[start : start + MAX_CHARS]
        cut = -1
        for pattern in (r"[;:,–—]\s", r"\s", r"[，、]"):
            candidates = [m.end() for m in re.finditer(pattern, window) if m.end() > MAX_CHARS // 2]
            if candidates:
                cut = candidates[-1]
                break
        if cut <= 0:
            cut = MAX_CHARS
        yield start, start + cut
        start += cut
    yield start, end
