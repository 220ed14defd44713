"""Token normalisation shared by segmentation and alignment (private to the engine).

A sentence becomes two things: the sequence of all its normalised tokens (to judge how
close the wording is) and the set of its *content* stems (to judge what it asserts).
Normalisation is deliberately light and language-agnostic apart from an English stopword
list and suffix stripping: casefold, unify apostrophes, drop possessive 's, strip common
suffixes and cut long words to a fixed prefix so that "spokesman"/"spokesperson" or
"request"/"requested" meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Character ranges of CJK ideographs, kana and bopomofo, scripts that do not separate words
# with spaces: each of their characters is a token of its own (here and in diff.py).
CJK = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKEN = re.compile(
    rf"(?P<num>\d+(?:[.,:]\d+)*)"
    rf"|(?P<cjk>[{CJK}])"
    rf"|(?P<word>[^\W\d_{CJK}]+(?:['’][^\W\d_{CJK}]+)*)"
)


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words and reporting verbs: they say nothing about *what* a sentence asserts.
STOPWORDS = word_set(
    """
    a about above after again against all also am an and any are aren as at be because been before being
    below between both but by can could did do does doing don down during each even few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself just
    let me more most much my myself no nor not now of off on once only or other our ours ourselves out
    over own same shall she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up upon very was we were what when where which while
    who whom whose why will with would yet you your yours yourself yourselves mr mrs ms dr
    said says say saying told tell tells added adding according also
    """
)

# Number words and their values, one table for both uses: as content tokens here and as
# figures in the change flags of diff.py.
_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
_TEENS = "seventeen eighteen nineteen"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
CARDINALS: dict[str, int] = {word: value for value, word in enumerate(f"{_UNITS} {_TEENS}".split(" "))} | {
    word: 20 + 10 * position for position, word in enumerate(_TENS.split(" "))
}
NUMBER_WORDS: dict[str, float] = CARDINALS | {
    "hundred": 100,
    "hundreds": 100,
    "thousand": 1000,
    "thousands": 1000,
    "million": 10**6,
    "millions": 10**6,
    "billion": 10**9,
    "billions": 10**9,
    "trillion": 10**12,
    "dozen": 12,
    "dozens": 12,
    "half": 0.5,
    "third": 3,  # not "first" or "second": "first reported", "a second time" are not figures
    "fourth": 4,
    "fifth": 5,
}
# As content tokens only the cardinals up to ninety, which are nearly always figures, read
# as their digits ("three" and "3" are the same token). "one" is left out ("one of them"),
# and so are magnitudes, dozens, halves and ordinals: a token stands for one figure, and
# "hundreds" or "a third" do not spell one out.
_FIGURE_WORDS = {word: str(value) for word, value in CARDINALS.items() if word != "one"}

# Days and months name a date: two passages that give different ones tell of different
# events, as two different figures do (diff.py flags a change of one as a change of figure).
DAYS_AND_MONTHS = word_set(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June "
    "July August September October November December"
)
# As tokens they count as numbers (in Tokens.numbers), all but "may", which is far more
# often the verb: a token here has lost its capital.
_DATE_WORDS = frozenset(word.casefold() for word in DAYS_AND_MONTHS if word != "May")

# Titles of address (abbreviated or not) in front of a name: segment.py does not end a
# sentence after one of them with a full stop, and diff.py does not count one as a name.
TITLES_OF_ADDRESS = word_set("mr mrs ms dr prof mme mlle messrs")

# Longer words are cut to this many characters after suffix stripping (a crude but
# effective stemmer for news English: truncation stemming).
_PREFIX = 6


def _stem(word: str) -> str:
    if not word.isascii() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    return word[:_PREFIX]


@dataclass(frozen=True, slots=True)
class Tokens:
    """Normalised view of one passage."""

    sequence: tuple[str, ...]  # every token, normalised, in order (for wording closeness)
    content: frozenset[str]  # content stems (for what the passage asserts)
    numbers: frozenset[str]


def normalise_word(raw: str) -> str:
    word = raw.casefold().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace("'", "")


def tokens(text: str) -> Tokens:
    sequence: list[str] = []
    content: set[str] = set()
    numbers: set[str] = set()
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        raw = match.group()
        if kind == "num":
            value = raw.replace(",", "")
            sequence.append(value)
            content.add(value)
            numbers.add(value)
        elif kind == "cjk":
            sequence.append(raw)
            content.add(raw)
        else:
            word = normalise_word(raw)
            if not word:
                continue
            figure = _FIGURE_WORDS.get(word)
            if figure is not None:  # "three" and "3" are the same figure
                sequence.append(figure)
                content.add(figure)
                numbers.add(figure)
                continue
            sequence.append(word)
            if word not in STOPWORDS:
                content.add(_stem(word))
            if word in _DATE_WORDS:
                numbers.add(word)
    return Tokens(tuple(sequence), frozenset(content), frozenset(numbers))


def has_substance(text: str) -> bool:
    """True if the text holds at least one letter or digit in any script."""
    return any(ch.isalnum() for ch in text)
