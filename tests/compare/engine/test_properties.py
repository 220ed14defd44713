"""Invariants of the engine over generated text (hypothesis): segment, word_changes,
align_pair and align_story must hold them for any input, however odd."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compare.engine.align import align_pair
from compare.engine.diff import _BARE_TOKEN, runs, word_changes
from compare.engine.segment import segment
from compare.engine.story import align_story
from compare.engine.types import KINDS, SHARE_KINDS, Change, Document, PairAlignment, StoryAlignment
from tests.conftest import REPO

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- text generators ---------------------------------------------------------------------

# Fictional vocabulary. Words of at least four letters so that they are never function words.
VOCABULARY_TEXT = (
    "harbour ferry island council bridge storm engineer mayor village market river tower "
    "school library volunteer budget report winter summer harvest railway station museum "
    "garden festival lighthouse fisherman doctor teacher student "
    "closed opened repaired inspected announced delayed approved rejected praised warned "
    "quickly slowly northern southern ancient modern wooden broken heavy quiet"
)
VOCABULARY = VOCABULARY_TEXT.split(" ")
NAMES = ["Okafor", "Lindqvist", "Marrow", "Halden", "Tamsin", "Oyelaran"]


@st.composite
def sentences(draw, words=VOCABULARY) -> str:
    chosen = draw(st.lists(st.sampled_from(words), min_size=4, max_size=14))
    if draw(st.booleans()):
        chosen.insert(draw(st.integers(0, len(chosen))), draw(st.sampled_from(NAMES)))
    if draw(st.booleans()):
        chosen.insert(draw(st.integers(0, len(chosen))), str(draw(st.integers(0, 2000))))
    text = " ".join(chosen)
    if draw(st.booleans()):
        quoted = " ".join(draw(st.lists(st.sampled_from(words), min_size=1, max_size=4)))
        text += f", “{quoted}”"
    return text[0].upper() + text[1:] + draw(st.sampled_from([".", ".", "!", "?"]))


@st.composite
def articles(draw, words=VOCABULARY, min_sentences=1, max_sentences=8) -> str:
    paragraphs = draw(
        st.lists(st.lists(sentences(words), min_size=1, max_size=3), min_size=min_sentences, max_size=max_sentences)
    )
    return "\n\n".join(" ".join(p) for p in paragraphs)


@st.composite
def edited(draw, text: str) -> str:
    """A plausible other version of ``text``: sentences dropped, moved, a word changed."""
    parts = re.split(r"(?<=[.!?])\s+", text)
    parts = [p for p in parts if p]
    if len(parts) > 1 and draw(st.booleans()):
        parts.pop(draw(st.integers(0, len(parts) - 1)))
    if len(parts) > 1 and draw(st.booleans()):
        moved = parts.pop(draw(st.integers(0, len(parts) - 1)))
        parts.insert(draw(st.integers(0, len(parts))), moved)
    if parts and draw(st.booleans()):
        i = draw(st.integers(0, len(parts) - 1))
        words = parts[i].split(" ")
        words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(VOCABULARY))
        parts[i] = " ".join(words)
    return "\n\n".join(parts)


JUNK_LINES = st.sampled_from(
    [
        "Share on Facebook (opens new window)",
        "Share on Twitter (opens new window)",
        "Your email address will not be published.",
        "Sign up for our free newsletter to get the latest news.",
    ]
)
ONLY_JUNK = st.lists(JUNK_LINES, min_size=1, max_size=4).map("\n".join)
CJK = st.lists(
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=3, max_size=20),
    min_size=1,
    max_size=6,
).map(lambda parts: "。".join(parts) + "。")
ARABIC = st.lists(
    st.text(alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x064A), min_size=2, max_size=8),
    min_size=3,
    max_size=30,
).map(lambda words: " ".join(words) + ".")
HEBREW = st.lists(
    st.text(alphabet=st.characters(min_codepoint=0x05D0, max_codepoint=0x05EA), min_size=2, max_size=8),
    min_size=3,
    max_size=30,
).map(lambda words: " ".join(words) + ".")
EMOJI = st.lists(
    st.sampled_from(["🌊", "🔥", "👍🏽", "👨‍👩‍👧", "🇬🇧", "❤️", "harbour", "ferry", "!", " ", "\n"]), max_size=40
).map("".join)
GIANT_PARAGRAPH = st.lists(st.sampled_from(VOCABULARY), min_size=300, max_size=1200).map(" ".join)
ANY_UNICODE = st.text(max_size=400)
ODD_TEXTS = st.one_of(
    st.just(""),
    st.text(alphabet=" \n\t\r", max_size=20),
    ONLY_JUNK,
    CJK,
    ARABIC,
    HEBREW,
    EMOJI,
    GIANT_PARAGRAPH,
    ANY_UNICODE,
    articles(),
)

# --- checks ------------------------------------------------------------------------------


def check_segments(text: str, segments) -> None:
    position = 0
    for i, s in enumerate(segments):
        assert s.index == i
        assert position <= s.start < s.end <= len(text), (s, len(text))
        position = s.end
    paragraphs = [s.paragraph for s in segments]
    assert paragraphs == sorted(paragraphs)


def check_changes(changes: tuple[Change, ...], a_span: tuple[int, int], b_span: tuple[int, int]) -> None:
    a_position, b_position = a_span[0], b_span[0]
    for change in changes:
        assert change.op in ("insert", "delete", "replace")
        assert a_position <= change.a[0] <= change.a[1] <= a_span[1]
        assert b_position <= change.b[0] <= change.b[1] <= b_span[1]
        assert (change.op == "insert") == (change.a[0] == change.a[1])
        assert (change.op == "delete") == (change.b[0] == change.b[1])
        assert change.flags <= {"number", "name", "quote"}
        a_position, b_position = change.a[1], change.b[1]


def check_pair_alignment(pa: PairAlignment, a: Document, b: Document) -> None:
    assert (pa.a_id, pa.b_id) == (a.id, b.id)
    check_segments(a.text, pa.a_segments)
    check_segments(b.text, pa.b_segments)
    seen_a: set[int] = set()
    seen_b: set[int] = set()
    seen: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    for pair in pa.pairs:
        assert pair.kind in KINDS
        assert 0.0 <= pair.score <= 1.0
        assert list(pair.a) == sorted(set(pair.a)) and list(pair.b) == sorted(set(pair.b))
        assert pair.a and pair.b
        # A passage may take part in several correspondences, never twice in the same one.
        assert (pair.a, pair.b) not in seen, "each correspondence is listed once"
        seen.add((pair.a, pair.b))
        seen_a |= set(pair.a)
        seen_b |= set(pair.b)
        assert pair.a_span == (pa.a_segments[pair.a[0]].start, pa.a_segments[pair.a[-1]].end)
        assert pair.b_span == (pa.b_segments[pair.b[0]].start, pa.b_segments[pair.b[-1]].end)
        check_changes(pair.changes, pair.a_span, pair.b_span)
    assert sorted(pa.unique_a) == sorted(set(range(len(pa.a_segments))) - seen_a)
    assert sorted(pa.unique_b) == sorted(set(range(len(pa.b_segments))) - seen_b)
    for shares, segments in ((pa.shares_a, pa.a_segments), (pa.shares_b, pa.b_segments)):
        assert set(shares) <= set(SHARE_KINDS)
        assert all(0.0 <= v <= 1.0 for v in shares.values())
        if segments:
            assert abs(sum(shares.values()) - 1.0) < 1e-6


def mirrored(pa: PairAlignment) -> dict:
    """What align_pair(b, a) must say, computed from align_pair(a, b) by hand."""
    swap = {"insert": "delete", "delete": "insert", "replace": "replace"}
    pairs = sorted(
        (
            p.b,
            p.a,
            p.b_span,
            p.a_span,
            p.kind,
            p.score,
            tuple(sorted((swap[c.op], c.b, c.a, tuple(sorted(c.flags)), c.trivial) for c in p.changes)),
        )
        for p in pa.pairs
    )
    return {
        "ids": (pa.b_id, pa.a_id),
        "pairs": pairs,
        "unique": (sorted(pa.unique_b), sorted(pa.unique_a)),
        "shares": (pa.shares_b, pa.shares_a),
    }


def as_seen(pa: PairAlignment) -> dict:
    pairs = sorted(
        (
            p.a,
            p.b,
            p.a_span,
            p.b_span,
            p.kind,
            p.score,
            tuple(sorted((c.op, c.a, c.b, tuple(sorted(c.flags)), c.trivial) for c in p.changes)),
        )
        for p in pa.pairs
    )
    return {
        "ids": (pa.a_id, pa.b_id),
        "pairs": pairs,
        "unique": (sorted(pa.unique_a), sorted(pa.unique_b)),
        "shares": (pa.shares_a, pa.shares_b),
    }


def check_story(sa: StoryAlignment, docs: list[Document]) -> None:
    ids = [d.id for d in docs]
    texts = {d.id: d.text for d in docs}
    assert sa.documents == ids
    for x in ids:
        check_segments(texts[x], sa.segments[x])
        assert sa.similarity[(x, x)] == 1.0
        for y in ids:
            assert 0.0 <= sa.similarity[(x, y)] <= 1.0
            assert sa.similarity[(x, y)] == sa.similarity[(y, x)]
            if x != y:
                check_pair_alignment(sa.pairwise[(x, y)], Document(x, texts[x]), Document(y, texts[y]))
                assert as_seen(sa.pairwise[(y, x)]) == mirrored(sa.pairwise[(x, y)])
    members_seen: set[tuple[str, int]] = set()
    for group in sa.groups:
        for doc, index in group.members:
            assert doc in texts
            assert 0 <= index < len(sa.segments[doc])
            assert (doc, index) not in members_seen, "a sentence belongs to one group at most"
            members_seen.add((doc, index))
    assert sa.source.document is None or sa.source.document in ids
    assert 0.0 <= sa.source.confidence <= 1.0


# --- segment -----------------------------------------------------------------------------


@SETTINGS
@given(ODD_TEXTS)
def test_segments_are_in_bounds_in_order_and_never_empty(text):
    check_segments(text, segment(text))


@SETTINGS
@given(articles(), st.data())
def test_segments_never_overlap_junk(text, data):
    junk_line = data.draw(JUNK_LINES)
    cut = data.draw(st.integers(0, len(text)))
    cut = text.rfind("\n\n", 0, cut) + 1 if "\n\n" in text[:cut] else 0
    full = text[:cut] + junk_line + "\n\n" + text[cut:]
    junk = [(cut, cut + len(junk_line))]
    for s in segment(full, junk):
        assert s.end <= junk[0][0] or s.start >= junk[0][1]


# --- word_changes -------------------------------------------------------------------------


def spans_of(text: str, data) -> tuple[int, int]:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    return start, end


@SETTINGS
@given(ODD_TEXTS, ODD_TEXTS, st.data())
def test_word_changes_are_ordered_and_inside_the_spans(a, b, data):
    a_span, b_span = spans_of(a, data), spans_of(b, data)
    check_changes(word_changes(a, b, a_span, b_span)[0], a_span, b_span)


@SETTINGS
@given(ODD_TEXTS, ODD_TEXTS)
def test_what_the_changes_leave_is_the_same_words_on_both_sides(a, b):
    # Changes are differences of wording: every word outside them on one side is outside
    # them on the other side too, in the same order or moved to another place.
    changes = word_changes(a, b, (0, len(a)), (0, len(b)))[0]
    kept = []
    for side, text in (("a", a), ("b", b)):
        words = Counter()
        for run in runs((0, len(text)), changes, side):
            if run.kind == "equal":
                words.update(w.casefold() for w in _BARE_TOKEN.findall(text, run.start, run.end))
        kept.append(words)
    assert kept[0] == kept[1]


@SETTINGS
@given(ODD_TEXTS, ODD_TEXTS, st.data())
def test_a_move_is_the_same_words_on_both_sides_inside_the_spans_and_outside_every_change(a, b, data):
    a_span, b_span = spans_of(a, data), spans_of(b, data)
    changes, moves = word_changes(a, b, a_span, b_span)
    for move in moves:
        for (start, end), (lo, hi) in ((move.a, a_span), (move.b, b_span)):
            assert lo <= start < end <= hi
        assert [w.casefold() for w in _BARE_TOKEN.findall(a, *move.a)] == [
            w.casefold() for w in _BARE_TOKEN.findall(b, *move.b)
        ]
        for change in changes:
            assert change.a[1] <= move.a[0] or change.a[0] >= move.a[1]
            assert change.b[1] <= move.b[0] or change.b[0] >= move.b[1]


@SETTINGS
@given(ODD_TEXTS, st.data())
def test_a_passage_diffed_against_itself_has_no_changes(text, data):
    span = spans_of(text, data)
    assert word_changes(text, text, span, span)[0] == ()


@SETTINGS
@given(ODD_TEXTS, ODD_TEXTS, st.data())
def test_runs_cut_each_side_of_a_pair_into_pieces_that_rebuild_it(a, b, data):
    a_span, b_span = spans_of(a, data), spans_of(b, data)
    changes = word_changes(a, b, a_span, b_span)[0]
    for side, text, span in (("a", a, a_span), ("b", b, b_span)):
        for markers in (False, True):
            cut = runs(span, changes, side, markers=markers)
            assert "".join(text[r.start : r.end] for r in cut) == text[span[0] : span[1]]
            assert all(r.kind in ("equal", "insert", "delete", "replace") for r in cut)
            assert all(r.start < r.end for r in cut if r.kind == "equal")


@SETTINGS
@given(articles(), st.data())
def test_a_junk_line_marked_as_junk_inside_a_copy_makes_no_change(text, data):
    junk_line = data.draw(JUNK_LINES)
    breaks = [m.end() for m in re.finditer(r"\n\n", text)] or [len(text)]
    cut = data.draw(st.sampled_from(breaks))
    with_junk = text[:cut] + junk_line + "\n\n" + text[cut:]
    junk = [(cut, cut + len(junk_line))]
    assert word_changes(with_junk, text, (0, len(with_junk)), (0, len(text)), a_junk=junk)[0] == ()


def _is_word_char(ch: str) -> bool:
    return (ch.isalnum() or ch == "_") and not ("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")


@SETTINGS
@given(articles(), articles())
def test_no_change_cuts_a_word_in_half(a, b):
    for change in word_changes(a, b, (0, len(a)), (0, len(b)))[0]:
        for text, (start, end) in ((a, change.a), (b, change.b)):
            for at in (start, end):
                if 0 < at < len(text):
                    assert not (_is_word_char(text[at - 1]) and _is_word_char(text[at])), (text, at)


# --- align_pair --------------------------------------------------------------------------


@SETTINGS
@given(ODD_TEXTS, ODD_TEXTS)
def test_align_pair_never_crashes_and_keeps_every_offset_in_bounds(a_text, b_text):
    a, b = Document("a", a_text), Document("b", b_text)
    check_pair_alignment(align_pair(a, b), a, b)


@SETTINGS
@given(articles(), st.data())
def test_align_pair_is_deterministic(text, data):
    a, b = Document("a", text), Document("b", data.draw(edited(text)))
    assert align_pair(a, b) == align_pair(a, b)


@SETTINGS
@given(articles(), st.data())
def test_swapping_a_and_b_mirrors_the_result(text, data):
    a, b = Document("first", text), Document("second", data.draw(edited(text)))
    forward = align_pair(a, b)
    check_pair_alignment(forward, a, b)
    assert as_seen(align_pair(b, a)) == mirrored(forward)


@SETTINGS
@given(articles())
def test_identical_versions_are_verbatim_throughout_with_nothing_unique(text):
    pa = align_pair(Document("a", text), Document("b", text))
    assert pa.pairs
    assert all(p.kind == "verbatim" and not p.changes for p in pa.pairs)
    assert pa.unique_a == [] and pa.unique_b == []


@SETTINGS
@given(
    articles(words=[w for w in VOCABULARY if w < "m"]),
    articles(words=[w for w in VOCABULARY if w >= "m"]),
)
def test_versions_with_no_word_in_common_have_no_pairs(a_text, b_text):
    # Names and figures come from lists both sides share, so keep them out of this test.
    shared = re.compile(r"\b(?:" + "|".join(NAMES) + r"|\d+)\b")
    pa = align_pair(Document("a", shared.sub("", a_text)), Document("b", shared.sub("", b_text)))
    assert pa.pairs == []


@SETTINGS
@given(articles(), st.data())
def test_junk_is_never_part_of_a_pair(text, data):
    junk_line = data.draw(JUNK_LINES)
    a = Document("a", junk_line + "\n\n" + text, junk=((0, len(junk_line)),))
    b = Document("b", junk_line + "\n\n" + text, junk=((0, len(junk_line)),))
    for pair in align_pair(a, b).pairs:
        assert pair.a_span[0] >= len(junk_line) and pair.b_span[0] >= len(junk_line)


# --- align_story -------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles(), st.data())
def test_a_story_of_several_versions_keeps_every_invariant(text, data):
    versions = [text] + [data.draw(edited(text)) for _ in range(data.draw(st.integers(1, 3)))]
    docs = [Document(f"v{i}", t) for i, t in enumerate(versions)]
    check_story(align_story(docs), docs)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ODD_TEXTS, min_size=2, max_size=4))
def test_a_story_of_odd_texts_never_crashes(texts):
    docs = [Document(f"d{i}", t) for i, t in enumerate(texts)]
    check_story(align_story(docs), docs)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles(), st.data())
def test_the_order_in_which_versions_are_given_changes_nothing_but_the_order(text, data):
    docs = [Document(f"v{i}", t) for i, t in enumerate([text, data.draw(edited(text)), data.draw(edited(text))])]
    shuffled = data.draw(st.permutations(docs))
    first, second = align_story(docs), align_story(shuffled)
    assert first.pairwise == second.pairwise
    assert first.similarity == second.similarity
    assert sorted(sorted(g.members) for g in first.groups) == sorted(sorted(g.members) for g in second.groups)
    assert first.source == second.source


# --- determinism across processes ----------------------------------------------------------


def test_the_result_does_not_depend_on_the_hash_seed(tmp_path):
    """Set and dict order of strings changes between runs; the alignment must not."""
    texts = [
        "Ferry halted after storm\n\nThe ferry to Marrow Island will not sail for 12 days, the harbour said. "
        "Engineers will inspect the pier on Monday. “We cannot trust the ramp,” said Ines Okafor.",
        "Storm halts ferry\n\nEngineers will inspect the pier on Monday. The ferry to Marrow Island will not "
        "sail for 14 days, the harbour authority said. “We cannot trust that ramp,” said Okafor.",
        "Island waits for ferry\n\nResidents of Marrow Island face two weeks without their ferry. "
        "The harbour said engineers would inspect the pier on Monday.",
    ]
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"v{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    outputs = []
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "manage.py", "align", *paths, "--json"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout))
    assert outputs[0]["pairs"]
    assert outputs[0] == outputs[1] == outputs[2]
