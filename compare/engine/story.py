"""Align every version of a story at once.

Every pair of versions is aligned (each unordered pair once, in a canonical direction,
the other direction being its mirror), with one IDF over all sentences of the story so
that the story's topic words weigh the same in every comparison. (So ``pairwise[(a, b)]``
can differ slightly from ``align_pair(a, b)`` alone, whose IDF covers two versions.) Then
two sentences both paired with the same sentence of a third version are paired with each
other at a lower bar ("triangles"). On top of that:

* groups: passages that correspond across versions (connected pairs), e.g. "in 4 of 5";
* similarity: a symmetric matrix, the kind-weighted share of both texts that corresponds;
* source: the version the others most likely derive from (the one in which most of the
  others' text is found, and most like them), with its evidence in words; every figure there is a share of one
  version's text found in another (``reuse.py``), the same figures the story page states.

Nothing depends on the order in which the versions are given: the work is done in the
order of document ids and every tie is broken by id. The likely source's tie-break compares
numeric ids by their number (version 9 before version 10: it was added first), since it decides
which version a reader sees as the base.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, permutations

from . import ENGINE_VERSION
from .align import Idf, Prepared, add_pairs, align_prepared, judge, meaning, mirror, prepare
from .reuse import Reuse, reuse
from .types import Document, Group, PairAlignment, SourceEstimate, StoryAlignment

# How much each kind of correspondence counts towards similarity.
_SIMILARITY_WEIGHT = {"verbatim": 1.0, "edited": 0.8, "paraphrase": 0.5, "unique": 0.0}
# Two passages both paired with the same passage of a third version are paired with each
# other from this score on (see _complete_triangles).
TRIANGLE_THRESHOLD = 0.25
# ... provided both are clearly paired with it (a weak pair must not spread to others).
TRIANGLE_LINK = 0.45
# A version counts as derived from another when at least this share of it comes from there.
_DERIVED_SHARE = 0.4
# A paraphrased passage counts this much towards "derived from" (spun copies reword what
# they take, but independent reports paraphrase each other by chance too).
_PARAPHRASE_DERIVED_WEIGHT = 0.5
# The evidence says how much of X is found in the source rather than how much of the source
# X has, unless the reverse direction is clearly (by more than this share) the better explanation.
_DIRECTION_SLACK = 0.05
# How much similarity to all the others counts beside how much of their text a version holds (see estimate_source).
_SIMILAR_WEIGHT = 2.0
# Below this relative lead the runner-up could as well be the source.
_UNCERTAIN_MARGIN = 0.1
# Confidence: the margin counts in full from this lead on ...
_FULL_MARGIN = 0.3
# ... and weighs this much of the confidence (the rest comes with a clear source at all).
_MARGIN_WEIGHT = 0.6
_BASE_WEIGHT = 0.4  # = 1 - _MARGIN_WEIGHT


def align_story(docs: Sequence[Document], on_progress: Callable[[int, int], None] | None = None) -> StoryAlignment:
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        raise ValueError("every version of a story needs its own id")
    ordered = sorted(docs, key=lambda d: d.id)
    prepared = {d.id: prepare(d) for d in ordered}
    idf = Idf((t for p in prepared.values() for t in p.tokens), [p.vectors for p in prepared.values()])

    pairwise: dict[tuple[str, str], PairAlignment] = {}
    couples = list(combinations([d.id for d in ordered], 2))
    for done, (x, y) in enumerate(couples, start=1):
        alignment = align_prepared(prepared[x], prepared[y], idf)
        pairwise[(x, y)] = alignment
        pairwise[(y, x)] = mirror(alignment)
        if on_progress is not None:
            on_progress(done, len(couples))

    _complete_triangles(prepared, pairwise, couples, idf)
    similarity = _similarity(prepared, pairwise)
    return StoryAlignment(
        documents=ids,
        segments={d.id: prepared[d.id].segments for d in docs},
        pairwise=pairwise,
        groups=_groups(prepared, pairwise, couples),
        similarity=similarity,
        source=estimate_source(prepared, pairwise, similarity),
        engine_version=ENGINE_VERSION,
    )


def _complete_triangles(
    prepared: dict[str, Prepared],
    pairwise: dict[tuple[str, str], PairAlignment],
    couples: list[tuple[str, str]],
    idf: Idf,
) -> None:
    """Pair X's sentence with Y's when both are clearly paired with the same sentence of a
    third version and they are at least loosely similar themselves.

    Two independent reports may word a statement too differently to pass the bar on
    their own, while each is clearly paired with the same passage of a third version;
    completing the triangle also keeps the two-version views consistent with the groups."""
    linked: dict[tuple[str, int], set[tuple[str, int]]] = {}
    for x, y in couples:
        for pair in pairwise[(x, y)].pairs:
            if len(pair.a) == len(pair.b) == 1 and pair.score >= TRIANGLE_LINK:
                linked.setdefault((x, pair.a[0]), set()).add((y, pair.b[0]))
                linked.setdefault((y, pair.b[0]), set()).add((x, pair.a[0]))
    owned: dict[tuple[str, str, str], set[int]] = {}
    for x, y in couples:
        owned[(x, "a", y)] = {i for p in pairwise[(x, y)].pairs for i in p.a}
        owned[(x, "b", y)] = {j for p in pairwise[(x, y)].pairs for j in p.b}
    found: dict[tuple[str, str], list[tuple[float, int, int]]] = {}
    seen: set[tuple[str, int, str, int]] = set()
    for hub in sorted(linked):
        for (x, i), (y, j) in combinations(sorted(linked[hub]), 2):
            if x == y or (x, i, y, j) in seen:
                continue
            seen.add((x, i, y, j))
            if i in owned[(x, "a", y)] or j in owned[(x, "b", y)]:
                continue
            cos = meaning(prepared[x], prepared[y], (i,), (j,), idf)
            score = judge(prepared[x].tokens[i], prepared[y].tokens[j], idf, cos=cos)
            if score >= TRIANGLE_THRESHOLD:
                found.setdefault((x, y), []).append((score, i, j))
    for (x, y), candidates in found.items():
        candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
        completed = add_pairs(prepared[x], prepared[y], idf, pairwise[(x, y)], [(i, j) for _, i, j in candidates])
        pairwise[(x, y)] = completed
        pairwise[(y, x)] = mirror(completed)


def _groups(
    prepared: dict[str, Prepared], pairwise: dict[tuple[str, str], PairAlignment], couples: list[tuple[str, str]]
) -> list[Group]:
    """Connected components of the pairs: a passage and everything paired with it, transitively."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(node, node) != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    def union(first: tuple[str, int], second: tuple[str, int]) -> None:
        parent.setdefault(first, first)
        parent.setdefault(second, second)
        root_first, root_second = find(first), find(second)
        if root_first != root_second:
            low, high = sorted((root_first, root_second))
            parent[high] = low

    for x, y in couples:
        for pair in pairwise[(x, y)].pairs:
            members = [(x, i) for i in pair.a] + [(y, j) for j in pair.b]
            for member in members[1:]:
                union(members[0], member)

    components: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for node in parent:
        components.setdefault(find(node), []).append(node)
    groups = [Group(sorted(members)) for members in components.values()]
    groups = [g for g in groups if len(g.documents()) > 1]
    groups.sort(key=lambda g: g.members[0])
    return groups


def _similarity(
    prepared: dict[str, Prepared], pairwise: dict[tuple[str, str], PairAlignment]
) -> dict[tuple[str, str], float]:
    similarity: dict[tuple[str, str], float] = {(doc_id, doc_id): 1.0 for doc_id in prepared}
    for (x, y), alignment in pairwise.items():
        chars_x = _characters(prepared[x])
        chars_y = _characters(prepared[y])
        if chars_x + chars_y == 0:
            similarity[(x, y)] = 0.0
            continue
        weighted_x, weighted_y = _weighted(alignment.shares_a), _weighted(alignment.shares_b)
        similarity[(x, y)] = round((chars_x * weighted_x + chars_y * weighted_y) / (chars_x + chars_y), 4)
    return similarity


def _characters(prepared: Prepared) -> int:
    return sum(s.end - s.start for s in prepared.segments)


def derived_share(alignment: PairAlignment) -> float:
    """Share of A's text that plausibly comes from B: verbatim and edited count in full, a
    paraphrase half (spun copies reword what they take, but independent reports paraphrase each
    other by chance too). Decides which versions count as derived; never shown as a figure."""
    shares = alignment.shares_a
    copied = shares.get("verbatim", 0.0) + shares.get("edited", 0.0)
    return copied + _PARAPHRASE_DERIVED_WEIGHT * shares.get("paraphrase", 0.0)


def estimate_source(
    prepared: dict[str, Prepared],
    pairwise: dict[tuple[str, str], PairAlignment],
    similarity: dict[tuple[str, str], float],
) -> SourceEstimate:
    """The version the others most likely derive from, with its evidence in words (versions named by id).

    The estimate weighs two things. How much of the others' text is found in the version
    (``_explained``): every copy keeps part of its source and cuts something else, so the
    source holds more of what they took than any one copy does. And how similar it is to all
    the others: a copy that expanded its source holds all of it, and only its additions,
    found nowhere else, set it apart. Either alone goes wrong: similarity alone named a
    teacher's rewrite over the agency original that holds all of it; containment alone named
    the seed story's spun copy (all of 004 and 51 passages of its own) over 004, which it was
    made from. Their sum, similarity counting twice, names both right and, on METER's dev
    stories with a derived paper, a PA text in 65 of 121 (similarity alone: 60; containment
    alone: 76; ``bench/quality.py --source``). Ties go to the lowest id, numeric ids compared
    as numbers: the version added first. From the texts alone: the versions' dates, which
    can break a near tie, are applied when the alignment is read (``likely_source``), so that a
    stored alignment does not depend on them."""
    return _estimate(sorted(prepared), pairwise, similarity, str).estimate


@dataclass(frozen=True)
class LikelySource:
    """The likely source as the story page and the exports read it: the estimate and what comes of it."""

    estimate: SourceEstimate  # its evidence naming each version as the caller names it
    derived: set[str]  # the versions counted as derived from the source (or it from them): see ``derived_share``
    runner_up: str | None  # the version that comes almost as close to being the source, if one does
    # The version that came almost as close but was published later, so the dates named the
    # source (then there is no runner-up: the dates decided); None when they did not decide.
    later: str | None = None


def likely_source(
    alignment: StoryAlignment, name: Callable[[str], str] = str, published: Mapping[str, str] | None = None
) -> LikelySource:
    """The likely source worked out from the story's alignment, with each version called ``name(id)``
    (its outlet, a file name) in the evidence, the versions derived from it and the runner-up (so that
    a reader is told which other version could as well be the origin).

    The stored evidence names versions by id, which means nothing to a reader, and a version's
    name may change after the alignment was stored: so the words are made again when shown. The
    estimate weighs every pair of versions: a caller that needs several of its parts asks once.
    ``published`` gives the versions' dates (ISO dates by id, "" unknown): when the runner-up
    comes almost as close (``_UNCERTAIN_MARGIN``) and one of the two holds text of the other,
    the texts cannot tell which came first, and their dates can, when both are known and
    differ: the earlier one is named."""
    return _estimate(sorted(alignment.documents), alignment.pairwise, alignment.similarity, name, published)


def source_evidence(
    alignment: StoryAlignment, name: Callable[[str], str], published: Mapping[str, str] | None = None
) -> list[str]:
    """The likely source's evidence with each version called ``name(id)`` (see ``likely_source``)."""
    return likely_source(alignment, name, published).estimate.evidence


def _estimate(
    ids: list[str],
    pairwise: dict[tuple[str, str], PairAlignment],
    similarity: dict[tuple[str, str], float],
    name: Callable[[str], str],
    published: Mapping[str, str] | None = None,
) -> LikelySource:
    """The estimate, the versions related to the source, and the version that comes almost as
    close as the source or None (see ``LikelySource``). Every figure in the evidence is a
    share of one version's text found in another (``reuse``), as the story page states it; the
    weighted ``derived_share`` only decides, and is never stated as a figure."""
    if len(ids) < 2:
        return LikelySource(
            SourceEstimate(None, 0.0, ["There is only one version: nothing to compare it with."]), set(), None
        )

    def shared(x: str, y: str) -> float:
        return max(derived_share(pairwise[(x, y)]), derived_share(pairwise[(y, x)]))

    ranked = _ranked(ids, pairwise, similarity)
    margin = _margin(ranked[0], ranked[1], ids, pairwise, similarity)
    dated = published or {}
    first, then = dated.get(ranked[0], ""), dated.get(ranked[1], "")
    # A near tie the texts cannot break, the dates can: a source is published before its copies.
    by_date = (
        margin < _UNCERTAIN_MARGIN
        and bool(first)
        and bool(then)
        and first != then
        # "Published first, so it is the source" holds only if one text took from the other.
        and shared(ranked[0], ranked[1]) >= _DERIVED_SHARE
    )
    if by_date and then < first:
        ranked[0], ranked[1] = ranked[1], ranked[0]
    best = ranked[0]
    related = [o for o in ids if o != best and shared(o, best) >= _DERIVED_SHARE]
    if not related:
        copied, x, y = max((reuse(pairwise[(x, y)]).copied, x, y) for x, y in permutations(ids, 2))
        return LikelySource(
            SourceEstimate(
                None,
                0.0,
                [
                    "No version looks derived from another: at most "
                    f"{copied}% of any version's text is copied (verbatim or edited) in another one "
                    f"({name(x)} in {name(y)}). They read as independent reports."
                ],
            ),
            set(),
            None,
        )

    evidence: list[str] = []
    related.sort(key=lambda o: (-shared(o, best), o))
    source = name(best)
    for other in related:
        forward, backward = pairwise[(other, best)], pairwise[(best, other)]
        called = name(other)
        if derived_share(forward) >= derived_share(backward) - _DIRECTION_SLACK:
            evidence.append(f"{_found(reuse(forward), f'the text of {called}', source)}.")
        else:
            evidence.append(
                f"{_found(reuse(backward), f'the text of {source}', called)}; "
                f"{100 - reuse(forward).found}% of the text of {called} is not in {source}."
            )
    own = _passages_only_in(best, pairwise, ids)
    if own:
        evidence.append(f"{source} has {own} passage{'s' if own != 1 else ''} that no other version has.")
    second = ranked[1]
    if by_date:
        evidence.append(
            f"{name(second)} comes almost as close to being the source as {source}, but was published "
            f"later ({dated[second]}, against {dated[best]})."
        )
    elif margin < _UNCERTAIN_MARGIN:
        evidence.append(
            f"{name(second)} comes almost as close to being the source as {source}: "
            "which of the two came first is uncertain."
        )
    for other in ids:
        if other != best and other not in related:
            called = name(other)
            found = _found(reuse(pairwise[(other, best)]), "its text", source)
            evidence.append(
                f"{called} looks independent of {source}: {found}, "
                f"and {reuse(pairwise[(best, other)]).found}% of the text of {source} is found in {called}."
            )

    coverage = sum(shared(o, best) for o in related) / len(related)
    reach = len(related) / (len(ids) - 1)
    confidence = min(1.0, coverage) * reach**0.5 * (_BASE_WEIGHT + _MARGIN_WEIGHT * min(1.0, margin / _FULL_MARGIN))
    close = second if margin < _UNCERTAIN_MARGIN and not by_date else None
    later = second if by_date else None
    return LikelySource(SourceEstimate(best, round(confidence, 3), evidence), set(related), close, later)


def _explained(doc_id: str, ids: list[str], pairwise: dict[tuple[str, str], PairAlignment]) -> float:
    """How much of the other versions' text is found in this one (each kind weighted as in
    similarity, summed), rounded so that the last bits of a float sum cannot decide between two versions."""
    return round(sum(_weighted(pairwise[(other, doc_id)].shares_a) for other in ids if other != doc_id), 2)


def _weighted(shares: dict[str, float]) -> float:
    """A text's shares by kind as one figure: verbatim counts 1, edited 0.8, paraphrase 0.5."""
    return sum(_SIMILARITY_WEIGHT[kind] * share for kind, share in shares.items())


def _standing(
    doc_id: str,
    ids: list[str],
    pairwise: dict[tuple[str, str], PairAlignment],
    similarity: dict[tuple[str, str], float],
) -> float:
    """How strongly a version looks like the source (see ``estimate_source``)."""
    alike = sum(similarity[(doc_id, other)] for other in ids if other != doc_id)
    return round(_explained(doc_id, ids, pairwise) + _SIMILAR_WEIGHT * alike, 2)


def _ranked(
    ids: list[str], pairwise: dict[tuple[str, str], PairAlignment], similarity: dict[tuple[str, str], float]
) -> list[str]:
    """The versions, the likely source first (see ``estimate_source``)."""
    return sorted(ids, key=lambda doc_id: (-_standing(doc_id, ids, pairwise, similarity), id_order(doc_id)))


def _margin(
    best: str,
    second: str,
    ids: list[str],
    pairwise: dict[tuple[str, str], PairAlignment],
    similarity: dict[tuple[str, str], float],
) -> float:
    """The source's relative lead over the runner-up."""
    lead = _standing(best, ids, pairwise, similarity)
    return (lead - _standing(second, ids, pairwise, similarity)) / lead if lead > 0 else 0.0


def _found(figures: Reuse, text: str, where: str) -> str:
    """ "40% of the text of X is found in Y (30% copied verbatim or edited, 10% paraphrased)" """
    return (
        f"{figures.found}% of {text} is found in {where} "
        f"({figures.copied}% copied verbatim or edited, {figures.paraphrased}% paraphrased)"
    )


def id_order(doc_id: str) -> tuple[int, int, str]:
    """Sort key for document ids: digit strings by their number ("9" before "10"), then the rest."""
    return (0, int(doc_id), doc_id) if doc_id.isascii() and doc_id.isdigit() else (1, 0, doc_id)


def _passages_only_in(doc_id: str, pairwise: dict[tuple[str, str], PairAlignment], ids: list[str]) -> int:
    unique: set[int] | None = None
    for other in ids:
        if other == doc_id:
            continue
        here = set(pairwise[(doc_id, other)].unique_a)
        unique = here if unique is None else unique & here
    return len(unique or ())
