"""Word-level differences between two passages, with what a reader must notice flagged.

The diff runs through diff-match-patch at *word* granularity: both passages are cut into
tokens (words, numbers, single punctuation marks, single CJK characters, each carrying the
spacing before it), every distinct token is mapped to one character (as
``diff_linesToChars`` does for lines), the character strings are diffed and cleaned up
semantically (short common stretches between larger edits are folded in, measured in
characters), then mapped back. A change therefore never cuts a word in half, and its
offsets point into the full original texts.

Changes are differences of *wording*: a stretch both passages hold in another place ("the
harbour pilot, Mara Olsen" against "Mara Olsen, the harbour pilot") is not a change on
either side, though the edit script alone would show it deleted here and inserted there.
So what the changes leave is the same words on both sides, not always in the same order;
``word_changes`` returns such stretches as moves, so a page can still show a change of
order ("Smith beat Jones" / "Jones beat Smith" has no change of wording, and two moves).

Each change says what a reader must notice: ``number`` (a figure or a date differs:
"19" -> "18", "three" -> "four", "Monday" -> "Tuesday"), ``name`` (a capitalised name on
one side that the other passage lacks; capitals that only start a sentence, titles and
names merely moved within the passage do not count), ``quote`` (the change sits inside
quotation marks, or adds or removes them), and ``trivial`` when only punctuation, spacing,
letter case or quote marks differ.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import accumulate

from diff_match_patch import diff_match_patch

from ._text import CJK, DAYS_AND_MONTHS, NUMBER_WORDS, STOPWORDS, TITLES_OF_ADDRESS
from .spans import overlapping, subtract
from .types import Change, Flag, Move, Op, Pair

# One token: optional leading whitespace, then a number (with its separators and suffix:
# "1,000", "19.5", "19th"), a run of word characters that are not CJK (with inner
# apostrophes: "don't", "Xi’s"), one CJK or kana character (those scripts do not separate
# words with spaces), or any other single character (punctuation, quote marks, emoji).
# Whitespace rides with the token after it, which halves the sequences to diff; whitespace
# left at the end of a span is a token of its own.
_WORD = (
    rf"\d+(?:[.,]\d+)*(?:[^\W\d{CJK}]+)?"
    rf"|[^\W{CJK}]+(?:['’][^\W{CJK}]+)*"
    rf"|[{CJK}]"
    r"|\S"
)
_TOKEN = re.compile(rf"\s*(?:{_WORD})|\s+")
_BARE_TOKEN = re.compile(_WORD)

# Days and months name a date: changing one is changing a figure, not a name.
_DATE_WORDS = DAYS_AND_MONTHS
_LEADING_DIGITS = re.compile(r"\d[\d.,]*")
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")

# Words that start sentences with a capital without being names. Used only for a word
# that starts a sentence; elsewhere a capital already says "name". Not STOPWORDS (which
# leaves out "many", "one", "meanwhile", and holds "said" or "mr") nor segment.py's
# _OPENERS (a narrower list: what may start a sentence right after an abbreviation).
_STARTERS_TEXT = (
    "a an the he she it they we you i his her its their our this that these those there here "
    "but and or so yet if when while after before since as at in on of for from with by to "
    "no not some many most all one two three four five six seven eight nine ten "
    "what who why how where which meanwhile however also"
)
_SENTENCE_STARTERS = frozenset(_STARTERS_TEXT.split(" "))
# Titles are not names: "Mr. Sullivan" against "Sullivan" drops no name. Ranks and offices
# (segment.py's "Gen.", "Sen.", "Gov.") are not in it: a changed rank is still flagged.
_HONORIFICS = TITLES_OF_ADDRESS | {"sir", "dame"}

# Quotation marks: straight, curly, low-9 and guillemets. Single quotes are left out on
# purpose: ’ is far more often an apostrophe than a closing quote.
_OPENING_FOR = {"”": "“„", "“": "„", "»": "«", "«": "»", "›": "‹", "‹": "›", "」": "「", "』": "『"}
_OPENERS = frozenset("“„«»‹›「『")
_QUOTE_MARKS = frozenset("\"“”„«»‹›「」『』‘’‚'`´")
# A quote mark that cannot be an apostrophe.
_QUOTE_MARK = re.compile('["“”„«»‹›「」『』‘‚`´]')

_QUOTE_OR_LINE_END = re.compile('[\n"“”„«»‹›「」『』]')

_dmp = diff_match_patch()
# No time limit: a diff cut short by the clock would depend on how busy the machine is,
# and the same texts must always give the same changes. Time is bounded by size instead:
# passages longer than MAX_BISECT_CELLS (tokens of A times tokens of B; a sentence pair is
# about 30 x 30) go through difflib's longest-match diff, which is fast but not minimal.
_dmp.Diff_Timeout = 0
MAX_BISECT_CELLS = 40_000


def word_changes(
    a_text: str,
    b_text: str,
    a_span: tuple[int, int],
    b_span: tuple[int, int],
    a_junk: Sequence[tuple[int, int]] = (),
    b_junk: Sequence[tuple[int, int]] = (),
) -> tuple[tuple[Change, ...], tuple[Move, ...]]:
    """Every word-level change between ``a_text[a_span]`` and ``b_text[b_span]``, and the
    stretches of words both passages hold in different places (moves).

    Offsets in the returned changes and moves are into the full texts. An adjacent delete and
    insert come back as one ``replace``. Text inside junk spans (a caption between two
    sentences of one pair) is left out of the comparison. Words kept but moved are not
    changes: they are the moves."""
    a_start, a_end = a_span
    b_start, b_end = b_span
    if not a_junk and not b_junk and a_text[a_start:a_end] == b_text[b_start:b_end]:
        return (), ()  # verbatim copies are the commonest pair: no need to cut them into words
    a_tokens, a_starts, a_keys = _span_tokens(a_text, a_start, a_end, tuple(map(tuple, a_junk)))
    b_tokens, b_starts, b_keys = _span_tokens(b_text, b_start, b_end, tuple(map(tuple, b_junk)))
    if a_tokens == b_tokens:
        return (), ()

    changed, moved = _changed_ranges(a_keys, b_keys)
    changes: list[Change] = []
    for a_lo, a_hi, b_lo, b_hi in changed:
        a_range = _char_range(a_tokens, a_starts, (a_lo, a_hi), a_end)
        b_range = _char_range(b_tokens, b_starts, (b_lo, b_hi), b_end)
        changes.append(_make_change(a_text, b_text, a_range, b_range, (a_start, a_end), (b_start, b_end)))
    moves = tuple(
        Move(
            _word_range(a_text, _char_range(a_tokens, a_starts, (a_lo, a_hi), a_end)),
            _word_range(b_text, _char_range(b_tokens, b_starts, (b_lo, b_hi), b_end)),
        )
        for a_lo, a_hi, b_lo, b_hi in moved
    )
    return tuple(changes), moves


def _word_range(text: str, char_range: tuple[int, int]) -> tuple[int, int]:
    """The range without the spacing a token carries in front of it."""
    start, end = char_range
    while start < end and text[start].isspace():
        start += 1
    return start, end


TokenChange = tuple[int, int, int, int]  # token ranges of one change: A from, A to, B from, B to


@lru_cache(maxsize=4096)
def _changed_ranges(
    a_keys: tuple[str, ...], b_keys: tuple[str, ...]
) -> tuple[tuple[TokenChange, ...], tuple[TokenChange, ...]]:
    """The changes between two token sequences, as token ranges, with moved words left out,
    and the moved stretches (same shape: A from, A to, B from, B to).

    The edit script is a longest common subsequence: words kept but moved ("the boxing
    champion, Garry Delany" against "Garry Delany, the boxing champion") come out of it as
    deleted on one side and inserted on the other. Such a stretch is not a difference in
    wording, so it is taken out of the changes on both sides (``_moves``)."""
    changes: list[TokenChange] = []
    a_index = b_index = 0
    run: list[int] | None = None  # [A from, A to, B from, B to] of the current run of edits
    for op, n in _edit_script(a_keys, b_keys):
        if op == diff_match_patch.DIFF_EQUAL:
            if run is not None:
                changes.append((run[0], run[1], run[2], run[3]))
                run = None
            a_index += n
            b_index += n
            continue
        if run is None:
            run = [a_index, a_index, b_index, b_index]
        if op == diff_match_patch.DIFF_DELETE:
            a_index += n
            run[1] = a_index
        else:
            b_index += n
            run[3] = b_index
    if run is not None:
        changes.append((run[0], run[1], run[2], run[3]))
    if len(a_keys) * len(b_keys) > MAX_BISECT_CELLS:
        return tuple(changes), ()  # long passages: the search for moves would cost too much
    stretches = _moves(a_keys, b_keys, changes)
    if not stretches:
        return tuple(changes), ()
    changes, stretches = _in_place(changes, stretches)
    moved_a = {i for a_lo, a_hi, _, _ in stretches for i in range(a_lo, a_hi)}
    moved_b = {j for _, _, b_lo, b_hi in stretches for j in range(b_lo, b_hi)}
    return tuple(sorted(_split_around(changes, moved_a, moved_b))), tuple(sorted(stretches))


def _in_place(changes: list[TokenChange], stretches: list[TokenChange]) -> tuple[list[TokenChange], list[TokenChange]]:
    """Stretches found inside one change on both sides are not moved: they stand where they
    stood, with other letter case ("Hollin Vale Parish Council" / "The parish council").
    Each such stretch (the only one in its change) becomes a change of its own, cut out of
    the change around it, and stops being a move."""
    inside: dict[int, list[TokenChange]] = {}
    for stretch in stretches:
        a_lo, a_hi, b_lo, b_hi = stretch
        for number, (c_a_lo, c_a_hi, c_b_lo, c_b_hi) in enumerate(changes):
            if c_a_lo <= a_lo and a_hi <= c_a_hi and c_b_lo <= b_lo and b_hi <= c_b_hi:
                inside.setdefault(number, []).append(stretch)
    in_place = {number: found[0] for number, found in inside.items() if len(found) == 1}
    if not in_place:
        return changes, stretches
    out: list[TokenChange] = []
    for number, change in enumerate(changes):
        if number not in in_place:
            out.append(change)
            continue
        c_a_lo, c_a_hi, c_b_lo, c_b_hi = change
        a_lo, a_hi, b_lo, b_hi = in_place[number]
        for part in ((c_a_lo, a_lo, c_b_lo, b_lo), (a_lo, a_hi, b_lo, b_hi), (a_hi, c_a_hi, b_hi, c_b_hi)):
            if part[0] < part[1] or part[2] < part[3]:
                out.append(part)
    return out, [s for s in stretches if s not in in_place.values()]


def _moves(a_keys: tuple[str, ...], b_keys: tuple[str, ...], changes: list[TokenChange]) -> list[TokenChange]:
    """Stretches (token ranges in A and in B) that both passages hold but the edit script
    marks as changed on both sides: the same words in another place.

    A stretch must hold a content word, or a function word of four letters or more that
    stands once among each side's changed words ("said"): a lone "the" or "of" found
    elsewhere in the other passage is a coincidence, not a move. Stretches with the most content words first, each
    token used once, compared without case and spacing."""
    a_words = [key.strip().casefold() for key in a_keys]
    b_words = [key.strip().casefold() for key in b_keys]
    a_free = [False] * len(a_keys)
    b_free = [False] * len(b_keys)
    for a_lo, a_hi, b_lo, b_hi in changes:
        a_free[a_lo:a_hi] = [True] * (a_hi - a_lo)
        b_free[b_lo:b_hi] = [True] * (b_hi - b_lo)
    # A function word of some length that stands once in each passage's changed words is no
    # coincidence either: "said Mayor Ortiz" / "Mayor Ortiz said" moves "said".
    once = _once(a_words, a_free) & _once(b_words, b_free)
    a_content = [
        _is_content_word(key) or (word in once and len(word) >= _MIN_LONE_MOVED and word.isalpha())
        for key, word in zip(a_keys, a_words, strict=True)
    ]
    stretches: list[TokenChange] = []
    while True:
        # The longest common run of free tokens: run lengths ending at each matching pair of
        # positions, found through the positions of each word in B (pairs of equal words
        # are few, so this costs far less than the full table of A times B).
        where_in_b: dict[str, list[int]] = {}
        for j, word in enumerate(b_words):
            if b_free[j]:
                where_in_b.setdefault(word, []).append(j)
        best = (0, 0, 0, 0)  # content words, length, A end, B end
        ending: dict[tuple[int, int], tuple[int, int]] = {}  # (content words, length) of the run ending there
        for i, word in enumerate(a_words):
            if not a_free[i]:
                continue
            for j in where_in_b.get(word, ()):
                content, length = ending.get((i - 1, j - 1), (0, 0))
                run = ending[i, j] = (content + a_content[i], length + 1)
                if run > best[:2]:
                    best = (*run, i + 1, j + 1)
        content, length, a_end, b_end = best
        if not content:
            return stretches
        for k in range(length):
            a_free[a_end - length + k] = b_free[b_end - length + k] = False
        stretches.append((a_end - length, a_end, b_end - length, b_end))


# A function word this long standing once on each side moves (see _moves); "of" or "the" would be a coincidence.
_MIN_LONE_MOVED = 4


def _once(words: list[str], free: list[bool]) -> set[str]:
    counts = Counter(word for word, is_free in zip(words, free, strict=True) if is_free)
    return {word for word, n in counts.items() if n == 1}


def _split_around(changes: list[TokenChange], moved_a: set[int], moved_b: set[int]) -> list[TokenChange]:
    """The changes without their moved tokens: each change cut into the pieces left on
    each side, paired in order; a piece left over on one side is an insert or a delete."""
    out: list[TokenChange] = []
    for a_lo, a_hi, b_lo, b_hi in changes:
        a_pieces = _pieces(a_lo, a_hi, moved_a)
        b_pieces = _pieces(b_lo, b_hi, moved_b)
        a_at, b_at = a_lo, b_lo  # where an empty side of a piece sits
        for k in range(max(len(a_pieces), len(b_pieces))):
            a_piece = a_pieces[k] if k < len(a_pieces) else (a_at, a_at)
            b_piece = b_pieces[k] if k < len(b_pieces) else (b_at, b_at)
            out.append((a_piece[0], a_piece[1], b_piece[0], b_piece[1]))
            a_at, b_at = a_piece[1], b_piece[1]
    return out


def _pieces(lo: int, hi: int, moved: set[int]) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    start: int | None = None
    for i in range(lo, hi + 1):
        if i < hi and i not in moved:
            if start is None:
                start = i
        elif start is not None:
            pieces.append((start, i))
            start = None
    return pieces


@dataclass(frozen=True)
class Run:
    """A stretch of one side of a pair: unchanged text, or (part of) a change."""

    kind: str  # "equal", "insert", "delete" or "replace"
    start: int
    end: int
    flags: frozenset[Flag] = frozenset()
    trivial: bool = False


def runs(
    span: tuple[int, int], changes: tuple[Change, ...] | list[Change], side: str, markers: bool = False
) -> list[Run]:
    """Cut ``span`` of one side ("a" or "b") into equal and changed runs, in order.

    With ``markers`` a change that is empty on this side (an insert seen from A, a delete
    seen from B) appears as a zero-length run where the text went missing, so a UI can
    show a caret there.
    """
    if side not in ("a", "b"):
        raise ValueError(f"side must be 'a' or 'b', not {side!r}")
    start, end = span
    out: list[Run] = []
    position = start
    for change in sorted(changes, key=lambda c: c.a if side == "a" else c.b):
        lo, hi = change.a if side == "a" else change.b
        lo, hi = max(lo, start), min(hi, end)
        if hi < lo or lo < position or (hi == lo and not markers):
            continue  # outside the span, overlapping what is already cut, or nothing to show
        if lo > position:
            out.append(Run("equal", position, lo))
        out.append(Run(change.op, lo, hi, change.flags, change.trivial))
        position = hi
    if position < end:
        out.append(Run("equal", position, end))
    return out


# A word as readers count them: a run of letters and digits.
_COUNTED_WORD = re.compile(r"[^\W_]+")


def same_wording(
    a_text: str,
    b_text: str,
    pairs: Sequence[Pair],
    a_junk: Sequence[tuple[int, int]] = (),
    b_junk: Sequence[tuple[int, int]] = (),
) -> float | None:
    """The share of the words of the pairs' passages, both sides counted, that the other side
    has too: the words outside every change that is not trivial (moved words are the same
    words). Each word counts once, as the same if any pair has it unchanged (pairs may
    overlap on one side). None when the passages hold no words. Junk inside a pair is not
    counted.

    Unlike a pair's score (how surely two passages correspond, meaning included), this says
    how much of the wording is the same, which is what a reader sees marked."""
    words: list[dict[int, bool]] = [{}, {}]  # per side: word start -> the same in some pair
    for pair in pairs:
        sides = (
            (a_text, pair.a_span, [c.a for c in pair.changes if not c.trivial], a_junk),
            (b_text, pair.b_span, [c.b for c in pair.changes if not c.trivial], b_junk),
        )
        for side, (text, span, changed, junk) in enumerate(sides):
            inside_junk = overlapping(junk, span)
            for match in _COUNTED_WORD.finditer(text, *span):
                at = match.start()
                if any(lo <= at < hi for lo, hi in inside_junk):
                    continue
                same = not any(lo <= at < hi for lo, hi in changed)
                words[side][at] = words[side].get(at, False) or same
    total = len(words[0]) + len(words[1])
    return sum(sum(side.values()) for side in words) / total if total else None


# --- tokens -------------------------------------------------------------------------------


def _tokenise(text: str, start: int, end: int) -> list[str]:
    """The tokens of ``text[start:end]``; together they cover it exactly, in order."""
    tokens: list[str] = _TOKEN.findall(text, start, end)
    if text.isascii():
        return tokens
    # Python's \w leaves out combining marks (Devanagari vowel signs, Arabic harakat,
    # decomposed accents), which would cut such words in pieces: glue them back together.
    glued: list[str] = []
    for token in tokens:
        if glued and not token[0].isspace():
            previous = glued[-1]
            if _is_mark(token[0]) or (_is_mark(previous[-1]) and (token[0].isalnum() or token[0] == "_")):
                glued[-1] = previous + token
                continue
        glued.append(token)
    return glued


@lru_cache(maxsize=4096)
def _span_tokens(
    text: str, start: int, end: int, junk: tuple[tuple[int, int], ...]
) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    """The tokens of ``text[start:end]`` outside junk, where each starts in ``text``, and
    the key each is compared by. Memoised: in a story a sentence is diffed against its
    counterpart in every other version."""
    tokens, starts = _tokens_and_starts(text, start, end, junk)
    # A line break and a space before a word are the same layout choice, not a change.
    keys = [" " + t.lstrip() if t[0].isspace() and (t[0] != " " or t[1:2].isspace()) else t for t in tokens]
    return tuple(tokens), tuple(starts), tuple(keys)


def _tokens_and_starts(text: str, start: int, end: int, junk: Sequence[tuple[int, int]]) -> tuple[list[str], list[int]]:
    """The tokens of ``text[start:end]`` outside junk, and where each starts in ``text``."""
    tokens: list[str] = []
    starts: list[int] = []
    for piece_start, piece_end in subtract(start, end, sorted(junk)):
        piece = _tokenise(text, piece_start, piece_end)
        if piece and piece[-1].isspace():
            piece.pop()  # spacing at the end of a piece (before junk, or ending the span) is layout
        if not piece:
            continue
        tokens += piece
        starts += accumulate((len(t) for t in piece[:-1]), initial=piece_start)
    return tokens, starts


def _char_range(
    tokens: tuple[str, ...], starts: tuple[int, ...], token_range: tuple[int, int], span_end: int
) -> tuple[int, int]:
    first, last = token_range
    begin = starts[first] if first < len(tokens) else span_end
    if last > first:
        return begin, starts[last - 1] + len(tokens[last - 1])
    return begin, begin


def _is_mark(ch: str) -> bool:
    return ch > "\u02ff" and unicodedata.category(ch)[0] == "M"


@lru_cache(maxsize=4096)
def _edit_script(a_keys: tuple[str, ...], b_keys: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """(operation, number of tokens) runs turning A's tokens into B's, cleaned up.

    Memoised on the tokens alone (where they sit does not matter): in a story, a sentence
    copied word for word by several versions meets the same counterpart more than once."""
    codes: dict[str, str] = {}
    weights: dict[str, int] = {}
    a_chars = _encode(a_keys, codes, weights)
    b_chars = _encode(b_keys, codes, weights)
    if set(a_chars).isdisjoint(b_chars):
        # Nothing in common (not even a comma): one replacement, without the costly bisection.
        return ((diff_match_patch.DIFF_DELETE, len(a_chars)), (diff_match_patch.DIFF_INSERT, len(b_chars)))
    if len(a_chars) * len(b_chars) > MAX_BISECT_CELLS:
        diffs = _coarse_diff(a_chars, b_chars)
    else:
        diffs = _dmp.diff_main(a_chars, b_chars, False)
    _absorb_small_equalities(diffs, weights)
    return tuple((op, len(chars)) for op, chars in diffs)


def _coarse_diff(a_chars: str, b_chars: str) -> list[tuple[int, str]]:
    """difflib's diff in diff-match-patch's shape, for passages too long to bisect."""
    diffs: list[tuple[int, str]] = []
    matcher = SequenceMatcher(None, a_chars, b_chars, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            diffs.append((diff_match_patch.DIFF_EQUAL, a_chars[i1:i2]))
            continue
        if i2 > i1:
            diffs.append((diff_match_patch.DIFF_DELETE, a_chars[i1:i2]))
        if j2 > j1:
            diffs.append((diff_match_patch.DIFF_INSERT, b_chars[j1:j2]))
    return diffs


def _encode(keys: tuple[str, ...], codes: dict[str, str], weights: dict[str, int]) -> str:
    """One character per token, the same character for the same key (as diff-match-patch's
    ``diff_linesToChars`` does for lines)."""
    chars = []
    for key in keys:
        code = codes.get(key)
        if code is None:
            number = len(codes) + 1
            if number >= 0xD800:  # skip the surrogate range: those are not characters
                number += 0x800
            code = codes[key] = chr(number)
            # A content word (not a function word, not punctuation) is worth keeping visible
            # as shared even between larger edits: negative weight marks it (see below).
            weights[code] = -len(key) if _is_content_word(key) else len(key)
        chars.append(code)
    return "".join(chars)


# Shortest word worth keeping visible as shared between edits: two-letter words ("of",
# "to") are glue, as are the longer function words in STOPWORDS.
_MIN_CONTENT_WORD = 3


def _is_content_word(key: str) -> bool:
    word = key.strip().casefold()
    return len(word) >= _MIN_CONTENT_WORD and word.isalnum() and word not in STOPWORDS


def _absorb_small_equalities(diffs: list[tuple[int, str]], weights: dict[str, int]) -> None:
    """diff-match-patch's semantic cleanup, measured in characters of text rather than tokens.

    A short stretch of common text between two larger edits ("the" inside a reworded
    clause) is folded into one replacement, which reads better than a comb of tiny changes.
    Each token is one character of the diffed strings, so the library's own cleanup would
    weigh "the" as much as "Pengyu"; here a token weighs its length.
    """

    def weight(chars: str) -> int:
        return sum(abs(weights[c]) for c in chars)

    def holds_content(chars: str) -> bool:
        # Shared content words between two larger edits stay shared (a paraphrase shows the
        # words it kept); only function words and punctuation are folded into the edits.
        return any(weights[c] < 0 for c in chars)

    equalities: list[int] = []  # indices of candidate equalities
    last_equality: str | None = None
    pointer = 0
    inserted_before = deleted_before = inserted_after = deleted_after = 0
    changed = False
    while pointer < len(diffs):
        op, chars = diffs[pointer]
        if op == diff_match_patch.DIFF_EQUAL:
            equalities.append(pointer)
            inserted_before, deleted_before = inserted_after, deleted_after
            inserted_after = deleted_after = 0
            last_equality = chars
        else:
            if op == diff_match_patch.DIFF_INSERT:
                inserted_after += weight(chars)
            else:
                deleted_after += weight(chars)
            if (
                last_equality is not None
                and not holds_content(last_equality)
                and weight(last_equality) < max(inserted_before, deleted_before)
                and weight(last_equality) < max(inserted_after, deleted_after)
            ):
                at = equalities[-1]
                diffs.insert(at, (diff_match_patch.DIFF_DELETE, last_equality))
                diffs[at + 1] = (diff_match_patch.DIFF_INSERT, last_equality)
                equalities.pop()
                if equalities:
                    equalities.pop()  # the one before is worth looking at again
                pointer = equalities[-1] if equalities else -1
                inserted_before = deleted_before = inserted_after = deleted_after = 0
                last_equality = None
                changed = True
        pointer += 1
    if changed:
        _dmp.diff_cleanupMerge(diffs)


# --- flags --------------------------------------------------------------------------------


def _make_change(
    a_text: str,
    b_text: str,
    a_range: tuple[int, int],
    b_range: tuple[int, int],
    a_span: tuple[int, int],
    b_span: tuple[int, int],
) -> Change:
    a_part = a_text[a_range[0] : a_range[1]]
    b_part = b_text[b_range[0] : b_range[1]]
    if a_part[:1].isspace() and b_part[:1].isspace():
        # Both sides replace " word": the space before is common ground, not a change.
        a_range = (a_range[0] + len(a_part) - len(a_part.lstrip()), a_range[1])
        b_range = (b_range[0] + len(b_part) - len(b_part.lstrip()), b_range[1])
        a_part, b_part = a_part.lstrip(), b_part.lstrip()
    op: Op
    if not a_part:
        op = "insert"
    elif not b_part:
        op = "delete"
    else:
        op = "replace"
    a_numbers, b_numbers = _numbers(a_part), _numbers(b_part)
    trivial = a_numbers == b_numbers and _letters_and_digits(a_part) == _letters_and_digits(b_part)
    flags: set[Flag] = set()
    if not trivial:
        if a_numbers != b_numbers:
            flags.add("number")
        if _changes_a_name(a_text, a_range, a_span, b_text, b_span) or _changes_a_name(
            b_text, b_range, b_span, a_text, a_span
        ):
            flags.add("name")
    if _in_quote(a_text, a_range) or _in_quote(b_text, b_range) or _has_quote_mark(a_part + b_part):
        flags.add("quote")
    return Change(op=op, a=a_range, b=b_range, flags=frozenset(flags), trivial=trivial)


_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def _letters_and_digits(s: str) -> str:
    return _NOT_LETTER_OR_DIGIT.sub("", s.casefold())


@lru_cache(maxsize=4096)
def _numbers(part: str) -> tuple[float | str, ...]:
    """The figures a passage states, comparable across spellings ("1,000" = "1000").

    A change is trivial only if its letters and digits *and* its figures agree, so "19.5"
    against "195" is not trivial. Memoised (hence a tuple): the same edit is met again in
    every pair of versions that holds it."""
    values: list[float | str] = []
    for token in _BARE_TOKEN.findall(part):
        first = token[0]
        if len(token) == 1 and not first.isascii() and unicodedata.numeric(token, None) is not None:
            values.append(unicodedata.numeric(token))  # "½", "²", "Ⅻ", "三"
        elif first.isalpha():
            if token in _DATE_WORDS:
                values.append(token)
            else:
                word = NUMBER_WORDS.get(token.lower())
                if word is not None:
                    values.append(word)
        elif leading := _LEADING_DIGITS.match(token):
            digits = leading.group().rstrip(".,")
            # "1,000" and "1000" are the same number; "19.5" keeps its decimal point.
            digits = digits.replace(",", "") if _THOUSANDS.fullmatch(digits) else digits
            try:
                values.append(float(digits.replace(",", ".")))
            except ValueError:
                values.append(digits)
    return tuple(values)


def _changes_a_name(
    text: str, char_range: tuple[int, int], span: tuple[int, int], other_text: str, other_span: tuple[int, int]
) -> bool:
    """A capitalised name in this side of the change that the other passage does not have.

    A name merely moved within the passage ("China" earlier or later in the sentence) is
    not a changed name; "Pengyu" against "Bingyu" is."""
    start, end = char_range
    if text[start:end].islower() or not text[start:end].strip():
        return False  # no capital letter at all: no name
    for match in _BARE_TOKEN.finditer(text, start, end):
        word = match.group()
        if len(word) < 2 or not word[0].isupper() or not word[0].isalpha():
            continue
        if word.replace("’", "'").split("'")[0] == "I":
            continue  # "I", "I've", "I’m"
        if word in _DATE_WORDS or word.casefold() in _HONORIFICS:
            continue
        if word.isupper() and word.casefold() in _SENTENCE_STARTERS:
            continue
        if _starts_sentence(text, match.start(), span[0]):
            # A capital at the start of a sentence proves nothing ("Several", "Cyclists"):
            # the word counts as a name only if a capital elsewhere shows it is one.
            lower = word.casefold()
            if lower in _SENTENCE_STARTERS or lower in _lowercase_words(text) or lower in _lowercase_words(other_text):
                continue
            if word not in _capitals_within_sentences(text) and word not in _capitals_within_sentences(other_text):
                continue
        if _name_key(word) not in _name_keys(other_text, other_span[0], other_span[1]):
            return True
    return False


@lru_cache(maxsize=256)
def _name_keys(text: str, start: int, end: int) -> frozenset[str]:
    return frozenset(_name_key(w) for w in _BARE_TOKEN.findall(text, start, end))


def _name_key(word: str) -> str:
    """ "Russia’s", "Russia's" and "russia" name the same thing; only a different name counts."""
    word = word.casefold().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


def _starts_sentence(text: str, position: int, span_start: int) -> bool:
    i = position - 1
    while i >= span_start and (text[i].isspace() or text[i] in _QUOTE_MARKS or text[i] in "([—–-"):
        i -= 1
    return i < span_start or text[i] in ".!?:;…\n"


@lru_cache(maxsize=32)
def _lowercase_words(text: str) -> frozenset[str]:
    """Words the text uses in lower case at least once: a capital on those at the start of a
    sentence is grammar, not a name."""
    return frozenset(w for w in re.findall(r"\b[^\W\d_]+\b", text) if w[0].islower())


@lru_cache(maxsize=32)
def _capitals_within_sentences(text: str) -> frozenset[str]:
    """Capitalised words the text uses somewhere other than at the start of a sentence."""
    found = set()
    for match in _BARE_TOKEN.finditer(text):
        word = match.group()
        if word[0].isupper() and word not in found and not _starts_sentence(text, match.start(), 0):
            found.add(word)
    return frozenset(found)


def _has_quote_mark(s: str) -> bool:
    return _QUOTE_MARK.search(s) is not None


@lru_cache(maxsize=32)
def _quoted_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Stretches of ``text`` inside quotation marks. A quote never runs past the end of a
    line: news copy reopens a quote on each paragraph of a long quotation."""
    spans: list[tuple[int, int]] = []
    opener: str | None = None
    opened_at = 0
    for match in _QUOTE_OR_LINE_END.finditer(text):
        i, ch = match.start(), match.group()
        if ch == "\n":
            if opener is not None:
                spans.append((opened_at, i))
            opener = None
        elif opener is None:
            if ch == '"' or ch in _OPENERS:
                opener, opened_at = ch, i
        elif (ch == '"' and opener == '"') or (ch in _OPENING_FOR and opener in _OPENING_FOR[ch]):
            spans.append((opened_at, i + 1))
            opener = None
    if opener is not None:
        spans.append((opened_at, len(text)))
    return tuple(spans)


def _in_quote(text: str, char_range: tuple[int, int]) -> bool:
    start, end = char_range
    spans = _quoted_spans(text)
    # The quotes that could hold this range start before its end (or at it, for an insert).
    i = bisect_left(spans, (max(end, start + 1),)) - 1
    while i >= 0:
        q_start, q_end = spans[i]
        if (start < q_end and end > q_start) if end > start else q_start < start < q_end:
            return True
        if q_end <= start:
            return False  # quotes do not nest: earlier ones end earlier still
        i -= 1
    return False
