"""Highlighted text: a passage's words marked where they differ from its counterpart's.

Built as escaped HTML strings (article text is untrusted: every piece of it goes through
``escape``) because a template loop over thousands of words is slow. The word diff itself
comes from the engine (compare/engine/diff.py); this module decides what a reader is shown:

* a flag (number, name, quote) only where that thing really changed between the two passages
  (a figure the other passage does not state, a name it does not have, quoted words that
  differ in more than their punctuation), never on punctuation or quote-mark style alone;
* inside a paraphrase, the words the counterpart also uses are shown as shared, unmarked,
  and a flag sits on the name or figure it is about: one the shown passage dropped is shown
  struck where the change is, with the flag, rather than the flag landing on a new word;
* what a flag quotes of the other passage is whole words, never a possessive's lone
  apostrophe ("' group" of "the Farrows' group") nor a word cut short.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape  # what django.utils.html.escape does, minus its lazy-text wrapper: ~1,000 calls a page
from typing import Literal

from articles.naming import cut
from compare.engine import Change, Move, numbers_in  # numbers_in: the engine's own reading of figures

Mode = Literal["plain", "inline", "new", "old"]

FLAG_MARKS = {
    "number": ("#", "number"),
    "name": ("Aa", "name"),
    "quote": ("\u275d", "quoted words"),
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
    nothing; ``quote`` makes it whole words): named in the flag's title and for screen
    readers, because the reader may not see it (inside a paraphrase only the new words are
    shown, and the changed figure may be in what the other passage lost)."""
    if not flags:
        return ""  # most changes carry none: no need to word what the other version has
    out = []
    what = " changed"
    if other is not None:
        said = " ".join(other.split())
        # Punctuation alone ("," for a clause) is nothing a reader can look for; and where the other
        # version has nothing, the figure or name was not changed but added or left out.
        if any(ch.isalnum() for ch in said):
            what = f" changed; the other version has “{short(said, 60)}” here"
        else:
            what = " not in the other version here"
    for flag in ("number", "name", "quote"):
        if flag in flags:
            symbol, words = FLAG_MARKS[flag]
            detail = escape(words + what)
            out.append(
                f'<sup class="flag flag-{flag}" title="{detail[:1].upper() + detail[1:]}">'
                f'<span aria-hidden="true">{escape(symbol)}</span><span class="vh"> ({detail})</span></sup>'
            )
    return "".join(out)


def short(text: str, limit: int = 80) -> str:
    """The text on one line, cut with "…" after its last whole word that fits (a title that
    reads "Councillor Ed…" names nobody)."""
    return cut(text, limit)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` widened to whole words. The engine's diff reads a possessive's
    apostrophe after a plural ("the Farrows' group") as a mark of its own, so a change may
    start at it when the word before is kept: quoted alone it reads "' group", which a reader
    cannot find; with its word it reads "Farrows' group"."""
    while start > 0 and _is_word_char(text[start - 1]) and (_is_word_char(text[start]) or text[start] in "'’"):
        start -= 1
    while 0 < end < len(text) and _is_word_char(text[end - 1]) and _is_word_char(text[end]):
        end += 1
    return start, end


_STRAY_FIRST = frozenset(",;:.!?)]}”»")
_STRAY_LAST = frozenset(",;:([{“‘«")


def quote(text: str, start: int, end: int, focus: Sequence[tuple[int, int]] = (), limit: int = 60) -> str:
    """What ``text[start:end]`` says, in whole words on one line, at most about ``limit``
    characters. When it is longer, the words kept are those around ``focus`` (the name or
    figure the flag is about), so cutting it short never cuts off what the reader looks for."""
    if start >= end:
        return ""  # the other passage has nothing here: nothing to widen
    start, end = _whole_words(text, start, end)
    # A clause's comma or a closing quote mark before the first word, an opening one after the
    # last: the change took them with its words, but a reader does not look for them (“” Kremlin”).
    while start < end and (text[start].isspace() or text[start] in _STRAY_FIRST):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _STRAY_LAST):
        end -= 1
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[start:end])]
    if not words:
        return ""
    if sum(e - s + 1 for s, e in words) - 1 <= limit:
        return " ".join(text[start + s : start + e] for s, e in words)
    inside = [i for i, (s, e) in enumerate(words) if any(f0 < start + e and start + s < f1 for f0, f1 in focus)]
    lo, hi = (inside[0], inside[-1]) if inside else (0, 0)
    size = sum(e - s + 1 for s, e in words[lo : hi + 1])
    # Grow the window a word at a time, after the focus first (a name's context follows it).
    while True:
        grown = False
        for side in (1, -1):
            i = hi + 1 if side == 1 else lo - 1
            if 0 <= i < len(words) and size + words[i][1] - words[i][0] + 1 <= limit:
                size += words[i][1] - words[i][0] + 1
                lo, hi = (lo, i) if side == 1 else (i, hi)
                grown = True
        if not grown:
            break
    said = " ".join(text[start + s : start + e] for s, e in words[lo : hi + 1])
    return ("…" if lo > 0 else "") + said + ("…" if hi < len(words) - 1 else "")


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


Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Flagged:
    """A change's flags a reader must notice, and the words they are about on each side: the
    figure one passage states and the other does not, the name one has and the other lacks
    (``a`` in the reference's text, ``b`` in the shown version's). A flag belongs on those
    words, not on whatever new word of a paraphrase happens to end the change."""

    flags: frozenset[str]
    a: Spans = ()
    b: Spans = ()


def meaningful_flags(change: Change, passages: Passages) -> frozenset[str]:
    """The change's flags that say something a reader must notice about these two passages.

    The engine flags each change on its own; across a whole passage a figure or a name may only
    have moved (a paraphrase puts "Monday" elsewhere), and quoted words may differ only in their
    punctuation. A flag stays when the thing it names differs between the two passages."""
    return flagged(change, passages).flags


def flagged(change: Change, passages: Passages) -> Flagged:
    """``meaningful_flags``, with the words each kept flag is about (see ``Flagged``)."""
    if change.trivial or not change.flags:
        return Flagged(frozenset())
    kept: set[str] = set()
    a_about: list[tuple[int, int]] = []
    b_about: list[tuple[int, int]] = []
    a_text, b_text = passages.a_text, passages.b_text
    a_part = a_text[change.a[0] : change.a[1]]
    b_part = b_text[change.b[0] : change.b[1]]
    if "number" in change.flags:
        a_numbers, b_numbers = passages.numbers("a"), passages.numbers("b")
        only = (a_numbers - b_numbers) + (b_numbers - a_numbers)
        if any(value in only for value in (*numbers_in(a_part), *numbers_in(b_part))):
            kept.add("number")
            a_about += _words_where(a_text, change.a, lambda w: any(v in only for v in numbers_in(w)))
            b_about += _words_where(b_text, change.b, lambda w: any(v in only for v in numbers_in(w)))
    if "name" in change.flags:
        a_names, b_names = passages.names("a"), passages.names("b")
        a_words, b_words = passages.words("a"), passages.words("b")
        lost = {w for w in _WORD.findall(a_part) if w in a_names and w.casefold() not in b_words}
        new = {w for w in _WORD.findall(b_part) if w in b_names and w.casefold() not in a_words}
        if lost or new:
            kept.add("name")
            a_about += _words_where(a_text, change.a, lost.__contains__)
            b_about += _words_where(b_text, change.b, new.__contains__)
    if "quote" in change.flags and _words_differ(a_part, b_part):
        kept.add("quote")  # about the change as a whole: its words are the quoted words
    return Flagged(frozenset(kept), tuple(sorted(set(a_about))), tuple(sorted(set(b_about))))


def _words_where(text: str, span: tuple[int, int], keep: Callable[[str], bool]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text, *span) if keep(m.group())]


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
    In a paraphrase (``paraphrase``), only the words the other passage does not use are marked
    (see ``_paraphrase_marks`` for where its flags go).
    """
    base_text, other_text = passages.a_text, passages.b_text
    marks = []
    for move in moves:
        start, end = move.a if mode == "old" else move.b
        marks.append(Mark(start, end, _MOVED_OPEN, "</span>"))
    for change in changes:
        if change.trivial and hide_trivial:
            continue
        (a0, a1), (b0, b1) = change.a, change.b
        # Whitespace rides with the word after it; marking it would underline the gap before the word.
        a0, b0 = _skip_space(base_text, a0, a1), _skip_space(other_text, b0, b1)
        extra = " trivial" if change.trivial else ""
        if paraphrase and (mode != "inline" or change.op != "delete"):
            marks += _paraphrase_marks(change, passages, mode, extra)
            continue
        old_words = base_text[a0:a1]
        found = flagged(change, passages)
        if mode in ("inline", "new"):
            flags = flags_html(found.flags, quote(base_text, a0, a1, found.a))
        else:
            flags = flags_html(found.flags, quote(other_text, b0, b1, found.b))
        if mode in ("inline", "new"):
            if change.op == "insert":
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
            marks.append(Mark(a0, a1, f'<del class="chg {css}{extra}" title="{title}">', "</del>", after=flags))
    return marks


def _paraphrase_marks(change: Change, passages: Passages, mode: Mode, extra: str) -> list[Mark]:
    """One change of a paraphrase, on the side shown: its words the other passage does not use.

    A flag goes on the name or figure it is about. When the shown passage has it (a figure
    only this one states, a name the other lacks), the flag follows that word. When only the
    other passage has it (a name this one dropped), the reader would not see it, and a flag
    on the change's last new word ("plan" for a dropped "Councillor Edda Lund") reads as if
    that word were the changed name: so the dropped words themselves are shown where the
    change is, struck on the version's side (inserted, on the reference's), with the flag."""
    old = mode == "old"
    found = flagged(change, passages)
    shown_text, other_text = (passages.a_text, passages.b_text) if old else (passages.b_text, passages.a_text)
    (s0, s1), (o0, o1) = (change.a, change.b) if old else (change.b, change.a)
    s0, o0 = _skip_space(shown_text, s0, s1), _skip_space(other_text, o0, o1)
    here, there = (found.a, found.b) if old else (found.b, found.a)
    flags = flags_html(found.flags, quote(other_text, o0, o1, there))
    shared = passages.words("b" if old else "a")
    if old:
        css, title = ("del", "Deleted") if change.op == "delete" else ("was", "Replaced")
        tag = "del"
    else:
        css, title = ("ins", "Inserted") if change.op == "insert" else ("rep", "Reworded")
        tag = "ins"
    has_words = change.op != ("insert" if old else "delete")
    runs = _new_word_runs(shown_text, s0, s1, shared) if has_words else []
    flag_run = _run_holding(runs, here) if here or not there else None
    if here and flag_run is not None:
        # A run of new words may go on past the figure ("4.5 million pounds over a decade"):
        # end the run at it, so that the flag follows the figure, not "decade".
        run_start, run_end = runs[flag_run]
        at = max((e for s, e in here if run_start <= s and e <= run_end), default=run_end)
        rest = _WORD.search(shown_text, at, run_end)
        if rest:
            runs[flag_run : flag_run + 1] = [(run_start, at), (rest.start(), run_end)]
    opening = f'<{tag} class="chg {css}{extra}" title="{title}">'
    marks = [Mark(s, e, opening, f"</{tag}>", after=flags if i == flag_run else "") for i, (s, e) in enumerate(runs)]
    if not flags or flag_run is not None:
        return marks
    if there:
        # What the other passage has here and this one does not: on the version's side it was
        # dropped (struck, before the words that replace it, as the inline view shows a
        # replacement); on the reference's side the other version put it in (after).
        said = " … ".join(escape(other_text[s:e]) for s, e in _stretches(other_text, there))
        if old:
            at, title = s1, "The other version has this here"
            shown = f'<ins class="chg ins{extra}" title="{title}">{said}</ins>{flags}'
        else:
            at, title = s0, "Not in this version: the other one has it here"
            shown = f'<del class="chg del{extra}" title="{title}">{said}</del>{flags}'
        gap_before = " " if at > 0 and _is_word_char(shown_text[at - 1]) else ""
        gap_after = " " if at < len(shown_text) and _is_word_char(shown_text[at]) else ""
        marks.append(Mark(at, at, before=gap_before + shown + gap_after))
    else:
        # No new word here to hang the flag on (quoted words only reordered or cut): the flag
        # stands on its own, a space apart from the word before, so it is not read as that word's.
        at = runs[-1][1] if runs else s1
        marks.append(Mark(at, at, after=(" " if at > 0 and _is_word_char(shown_text[at - 1]) else "") + flags))
    return marks


def _run_holding(runs: Sequence[tuple[int, int]], words: Spans) -> int | None:
    """The index of the run holding the last of ``words`` (the last run when no run holds one)."""
    for i in range(len(runs) - 1, -1, -1):
        if any(runs[i][0] <= s and e <= runs[i][1] for s, e in words):
            return i
    return len(runs) - 1 if runs else None


def _stretches(text: str, words: Spans) -> list[tuple[int, int]]:
    """The words, joined into stretches where only spaces or punctuation lie between them ("Edda Lund")."""
    out: list[tuple[int, int]] = []
    for s, e in words:
        if out and not _WORD.search(text, out[-1][1], s):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def visible_changes(changes: Sequence[Change], hide_trivial: bool) -> int:
    return sum(1 for change in changes if not (hide_trivial and change.trivial))
