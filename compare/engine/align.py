"""Align two versions: find every pair of passages that correspond, label it, score it.

How a pair is decided (lexical, no model):

* Each sentence is reduced to its content stems (see ``_text``). Stems are weighted by
  inverse document frequency over the sentences being compared, so the story's topic
  words (Russia, China, officials: in many sentences) count little and what a sentence
  specifically asserts (a name, a number, a rare verb, the quoted words) counts a lot.
* Candidates come from an inverted index over each sentence's most informative stems
  (no all-against-all loop).
* A candidate's score mixes the weighted overlap of content (Dice) with the closeness of
  the whole wording (longest common token subsequence); numbers that disagree, or fewer
  than three content words in common, lower it.
* Pairs are taken best-first, one-to-one, wherever they sit (moved passages are found),
  then grown into one-to-many / many-to-many groups by adding unpaired neighbouring
  sentences (on one side or both) when the merged passages score better and each added
  sentence is partly said on the other side.
* Copies keep their source's order in runs: a sentence that continues a run of pairs on
  both sides is paired at a lower bar, and one wedged between two consecutive pairs at a
  lower bar still.
* Kind: ``verbatim`` when the words are the same, in the same order (after normalising
  case, punctuation and quote marks), ``edited`` when most of the wording is
  shared or a good part of the shorter passage is copied in runs of four words or more, each
  holding a function word (a quotation kept word for word inside other framing), otherwise
  ``paraphrase``.

With sentence embeddings (semantic mode, when both versions carry their vectors):

* The score gets ``MEANING_WEIGHT`` times the passages' similarity of meaning beyond the
  story's topic (see ``meaning``), and the bar is ``SEMANTIC_THRESHOLD``.
* Candidates also come from each sentence's closest few by embedding.
* The two headlines are paired first, at a lower bar (``_headline_pair``).
* In both modes, once pairs are decided, a passage already paired may take part in a
  second correspondence with a sentence left unpaired on the other side
  (``_second_correspondences``): pairs may overlap on one side.

The score's mix was measured on the MSRP training split (bench/quality.py prints it).
``ALIGN_THRESHOLD`` sits below MSRP's "equivalent" threshold on purpose: it keeps ~99% of
MSRP's paraphrases and the edited rewrites that MSRP labels 0; it was then checked on the
seed story, where it separates same-statement pairs from topic-only ones.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ._text import STOPWORDS, Tokens, tokens
from .diff import word_changes
from .embed import DIMENSIONS, one_blas_thread
from .segment import segment
from .spans import overlapping
from .types import SHARE_KINDS, Change, Document, Kind, Move, Pair, PairAlignment, Segment, ShareKind

# A candidate pair is kept when its score reaches this (see the module docstring).
ALIGN_THRESHOLD = 0.37
# Lower bar for a sentence pair that continues a run of pairs in both texts (see _continue_runs).
CONTEXT_THRESHOLD = 0.3
# ... and for a sentence wedged between two consecutive pairs on both sides.
WEDGED_THRESHOLD = 0.05
# Wording ratio from which a pair counts as "edited" rather than "paraphrase".
EDITED_RATIO = 0.55
# ... or from this share of the shorter passage's content words copied in runs of COPIED_RUN
# words (a quotation kept word for word inside other framing is an edit, not a paraphrase).
EDITED_COPIED_SHARE = 0.35
COPIED_RUN = 4
# At most this many function-word differences still count as verbatim. None: "verbatim" is
# what a reader quotes as copied word for word, and a dropped "not", or "before" for
# "after", is a function word that turns the meaning round.
VERBATIM_SLACK = 0
# A neighbouring sentence joins a pair when at least this share of its content is on the
# other side and the merged passages score at least GROW_GAIN better.
GROW_COVERAGE = 0.2
GROW_GAIN = 0.005
# ... figures that disagree do not count against a neighbour this much of whose other words are there.
WORDS_ALL_SAID = 0.8
# How many candidates per sentence are scored in full.
CANDIDATES_PER_SENTENCE = 5
# Candidate generation ignores stems present in more sentences than this (they would
# make the index quadratic on huge texts and cannot decide a pair anyway).
MIN_POSTING_CAP = 64
# Candidates sharing less weighted content than this are not scored in full.
MIN_CANDIDATE_DICE = 0.15
# Only a sentence's most informative stems are looked up in the index.
INDEXED_STEMS = 10


class Idf:
    """Inverse document frequency of content stems over a set of sentences."""

    def __init__(self, sentences: Iterable[Tokens], vectors: Sequence[Any] = ()) -> None:
        # The story's mean sentence embedding (see ``meaning``), when every version has embeddings.
        self.topic: Any = _mean_vector(vectors)
        self.df: Counter[str] = Counter()
        self.n = 0
        for sentence in sentences:
            self.n += 1
            self.df.update(sentence.content)
        self._unseen = math.log(self.n + 1)  # a stem in no sentence counts as in one
        self._weights = {stem: math.log((self.n + 1) / count) for stem, count in self.df.items()}
        self._totals: dict[frozenset[str], float] = {}

    def __call__(self, stem: str) -> float:
        return self._weights.get(stem, self._unseen)

    def total(self, stems: Iterable[str]) -> float:
        """Total weight of the stems. math.fsum is exact, so the result does not depend on
        the order a set yields its stems in (that order changes with PYTHONHASHSEED, and a
        last-bit difference could tip a score across a threshold)."""
        weights, unseen = self._weights, self._unseen
        return math.fsum([weights.get(stem, unseen) for stem in stems])

    def content_weight(self, content: frozenset[str]) -> float:
        """Total weight of a passage's content (memoised: each sentence is weighed many times)."""
        weight = self._totals.get(content)
        if weight is None:
            weight = self._totals[content] = self.total(content)
        return weight


def _mean_vector(vectors: Sequence[Any]) -> Any:
    if not vectors or any(v is None for v in vectors):
        return None
    import numpy as np

    stacked = np.concatenate(list(vectors))
    return stacked.mean(axis=0) if len(stacked) else None


def merge_tokens(parts: Sequence[Tokens]) -> Tokens:
    if len(parts) == 1:
        return parts[0]
    sequence: list[str] = []
    content: set[str] = set()
    numbers: set[str] = set()
    for part in parts:
        sequence.extend(part.sequence)
        content |= part.content
        numbers |= part.numbers
    return Tokens(tuple(sequence), frozenset(content), frozenset(numbers))


def content_overlap(a: Tokens, b: Tokens, idf: Idf) -> tuple[float, float, float]:
    """(weighted Dice, coverage of a by b, coverage of b by a) over content stems."""
    shared = idf.total(a.content & b.content)
    weight_a = idf.content_weight(a.content)
    weight_b = idf.content_weight(b.content)
    if weight_a + weight_b <= 0:
        return (1.0 if a.sequence == b.sequence and a.sequence else 0.0), 0.0, 0.0
    dice = 2 * shared / (weight_a + weight_b)
    return dice, shared / weight_a if weight_a else 0.0, shared / weight_b if weight_b else 0.0


@lru_cache(maxsize=16384)
def lcs_length(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """Length of the longest common subsequence, bit-parallel (Hyyrö 2004): one big-int
    step per token of ``b`` instead of a table of len(a) x len(b) cells. Memoised: in a
    story the same two sentences meet again in many pairs of versions (about three calls
    in four are repeats on ten versions)."""
    if a == b:
        return len(a)  # verbatim copies are the commonest pair: nothing to compute
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return 0
    masks = _positions(a)
    full = (1 << len(a)) - 1
    row = full
    for token in b:
        matches = row & masks.get(token, 0)
        row = ((row + matches) | (row - matches)) & full
    return len(a) - row.bit_count()


@lru_cache(maxsize=4096)
def _positions(sequence: tuple[str, ...]) -> dict[str, int]:
    """For each token, a bit mask of where it occurs (memoised: a sentence meets many others)."""
    masks: dict[str, int] = {}
    for position, token in enumerate(sequence):
        masks[token] = masks.get(token, 0) | (1 << position)
    return masks


def wording_ratio(a: Tokens, b: Tokens) -> float:
    """How much of the wording (all tokens, in order) the two passages share, in [0, 1]."""
    total = len(a.sequence) + len(b.sequence)
    return 2 * lcs_length(a.sequence, b.sequence) / total if total else 0.0


CONTENT_WEIGHT = 0.65  # the rest goes to the wording ratio
# With sentence embeddings, the lexical score gets MEANING_WEIGHT times the passages'
# similarity of meaning beyond the story's topic (see ``meaning``), and the bar moves to
# SEMANTIC_THRESHOLD.
MEANING_WEIGHT = 0.42
SEMANTIC_THRESHOLD = 0.40
# Headlines pair with each other from this score on (see _headline_pair); a headline is at most HEADLINE_WORDS long.
HEADLINE_THRESHOLD = 0.2
HEADLINE_WORDS = 30
# A passage already paired also pairs with a free sentence from this score on (see _second_correspondences).
SECOND_THRESHOLD = 0.5
# Candidates by meaning: each sentence's closest few on the other side, from this raw cosine on.
COSINE_FLOOR = 0.35
CONFLICTING_NUMBERS = 0.85  # factor when both passages give numbers and none agree
MIN_SHARED_STEMS = 3
FEW_SHARED_WORDS = 0.8  # factor when they share fewer content words than that


def judge(
    a: Tokens,
    b: Tokens,
    idf: Idf,
    dice: float | None = None,
    cos: float | None = None,
    capped: bool = True,
    figures: bool = True,
) -> float:
    """Score how strongly two passages correspond (``classify`` says what kind of pair they make).

    ``cos`` is the cosine of the passages' sentence embeddings, when both have them. The
    score is capped at 1 unless ``capped`` is False: with the model's similarity added, a
    copied sentence already scores above 1, and capped scores could not tell it from the
    same sentence with its neighbour joined (see ``_grow``). With ``figures`` False, figures
    that disagree do not lower the score (see ``_grow``)."""
    if dice is None:
        dice = content_overlap(a, b, idf)[0]
    return _combine(dice, wording_ratio(a, b), a, b, cos, capped, figures)


def _combine(
    dice: float,
    ratio: float,
    a: Tokens,
    b: Tokens,
    cos: float | None = None,
    capped: bool = True,
    figures: bool = True,
) -> float:
    score = CONTENT_WEIGHT * dice + (1 - CONTENT_WEIGHT) * ratio
    if figures and a.numbers and b.numbers and not (a.numbers & b.numbers):
        score *= CONFLICTING_NUMBERS
    if cos is None and len(a.content & b.content) < min(MIN_SHARED_STEMS, len(a.content), len(b.content)):
        # Two or fewer words in common ("declined", "details") is not the same statement,
        # however rare those words are in the story. (With embeddings the model judges that.)
        score *= FEW_SHARED_WORDS
    if cos is not None:
        score += MEANING_WEIGHT * cos
    score = max(0.0, score)
    return min(1.0, score) if capped else score


def _could_align(a: Tokens, b: Tokens, dice: float) -> bool:
    """Cheap test before the full score: enough content in common, and the score could
    reach the threshold even if all the shorter passage's wording were in the longer one. (Below MIN_CANDIDATE_DICE
    a pair would need near-identical wording with different content words: not a pair.)"""
    if dice < MIN_CANDIDATE_DICE:
        return False
    length_a, length_b = len(a.sequence), len(b.sequence)
    best_ratio = 2 * min(length_a, length_b) / (length_a + length_b) if length_a + length_b else 0.0
    return _combine(dice, best_ratio, a, b) >= ALIGN_THRESHOLD


def classify(a: Tokens, b: Tokens) -> Kind:
    """``verbatim``, ``edited`` (the same wording underneath: most of it shared in order, or
    long stretches of one passage copied word for word into the other, as a quotation with
    other framing around it) or ``paraphrase``."""
    if _is_verbatim(a.sequence, b.sequence):
        return "verbatim"
    if wording_ratio(a, b) >= EDITED_RATIO or copied_share(a.sequence, b.sequence) >= EDITED_COPIED_SHARE:
        return "edited"
    return "paraphrase"


def copied_share(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """The share of the shorter passage's content words that sit in a run of at least
    COPIED_RUN words found, word for word, in the other passage (of two passages of one
    length, the larger share of the two: the same either way round).

    A run counts only if it holds a function word: a name with its title ("Foreign Ministry
    spokesman Zhao Lijian") repeated is the same person, not copied wording. And only content
    words are counted: a copied "the mayor of Kelmarsh said" alone does not make a long
    sentence a copy."""
    if len(a) == len(b):
        return max(_copied_share(a, b), _copied_share(b, a))
    return _copied_share(a, b) if len(a) < len(b) else _copied_share(b, a)


def _copied_share(shorter: tuple[str, ...], longer: tuple[str, ...]) -> float:
    n = COPIED_RUN
    if len(shorter) < n:
        return 0.0
    runs = {longer[k : k + n] for k in range(len(longer) - n + 1)}
    copied = [False] * len(shorter)
    for k in range(len(shorter) - n + 1):
        run = shorter[k : k + n]
        if run in runs and any(word in STOPWORDS for word in run):
            copied[k : k + n] = [True] * n
    content = [word not in STOPWORDS for word in shorter]
    total = sum(content)
    return sum(c and k for c, k in zip(copied, content, strict=True)) / total if total else 0.0


def _is_verbatim(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same words in the same order, apart from at most VERBATIM_SLACK function words."""
    if a == b:
        return bool(a)
    if abs(len(a) - len(b)) > VERBATIM_SLACK:
        return False
    if [w for w in a if w not in STOPWORDS] != [w for w in b if w not in STOPWORDS]:
        return False
    return max(len(a), len(b)) - lcs_length(a, b) <= VERBATIM_SLACK


@dataclass
class Prepared:
    """A document cut into segments, each reduced to tokens (computed once per story)."""

    document: Document
    segments: list[Segment]
    tokens: list[Tokens]
    vectors: Any = field(default=None, repr=False)  # one unit vector per segment, or None (lexical)
    _index: dict[str, list[int]] | None = field(default=None, repr=False)
    _lookup: tuple[Idf, list[list[str]]] | None = field(default=None, repr=False)
    _centred: tuple[Idf, Any] | None = field(default=None, repr=False)

    def centred(self, idf: Idf) -> Any:
        """Each sentence's vector minus the story's mean vector (see ``meaning``), computed once."""
        if self._centred is None or self._centred[0] is not idf:
            self._centred = (idf, self.vectors - idf.topic)
        return self._centred[1]

    def lookup_stems(self, idf: Idf) -> list[list[str]]:
        """Each sentence's most informative stems, the ones looked up in an index."""
        if self._lookup is None or self._lookup[0] is not idf:
            top = [heapq.nlargest(INDEXED_STEMS, t.content, key=lambda stem: (idf(stem), stem)) for t in self.tokens]
            self._lookup = (idf, top)
        return self._lookup[1]

    def index(self) -> dict[str, list[int]]:
        """Inverted index: content stem -> segments that contain it (built once)."""
        if self._index is None:
            index: dict[str, list[int]] = defaultdict(list)
            for position, sentence in enumerate(self.tokens):
                for stem in sentence.content:
                    index[stem].append(position)
            self._index = dict(index)
        return self._index


def prepare(document: Document) -> Prepared:
    segments = segment(document.text, document.junk)
    vectors = document.vectors
    if vectors is not None and (getattr(vectors, "shape", None) != (len(segments), DIMENSIONS) or not segments):
        vectors = None  # computed for another text or another segmentation: compare lexically
    return Prepared(document, segments, [tokens(document.text[s.start : s.end]) for s in segments], vectors)


def meaning(a: Prepared, b: Prepared, members_a: Sequence[int], members_b: Sequence[int], idf: Idf) -> float | None:
    """How much two passages mean the same beyond what every sentence of the story shares,
    or None when either side has no embeddings.

    In a story every sentence is about the same thing, so raw cosines between its sentences
    are all high. Each passage's embedding (a passage of several sentences: the normalised
    sum of theirs) minus the story's mean embedding keeps what the passage says in
    particular; the dot product of two such remainders is high only when they say the same.
    (Over a pair's matrix of cosines this is the double-centred cosine.)"""
    if a.vectors is None or b.vectors is None or idf.topic is None:
        return None
    if len(members_a) == 1 and len(members_b) == 1:  # the common case, from vectors centred once
        va, vb = a.centred(idf)[members_a[0]], b.centred(idf)[members_b[0]]
    else:
        va = _passage_vector(a.vectors, members_a) - idf.topic
        vb = _passage_vector(b.vectors, members_b) - idf.topic
    # Rounded so that the last bits of a float sum cannot tip a decision one way or the other.
    return round(float(va @ vb), 4)


def _passage_vector(vectors: Any, members: Sequence[int]) -> Any:
    if len(members) == 1:
        return vectors[members[0]]
    total = vectors[list(members)].sum(axis=0)
    norm = float((total @ total) ** 0.5)
    return total / norm if norm > 0 else total


def align_pair(a: Document, b: Document) -> PairAlignment:
    """Every pair of corresponding passages between two versions, and what is unique to each."""
    prepared_a, prepared_b = prepare(a), prepare(b)
    idf = Idf(prepared_a.tokens + prepared_b.tokens, [prepared_a.vectors, prepared_b.vectors])
    return align_prepared(prepared_a, prepared_b, idf)


def align_prepared(a: Prepared, b: Prepared, idf: Idf) -> PairAlignment:
    # Work in one canonical direction so that swapping A and B mirrors the result exactly.
    if _order_key(b.document) < _order_key(a.document):
        return mirror(align_prepared(b, a, idf))
    return _assemble(a, b, _find_pairs(a, b, idf))


def _assemble(a: Prepared, b: Prepared, pairs: list[Pair]) -> PairAlignment:
    pairs = sorted(pairs, key=lambda p: (p.a, p.b))
    paired_a = {i for pair in pairs for i in pair.a}
    paired_b = {j for pair in pairs for j in pair.b}
    return PairAlignment(
        a_id=a.document.id,
        b_id=b.document.id,
        a_segments=a.segments,
        b_segments=b.segments,
        pairs=pairs,
        unique_a=[s.index for s in a.segments if s.index not in paired_a],
        unique_b=[s.index for s in b.segments if s.index not in paired_b],
        shares_a=_shares(a.segments, [(p.a, p.kind) for p in pairs]),
        shares_b=_shares(b.segments, [(p.b, p.kind) for p in pairs]),
    )


def add_pairs(
    a: Prepared, b: Prepared, idf: Idf, alignment: PairAlignment, extra: Sequence[tuple[int, int]]
) -> PairAlignment:
    """The alignment with one-to-one pairs (sentence i of A, sentence j of B) added where
    both are still unpaired (the story level finds such pairs through a third version)."""
    paired_a = {i for pair in alignment.pairs for i in pair.a}
    paired_b = {j for pair in alignment.pairs for j in pair.b}
    pairs = list(alignment.pairs)
    for i, j in extra:
        if i not in paired_a and j not in paired_b:
            paired_a.add(i)
            paired_b.add(j)
            pairs.append(_make_pair(a, b, idf, [i], [j]))
    return _assemble(a, b, pairs)


def _order_key(document: Document) -> tuple[str, str, tuple[tuple[int, int], ...]]:
    return (document.id, document.text, tuple(document.junk))


def mirror(alignment: PairAlignment) -> PairAlignment:
    """The same alignment seen from B: sides swapped, inserts and deletes swapped."""
    pairs = [
        Pair(
            a=p.b,
            b=p.a,
            a_span=p.b_span,
            b_span=p.a_span,
            kind=p.kind,
            score=p.score,
            changes=tuple(_mirror_change(c) for c in p.changes),
            moves=tuple(sorted((Move(m.b, m.a) for m in p.moves), key=lambda m: m.a)),
        )
        for p in alignment.pairs
    ]
    pairs.sort(key=lambda p: (p.a, p.b))
    return PairAlignment(
        a_id=alignment.b_id,
        b_id=alignment.a_id,
        a_segments=alignment.b_segments,
        b_segments=alignment.a_segments,
        pairs=pairs,
        unique_a=list(alignment.unique_b),
        unique_b=list(alignment.unique_a),
        shares_a=dict(alignment.shares_b),
        shares_b=dict(alignment.shares_a),
    )


_SWAPPED_OP = {"insert": "delete", "delete": "insert", "replace": "replace"}


def _mirror_change(change: Change) -> Change:
    return Change(
        op=_SWAPPED_OP[change.op],  # type: ignore[arg-type]
        a=change.b,
        b=change.a,
        flags=change.flags,
        trivial=change.trivial,
    )


def _candidates(a: Prepared, b: Prepared, idf: Idf) -> dict[tuple[int, int], float | None]:
    """Candidate pairs: for each sentence of A its best few in B, and for each sentence of B
    its best few in A (so that one that is a weak match for many is not crowded out), all
    from one walk over B's inverted index. Maps each to its shared content weight when that
    walk saw all of A's sentence (no stem skipped), else None."""
    index = b.index()
    cap = max(MIN_POSTING_CAP, int(3 * math.sqrt(len(b.tokens))))
    found: dict[tuple[int, int], float | None] = {}
    for_b: dict[int, list[tuple[float, int, bool]]] = defaultdict(list)
    for i, stems in enumerate(a.lookup_stems(idf)):
        complete = len(stems) == len(a.tokens[i].content)
        accumulated: dict[int, float] = defaultdict(float)
        for stem in stems:
            postings = index.get(stem)
            if not postings:
                continue
            if len(postings) > cap:
                complete = False
                continue
            weight = idf(stem)
            for j in postings:
                accumulated[j] += weight
        # Postings are visited in a fixed order, so ties keep the lowest index: deterministic.
        for j in heapq.nlargest(CANDIDATES_PER_SENTENCE, accumulated, key=accumulated.__getitem__):
            found[(i, j)] = accumulated[j] if complete else None
        for j, shared in accumulated.items():
            for_b[j].append((shared, -i, complete))
    for j, entries in for_b.items():
        for shared, minus_i, complete in heapq.nlargest(CANDIDATES_PER_SENTENCE, entries):
            found[(-minus_i, j)] = shared if complete else None
    for i, j in _candidates_by_meaning(a, b):
        found.setdefault((i, j), None)
    return found


def _candidates_by_meaning(a: Prepared, b: Prepared) -> list[tuple[int, int]]:
    """With embeddings: each sentence's closest few on the other side by meaning, from
    COSINE_FLOOR on (statements in other words share few stems, so the index misses them)."""
    if a.vectors is None or b.vectors is None:
        return []
    found = {(i, j) for i, j in _closest(a.vectors, b.vectors)}
    found |= {(i, j) for j, i in _closest(b.vectors, a.vectors)}
    return sorted(found)


def _closest(rows: Any, columns: Any) -> list[tuple[int, int]]:
    """For each row vector, its CANDIDATES_PER_SENTENCE closest column vectors from
    COSINE_FLOOR on, in blocks of rows (a 100,000-word text stays within memory bounds)."""
    import numpy as np

    k = min(CANDIDATES_PER_SENTENCE, len(columns))
    if k == 0:
        return []
    out: list[tuple[int, int]] = []
    for start in range(0, len(rows), 1024):
        with one_blas_thread():
            block = rows[start : start + 1024] @ columns.T
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        keep = np.take_along_axis(block, top, axis=1) >= COSINE_FLOOR
        row_numbers, positions = np.nonzero(keep)
        out += zip((start + row_numbers).tolist(), top[row_numbers, positions].tolist(), strict=True)
    return out


def _find_pairs(a: Prepared, b: Prepared, idf: Idf) -> list[Pair]:
    candidates = _candidates(a, b, idf)
    scored: list[tuple[float, int, int]] = []
    for (i, j), shared in sorted(candidates.items()):
        if shared is None:
            dice = content_overlap(a.tokens[i], b.tokens[j], idf)[0]
        else:
            total = idf.content_weight(a.tokens[i].content) + idf.content_weight(b.tokens[j].content)
            dice = 2 * shared / total if total else 0.0
        cos = meaning(a, b, (i,), (j,), idf)
        if cos is None and not _could_align(a.tokens[i], b.tokens[j], dice):
            continue
        score = judge(a.tokens[i], b.tokens[j], idf, dice, cos)
        if score >= (ALIGN_THRESHOLD if cos is None else SEMANTIC_THRESHOLD):
            scored.append((score, i, j))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))

    groups: list[tuple[list[int], list[int], float]] = []
    owner_a: dict[int, int] = {}
    owner_b: dict[int, int] = {}
    headlines = _headline_pair(a, b, idf)
    if headlines is not None:
        owner_a[headlines[1]] = owner_b[headlines[2]] = 0
        groups.append(([headlines[1]], [headlines[2]], headlines[0]))
    for score, i, j in scored:
        if i in owner_a or j in owner_b:
            continue
        owner_a[i] = owner_b[j] = len(groups)
        groups.append(([i], [j], score))

    for g, (members_a, members_b, score) in enumerate(groups):
        members_a, members_b, score = _grow(a, b, idf, members_a, members_b, owner_a, owner_b, g)
        groups[g] = (members_a, members_b, score)

    _continue_runs(a, b, idf, groups, owner_a, owner_b)
    _second_correspondences(scored, groups, owner_a, owner_b)
    pairs = [_make_pair(a, b, idf, sorted(ma), sorted(mb)) for ma, mb, _ in groups]
    pairs.sort(key=lambda p: (p.a, p.b))
    return pairs


def headline(prepared: Prepared) -> int | None:
    """The index of the version's headline: its first sentence, when it stands alone in
    the first paragraph and is short enough to be a title."""
    segments = prepared.segments
    if not segments or (len(segments) > 1 and segments[1].paragraph == segments[0].paragraph):
        return None
    return 0 if len(prepared.tokens[0].sequence) <= HEADLINE_WORDS else None


def _headline_pair(a: Prepared, b: Prepared, idf: Idf) -> tuple[float, int, int] | None:
    """Two headlines on one story say the same thing more often than not, in the fewest
    words: they pair at a lower bar, before anything else can take either of them."""
    i, j = headline(a), headline(b)
    if i is None or j is None:
        return None
    cos = meaning(a, b, (i,), (j,), idf)
    if cos is None:
        return None  # lexically a headline pair needs the ordinary bar (it has too few words to judge)
    score = judge(a.tokens[i], b.tokens[j], idf, cos=cos)
    return (score, i, j) if score >= HEADLINE_THRESHOLD else None


def _second_correspondences(
    scored: list[tuple[float, int, int]],
    groups: list[tuple[list[int], list[int], float]],
    owner_a: dict[int, int],
    owner_b: dict[int, int],
) -> None:
    """Let a passage take part in a second correspondence when a sentence left unpaired on
    the other side says clearly the same as it: a headline that states what both the other
    headline and the lead state, a summary of two separate sentences."""
    for score, i, j in scored:
        if score < SECOND_THRESHOLD:
            break
        if (i in owner_a) == (j in owner_b):
            continue  # both free was decided above; both taken is not a second correspondence
        owner_a.setdefault(i, len(groups))
        owner_b.setdefault(j, len(groups))
        groups.append(([i], [j], score))


def _grow(
    a: Prepared,
    b: Prepared,
    idf: Idf,
    members_a: list[int],
    members_b: list[int],
    owner_a: dict[int, int],
    owner_b: dict[int, int],
    group: int,
) -> tuple[list[int], list[int], float]:
    """Add unpaired neighbouring sentences while the merged passages correspond better.

    A move adds one neighbour on one side, or one on each side at once (a statement split
    differently in both versions, with its attribution in the sentence before)."""

    def free_neighbours(members: list[int], prepared: Prepared, owner: dict[int, int]) -> list[int | None]:
        around = (min(members) - 1, max(members) + 1)
        return [None] + [n for n in around if 0 <= n < len(prepared.tokens) and n not in owner]

    def strength(grown_a: list[int], grown_b: list[int]) -> dict[bool, float]:
        """The merged passages' uncapped score with and without the figures factor (see below),
        from one computation of what ``judge`` weighs."""
        merged_a = merge_tokens([a.tokens[i] for i in grown_a])
        merged_b = merge_tokens([b.tokens[j] for j in grown_b])
        dice = content_overlap(merged_a, merged_b, idf)[0]
        ratio = wording_ratio(merged_a, merged_b)
        cos = meaning(a, b, grown_a, grown_b, idf)
        return {figures: _combine(dice, ratio, merged_a, merged_b, cos, False, figures) for figures in (True, False)}

    # Uncapped: a sentence copied inside a longer one already scores 1 when capped, and the
    # longer one's other half would never join (it then paired on its own, the same
    # sentence shown twice, each time with the other half marked as inserted).
    # Figures that disagree do not count against a neighbour whose words are all on the
    # other side: "The repairs cost £68,000." joining the pair of the sentence after it,
    # against one sentence that says both with "86,000", is the changed figure a reader
    # must see, not another statement.
    base = strength(members_a, members_b)
    while True:
        best: tuple[float, list[int], list[int]] | None = None
        for extra_a in free_neighbours(members_a, a, owner_a):
            for extra_b in free_neighbours(members_b, b, owner_b):
                if extra_a is None and extra_b is None:
                    continue
                grown_a = sorted([*members_a, extra_a]) if extra_a is not None else members_a
                grown_b = sorted([*members_b, extra_b]) if extra_b is not None else members_b
                # A neighbour joins only if the other side says some of what it says
                # (checked on content sets first: cheaper than merging whole passages).
                if extra_a is not None and not _covered(a.tokens[extra_a], [b.tokens[j] for j in grown_b], idf):
                    continue
                if extra_b is not None and not _covered(b.tokens[extra_b], [a.tokens[i] for i in grown_a], idf):
                    continue
                figures = not (
                    (extra_a is None or _words_all_said(a.tokens[extra_a], [b.tokens[j] for j in grown_b], idf))
                    and (extra_b is None or _words_all_said(b.tokens[extra_b], [a.tokens[i] for i in grown_a], idf))
                )
                gain = strength(grown_a, grown_b)[figures] - base[figures]
                if gain > GROW_GAIN and (best is None or gain > best[0]):
                    best = (gain, grown_a, grown_b)
        if best is None:
            return members_a, members_b, base[True]
        _, members_a, members_b = best
        base = strength(members_a, members_b)
        for i in members_a:
            owner_a[i] = group
        for j in members_b:
            owner_b[j] = group


def _words_all_said(sentence: Tokens, other: list[Tokens], idf: Idf) -> bool:
    """Whether nearly all of a sentence's content other than its figures is on the other side."""
    words = sentence.content - sentence.numbers
    weight = idf.total(words)
    if weight <= 0:
        return False
    other_content = frozenset().union(*(t.content for t in other))
    return idf.total(words & other_content) / weight >= WORDS_ALL_SAID


def _covered(sentence: Tokens, other: list[Tokens], idf: Idf) -> bool:
    weight = idf.content_weight(sentence.content)
    if weight <= 0:
        return False
    other_content = frozenset().union(*(t.content for t in other))
    return idf.total(sentence.content & other_content) / weight >= GROW_COVERAGE


def _continue_runs(
    a: Prepared,
    b: Prepared,
    idf: Idf,
    groups: list[tuple[list[int], list[int], float]],
    owner_a: dict[int, int],
    owner_b: dict[int, int],
) -> None:
    """Pair the sentences right before or after a pair with each other at a lower bar.

    A copied text keeps the order of its source in runs: a weakly similar sentence that
    sits exactly where the run continues on both sides is most likely the same one,
    rewritten. A single sentence on each side wedged between two consecutive pairs is
    taken at an even lower bar (a spun copy may share no content word with it at all).
    Independent reports rarely line up like that, so the bar stays high there."""

    def add(i: int, j: int, score: float) -> None:
        owner_a[i] = owner_b[j] = len(groups)
        groups.append(([i], [j], score))
        queue.append(len(groups) - 1)

    def free(i: int, j: int) -> bool:
        return 0 <= i < len(a.tokens) and 0 <= j < len(b.tokens) and i not in owner_a and j not in owner_b

    queue = deque(range(len(groups)))
    while queue:
        members_a, members_b, _ = groups[queue.popleft()]
        for i, j in ((min(members_a) - 1, min(members_b) - 1), (max(members_a) + 1, max(members_b) + 1)):
            if free(i, j):
                score = judge(a.tokens[i], b.tokens[j], idf, cos=meaning(a, b, (i,), (j,), idf))
                if score >= CONTEXT_THRESHOLD:
                    add(i, j, score)

    for g in range(len(groups)):
        members_a, members_b, _ = groups[g]
        i, j = max(members_a) + 1, max(members_b) + 1
        if free(i, j) and owner_a.get(i + 1) is not None and owner_a.get(i + 1) == owner_b.get(j + 1):
            score = judge(a.tokens[i], b.tokens[j], idf, cos=meaning(a, b, (i,), (j,), idf))
            if score >= WEDGED_THRESHOLD:
                add(i, j, score)


def _make_pair(a: Prepared, b: Prepared, idf: Idf, members_a: list[int], members_b: list[int]) -> Pair:
    merged_a = merge_tokens([a.tokens[i] for i in members_a])
    merged_b = merge_tokens([b.tokens[j] for j in members_b])
    score = judge(merged_a, merged_b, idf, cos=meaning(a, b, members_a, members_b, idf))
    a_span = (a.segments[members_a[0]].start, a.segments[members_a[-1]].end)
    b_span = (b.segments[members_b[0]].start, b.segments[members_b[-1]].end)
    changes, moves = _changes(a.document, b.document, a_span, b_span)
    return Pair(
        a=tuple(members_a),
        b=tuple(members_b),
        a_span=a_span,
        b_span=b_span,
        kind=classify(merged_a, merged_b),
        score=round(score, 4),
        changes=changes,
        moves=moves,
    )


def _changes(
    a: Document, b: Document, a_span: tuple[int, int], b_span: tuple[int, int]
) -> tuple[tuple[Change, ...], tuple[Move, ...]]:
    """Word-level changes and moves inside a pair; junk between its sentences is left out."""
    return word_changes(a.text, b.text, a_span, b_span, overlapping(a.junk, a_span), overlapping(b.junk, b_span))


def _shares(segments: list[Segment], paired: list[tuple[tuple[int, ...], Kind]]) -> dict[str, float]:
    chars: dict[ShareKind, int] = dict.fromkeys(SHARE_KINDS, 0)
    kind_of: dict[int, ShareKind] = {}
    for members, kind in paired:  # a passage in two pairs counts as the closer of the two
        for i in members:
            if i not in kind_of or SHARE_KINDS.index(kind) < SHARE_KINDS.index(kind_of[i]):
                kind_of[i] = kind
    for s in segments:
        chars[kind_of.get(s.index, "unique")] += s.end - s.start
    total = sum(chars.values())
    return {kind: (count / total if total else 0.0) for kind, count in chars.items()}
