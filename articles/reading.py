"""How long a text is, counted as a reader would, in any script.

Words are what whitespace separates, in scripts that put spaces between words (Latin,
Cyrillic, Greek, Arabic, Hebrew, Korean…). Chinese, Japanese, Thai, Lao, Khmer, Burmese
and Tibetan are written without spaces: a whole sentence is one "word" to ``str.split()``.
There a reader counts characters (as a Chinese 字数 does), so their characters are counted
on their own and each side is judged by its own measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Scripts written without spaces between words.
_UNSPACED = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u0f00-\u0fff"  # Tibetan
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff\u31f0-\u31ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0003134f"  # CJK ideographs beyond the first plane
)
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED}]")
# A word: what whitespace separates, as ``str.split()`` has it, unless it is only characters of
# scripts without spaces and their punctuation (CJK stops and brackets, full-width forms).
_WORD_CHAR = re.compile(f"[^{_UNSPACED}\u3000-\u303f\uff00-\uffef]")

# Below these a text is not an article: a few words, or about one short sentence of Chinese or Thai.
MIN_WORDS = 3
MIN_UNSPACED_CHARACTERS = 10


@dataclass(frozen=True)
class ReadingLength:
    words: int  # words of scripts written with spaces
    characters: int  # characters of scripts written without spaces

    def is_too_short(self) -> bool:
        return self.words < MIN_WORDS and self.characters < MIN_UNSPACED_CHARACTERS

    def describe(self) -> str:
        """ "420 words", "1,830 characters", or both for a text that mixes the two kinds of script."""
        words = f"{self.words:,} word{'s' if self.words != 1 else ''}"
        characters = f"{self.characters:,} character{'s' if self.characters != 1 else ''}"
        if self.characters and self.words >= self.characters:
            return f"{words} and {characters}"
        if self.characters:
            return characters if self.words < MIN_WORDS else f"{characters} and {words}"
        return words


def reading_length(text: str) -> ReadingLength:
    characters = len(_UNSPACED_CHAR.findall(text))
    tokens = text.split()
    if not characters:
        return ReadingLength(words=len(tokens), characters=0)
    return ReadingLength(words=sum(1 for token in tokens if _WORD_CHAR.search(token)), characters=characters)
