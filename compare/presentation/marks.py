"""Highlighted text: a passage's words marked where they differ from its counterpart's.

Built as escaped HTML strings (article text is untrusted: every piece of it goes through
``escape``) because a template loop over thousands of words is slow. The word diff itself
comes from the engine (compare/engine/diff.py); this module decides what a reader is shown:

* a flag (number, name, quote) only where that thing really changed between the two passages
  (a figure the other passage does not state, a name it does not have, quoted words that
  differ in more than their punctuation), never on punctuation or quote-mark style alone;
* inside a paraphrase, the words the counterpart also uses are shown as shared, unmarked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape  # what django.utils.html.escape does, minus its lazy-text wrapper: ~1,000 calls a page
from typing import Literal

from compare.engine import Change, Move, numbers_in  # numbers_in: the engine's own reading of figures

Mode = Literal["plain", "inline", "new", "old"]

FLAG_MARKS = {
    "number": ("#", "number changed"),
    "name": ("Aa", "name changed"),
    "quote": ("\u275d", "quoted words changed"),
}
# A word as readers see it: a figure with its separators and suffix ("3.1", "1,400", "19th")
# is one word, as the engine's diff reads it; otherwise letters with inner apostrophes.
_WORD = re.compile(r"\d+(?:[.,]\d+)*(?:[^\W\d_]+)?|\w+(?:['’]\w+)*")
# After one of these a capital may only start a sentence or a quotation.
_SENTENCE_OPENERS = frozenset(".!?:;\"“”‘'«»(—-")


@dataclass
class Mark:
    start: int
    end: int
    html_open: str = ""
    html_close: str = ""
    before: str = ""  # HTML put in front of the mark (e.g. deleted words shown inline)
    after: str = ""  # flag markers


def flags_html(flags: frozenset[str] | set[str], other: str | None = None) -> str:
    """The flags' markers. ``other`` is what the other passage says at this change ("" for
    nothing): named in the flag's title and for screen readers, because the flag may sit on
    words that are neither a figure nor a name (inside a paraphrase only the new words are
    shown, and the changed figure may be in what the other passage lost)."""
    if not flags:
        return ""  # most changes carry none: no need to word what the other version has
    out = []
    where = ""
    if other is not None:
        said = " ".join(other.split())
        # Punctuation alone ("," for a clause) is nothing a reader can look for.
        if any(ch.isalnum() for ch in said):
            where = f"; the other version has “{short(said, 60)}” here"
        else:
            where = "; the other version has nothing here"
    for flag in ("number", "name", "quote"):
        if flag in flags:
            symbol, words = FLAG_MARKS[flag]
            detail = escape(words + where)
            out.append(
                f'<sup class="flag flag-{flag}" title="{detail[:1].upper() + detail[1:]}">'
                f'<span aria-hidden="true">{escape(symbol)}</span><span class="vh"> ({detail})</span></sup>'
            )
    return "".join(out)


def short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _with_junk(text: str, start: int, end: int, junk: Sequence[tuple[int, int]]) -> str:
    if start >= end:
        return ""
    out = []
    pos = start
    for junk_start, junk_end in junk:
        if junk_end <= pos or junk_start >= end:
            continue
        s, e = max(junk_start, pos), min(junk_end, end)
        out.append(escape(text[pos:s]))
        out.append(f'<span class="junk" title="Scraped junk: not compared">{escape(text[s:e])}</span>')
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


def render_span(text: str, start: int, end: int, junk: Sequence[tuple[int, int]], marks: Sequence[Mark]) -> str:
    out = []
    pos = start
    for mark in sorted(marks, key=lambda m: (m.start, m.end)):
        if mark.start < pos or mark.end > end:  # overlapping or outside: never let a bad span break a page
            continue
        out.append(_with_junk(text, pos, mark.start, junk))
        out.append(mark.before)
        if mark.end > mark.start:
            out.append(mark.html_open + _with_junk(text, mark.start, mark.end, junk) + mark.html_close)
        out.append(mark.after)
        pos = mark.end
    out.append(_with_junk(text, pos, end, junk))
    return "".join(out)


def _skip_space(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start if start < end else end


@dataclass(frozen=True)
class Passages:
    """The two passages a set of changes is between: the reference's span (``a``) and the shown one's (``b``)."""

    a_text: str
    a_span: tuple[int, int]
    b_text: str
    b_span: tuple[int, int]

    def _side(self, side: str) -> tuple[str, int, int]:
        text, (start, end) = (self.a_text, self.a_span) if side == "a" else (self.b_text, self.b_span)
        return text, start, end

    def words(self, side: str) -> frozenset[str]:
        return _words(*self._side(side))

    def names(self, side: str) -> frozenset[str]:
        return _names(*self._side(side))

    def numbers(self, side: str) -> Counter:
        text, start, end = self._side(side)
        return Counter(numbers_in(text[start:end]))


# Memoised: every change of a passage asks about the same two passages (a str caches its hash).
@lru_cache(maxsize=2048)
def _words(text: str, start: int, end: int) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORD.findall(text, start, end))


@lru_cache(maxsize=2048)
def _names(text: str, start: int, end: int) -> frozenset[str]:
    """Capitalised words that are not capitalised only for starting a sentence (or a quote)."""
    names = set()
    for match in _WORD.finditer(text, start, end):
        word = match.group()
        if not word[:1].isupper():
            continue
        before = text[start : match.start()].rstrip()
        if before and before[-1] not in _SENTENCE_OPENERS:
            names.add(word)
    return frozenset(names)


def meaningful_flags(change: Change, passages: Passages) -> frozenset[str]:
    """The change's flags that say something a reader must notice about these two passages.

    The engine flags each change on its own; across a whole passage a figure or a name may only
    have moved (a paraphrase puts "Monday" elsewhere), and quoted words may differ only in their
    punctuation. A flag stays when the thing it names differs between the two passages."""
    if change.trivial or not change.flags:
        return frozenset()
    kept: set[str] = set()
    a_part = passages.a_text[change.a[0] : change.a[1]]
    b_part = passages.b_text[change.b[0] : change.b[1]]
    if "number" in change.flags:
        a_numbers, b_numbers = passages.numbers("a"), passages.numbers("b")
        only = (a_numbers - b_numbers) + (b_numbers - a_numbers)
        if any(value in only for value in (*numbers_in(a_part), *numbers_in(b_part))):
            kept.add("number")
    if "name" in change.flags:
        a_names, b_names = passages.names("a"), passages.names("b")
        a_words, b_words = passages.words("a"), passages.words("b")
        lost = {w for w in _WORD.findall(a_part) if w in a_names and w.casefold() not in b_words}
        new = {w for w in _WORD.findall(b_part) if w in b_names and w.casefold() not in a_words}
        if lost or new:
            kept.add("name")
    if "quote" in change.flags and _words_differ(a_part, b_part):
        kept.add("quote")
    return frozenset(kept)


def _words_differ(a_part: str, b_part: str) -> bool:
    return [w.casefold() for w in _WORD.findall(a_part)] != [w.casefold() for w in _WORD.findall(b_part)]


def _new_word_runs(text: str, start: int, end: int, shared: frozenset[str]) -> list[tuple[int, int]]:
    """Stretches of ``text[start:end]`` made of words the other passage does not use (with what lies between them)."""
    runs: list[tuple[int, int]] = []
    for match in _WORD.finditer(text, start, end):
        if match.group().casefold() in shared:
            continue
        if runs and not _WORD.search(text, runs[-1][1], match.start()):
            runs[-1] = (runs[-1][0], match.end())  # only spaces or punctuation between: one run
        else:
            runs.append((match.start(), match.end()))
    return runs


_MOVED_OPEN = '<span class="chg moved" title="Moved: the other passage has these words in another place">'


def change_marks(
    changes: Sequence[Change],
    passages: Passages,
    mode: Mode,
    hide_trivial: bool,
    paraphrase: bool = False,
    moves: Sequence[Move] = (),
) -> list[Mark]:
    """Marks for one side of a pair. ``a`` offsets are the reference's, ``b`` the shown version's.

    Moves (words the other passage has in another place) are marked on the side shown, with
    a dotted underline and "↔": not a change of wording, but a change of order a reader
    must see ("Smith beat Jones" / "Jones beat Smith").

    inline: the shown version's text, with the reference's deleted words struck where they were;
    new: the shown version's text only; old: the reference's text with what the other one lost.
    In a paraphrase (``paraphrase``), only the words the other passage does not use are marked.
    """
    base_text, other_text = passages.a_text, passages.b_text
    marks = []
    shared_b = passages.words("a") if paraphrase else frozenset()
    shared_a = passages.words("b") if paraphrase else frozenset()
    for move in moves:
        start, end = move.a if mode == "old" else move.b
        marks.append(Mark(start, end, _MOVED_OPEN, "</span>"))
    for change in changes:
        if change.trivial and hide_trivial:
            continue
        (a0, a1), (b0, b1) = change.a, change.b
        # Whitespace rides with the word after it; marking it would underline the gap before the word.
        a0, b0 = _skip_space(base_text, a0, a1), _skip_space(other_text, b0, b1)
        old_words = base_text[a0:a1]
        extra = " trivial" if change.trivial else ""
        other_words = base_text[a0:a1] if mode in ("inline", "new") else other_text[b0:b1]
        flags = flags_html(meaningful_flags(change, passages), other_words)
        if mode in ("inline", "new"):
            if paraphrase and change.op != "delete":
                spans = _new_word_runs(other_text, b0, b1, shared_b)
                css, title = ("ins", "Inserted") if change.op == "insert" else ("rep", "Reworded")
                for i, (s, e) in enumerate(spans):
                    after = flags if i == len(spans) - 1 else ""
                    marks.append(Mark(s, e, f'<ins class="chg {css}{extra}" title="{title}">', "</ins>", after=after))
                if not spans and flags:
                    marks.append(Mark(b1, b1, after=flags))
            elif change.op == "insert":
                marks.append(Mark(b0, b1, f'<ins class="chg ins{extra}" title="Inserted">', "</ins>", after=flags))
            elif change.op == "replace":
                before = ""
                if mode == "inline":
                    # A space keeps the struck old words apart from the new ones ("4.5 £4.5", not "4.5£4.5").
                    gap = " " if b0 > 0 and not other_text[b0 - 1].isspace() and old_words[:1].isalnum() else ""
                    before = (
                        f'{gap}<del class="chg was{extra}" title="Replaced: the base said this">'
                        f"{escape(old_words)}</del> "
                    )
                marks.append(
                    Mark(
                        b0,
                        b1,
                        f'<ins class="chg rep{extra}" title="Replaced (was: {escape(short(old_words))})">',
                        "</ins>",
                        before=before,
                        after=flags,
                    )
                )
            elif mode == "inline":
                gap = " " if b0 > 0 and not other_text[b0 - 1].isspace() and old_words[:1].isalnum() else ""
                deleted = f'{gap}<del class="chg del{extra}" title="Deleted">{escape(old_words)}</del>{flags}'
                marks.append(Mark(b0, b0, before=deleted))
        elif mode == "old":
            if change.op == "insert":
                continue
            css = "del" if change.op == "delete" else "was"
            title = "Deleted" if change.op == "delete" else "Replaced"
            spans = _new_word_runs(base_text, a0, a1, shared_a) if paraphrase else [(a0, a1)]
            for i, (s, e) in enumerate(spans):
                after = flags if i == len(spans) - 1 else ""
                marks.append(Mark(s, e, f'<del class="chg {css}{extra}" title="{title}">', "</del>", after=after))
    return marks


def visible_changes(changes: Sequence[Change], hide_trivial: bool) -> int:
    return sum(1 for change in changes if not (hide_trivial and change.trivial))
