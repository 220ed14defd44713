"""Trace a text: which stored articles, across the whole library, share passages with it.

Two steps:

1. Candidates from the library index (``compare/trace/index.py``): the text's sentences are
   fingerprinted the way stored articles are, and the articles holding the most of the
   same band keys come first. Only articles in the ``articles`` queryset the caller
   passes are searched: a view passes what its user may see (other users' private
   stories must never be searchable), so there is deliberately no default.
   The other versions of the stories those candidates belong to are candidates too: a
   rewrite shares few exact sequences with its source, which its story holds.
2. The alignment engine on those few candidates: each is aligned with the text
   (``align_prepared``; the text is prepared once), and every pair found says which
   passages of the text come from that source and how (verbatim, edited, paraphrase).

A source counts only if at least one pair is verbatim or edited: a candidate the index
suggested whose only pairs are paraphrases is a text on the same topic, not a source.
Sources are ranked by the share of the text's characters (junk left out) they account
for; ``traced_share`` is the share accounted for by any aligned source, ``new_share`` the
rest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from articles.models import Article
from articles.services import clean_text
from compare.engine import (
    FINGERPRINT_MIN_WORDS,
    KINDS,
    Document,
    FingerprintSentence,
    Idf,
    JunkSpan,
    Pair,
    PairAlignment,
    Segment,
    align_prepared,
    find_junk,
    fingerprint_sentences,
    pair_from_dict,
    pair_to_dict,
    prepare,
    reuse,
    segment_from_list,
    segment_to_list,
)
from compare.kinds import TABLE
from compare.trace.index import find_candidates
from versus.budget import Deadline, time_limit

# The text being traced, as the engine sees it. Article ids are "article-<pk>".
TRACED_ID = "traced"
# Candidates aligned at most, beyond the number of sources asked for.
EXTRA_CANDIDATES = 5
# A candidate must hold at least this many of the text's band keys. One key alone is what
# unrelated sentences sharing a stock phrase produce; a copied sentence brings up to
# BANDS keys and an edited one usually two or more, and a source shares several.
MIN_KEYS = 2
# Other versions of the candidates' stories aligned at most (see _other_versions).
SIBLING_CANDIDATES = 10


class TraceError(ValueError):
    """The text cannot be traced; the message says why, for the person who pasted it."""

    status = 400


class TraceTooLarge(TraceError):
    """The text is longer than one request may trace (``VERSUS_TRACE_MAX_CHARACTERS``)."""

    status = 413


# What a trace's figures measure, in a reader's words: the trace page and ``manage.py trace`` say it.
# A trace compares words only (embedding the text would take seconds of a request), so its figures
# can be lower than those of the story page for the same two versions, whose comparison is made
# with the sentence model and across all the story's versions.
MEASURE = (
    "Each figure is the share of your text found in that version, compared by their words alone: "
    "text reworded in other words can go unfound, so a story made of the two may show more."
)


def over_budget_message() -> str:
    return (
        f"Tracing this text needed more than the {settings.VERSUS_TRACE_SECONDS:g} seconds one request may use "
        "(long or very repetitive texts take the longest). Try again in a moment with a shorter passage."
    )


@dataclass
class TracedSource:
    """One stored article and what it accounts for in the traced text."""

    article: Article
    share: float  # of the traced text's characters, in any kind of pair
    shares: dict[str, float]  # of the traced text's characters by kind (verbatim, edited, paraphrase)
    pairs: list[Pair]  # ``a`` is the traced text, ``b`` the article
    alignment: PairAlignment
    keys_matched: int  # index evidence that made it a candidate


@dataclass
class TraceResult:
    text: str  # the cleaned text that was traced; every offset points into it
    junk: list[JunkSpan]
    segments: list[Segment]
    sources: list[TracedSource]  # best first, at most ``limit``
    traced_share: float  # share of the text found in any aligned source
    new_share: float  # 1 - traced_share: in none of them
    traced_segments: list[int] = field(default_factory=list)  # segment indices found in some source
    candidates: int = 0  # how many articles were aligned
    seconds: float = 0.0

    def new_segments(self) -> list[Segment]:
        traced = set(self.traced_segments)
        return [s for s in self.segments if s.index not in traced]


def check_traceable(
    text: str, max_characters: int | None = None
) -> tuple[str, list[JunkSpan], list[FingerprintSentence]]:
    """The cleaned text, its junk and its indexable sentences, or TraceError saying what is wrong.

    ``max_characters``: the longest text traced (default ``VERSUS_TRACE_MAX_CHARACTERS``, what one
    web request may trace; the background worker traces up to an article's size limit).
    """
    if len(text) > settings.VERSUS_MAX_ARTICLE_CHARACTERS * 2:  # far too long: refused before any copy is made
        raise TraceTooLarge(
            f"The text is {len(text):,} characters long, more than the limit of "
            f"{settings.VERSUS_MAX_ARTICLE_CHARACTERS:,} characters for one article."
        )
    text = clean_text(text)
    if not text:
        raise TraceError("There is no text to trace. Paste the article's words.")
    limit = settings.VERSUS_MAX_ARTICLE_CHARACTERS
    if len(text) > limit:
        raise TraceTooLarge(
            f"The text is {len(text):,} characters long, more than the limit of {limit:,} characters for one article."
        )
    max_characters = settings.VERSUS_TRACE_MAX_CHARACTERS if max_characters is None else max_characters
    if len(text) > max_characters:
        raise TraceTooLarge(
            f"The text is {len(text):,} characters long; Versus traces at most {max_characters:,} at a time. "
            "Trace the article in parts, or the part you are most interested in."
        )
    junk = find_junk(text)
    sentences = fingerprint_sentences(text, [(j.start, j.end) for j in junk])
    if not sentences:
        if junk:
            raise TraceError(
                "Everything in this text looks like page clutter (credits, menus, cookie notices); "
                "there is no article text left to trace."
            )
        raise TraceError(
            f"The text has no sentence of at least {FINGERPRINT_MIN_WORDS} words; "
            "there is nothing to trace. Paste a whole paragraph or article."
        )
    return text, junk, sentences


def trace_text(
    text: str,
    *,
    articles: QuerySet[Article],
    limit: int = 10,
    seconds: float | None = None,
    max_characters: int | None = None,
) -> TraceResult:
    """Find the articles among ``articles`` that share passages with ``text``, best first.

    Raises TraceError (a text that cannot be traced) or OverBudget when the work takes more than
    ``seconds`` (default ``VERSUS_TRACE_SECONDS``: the engine's search is interrupted; see
    versus/budget.py). ``max_characters``: see ``check_traceable``.
    """
    began = time.perf_counter()
    text, junk, sentences = check_traceable(text, max_characters)
    keys = {key for sentence in sentences for key in sentence.keys}
    candidates = find_candidates(keys, articles, limit=limit + EXTRA_CANDIDATES, min_hits=MIN_KEYS)
    candidates += _other_versions(candidates, articles)
    by_id = {a.pk: a for a in articles.filter(pk__in=[pk for pk, _ in candidates]).select_related("story").order_by()}
    # Everything from the database is read by now: the budget interrupts only the engine.
    budget = settings.VERSUS_TRACE_SECONDS if seconds is None else seconds
    with time_limit(budget, over_budget_message()) as deadline:
        return _align_candidates(text, junk, candidates, by_id, limit, began, deadline)


def _other_versions(candidates: list[tuple[int, int]], articles: QuerySet[Article]) -> list[tuple[int, int]]:
    """The other versions (among ``articles``) of the stories the candidates belong to, as
    candidates with no index evidence (0 keys), at most SIBLING_CANDIDATES: the best
    candidate's story first.

    A rewrite shares few exact word sequences with its source, so the index may bring up
    only a reprint of the source, or the text itself: the other versions of the same story
    are the obvious places to look next (the agency original beside its reprint)."""
    found = [pk for pk, _ in candidates]
    if not found:
        return []
    story_of = dict(articles.filter(pk__in=found).order_by().values_list("pk", "story_id"))
    rank: dict[int, int] = {}
    for pk in found:  # candidates come best first
        if pk in story_of:
            rank.setdefault(story_of[pk], len(rank))
    others = articles.filter(story_id__in=list(rank)).exclude(pk__in=found).order_by().values_list("pk", "story_id")
    ordered = sorted(others, key=lambda row: (rank[row[1]], row[0]))
    return [(pk, 0) for pk, _ in ordered[:SIBLING_CANDIDATES]]


def _align_candidates(
    text: str,
    junk: list[JunkSpan],
    candidates: list[tuple[int, int]],
    by_id: dict[int, Article],
    limit: int,
    began: float,
    deadline: Deadline,
) -> TraceResult:
    traced = prepare(Document(TRACED_ID, text, tuple((j.start, j.end) for j in junk)))
    lengths = {s.index: s.end - s.start for s in traced.segments}
    total = sum(lengths.values())
    sources: list[TracedSource] = []
    half_left = deadline.remaining() / 2
    for pk, hits in candidates:
        deadline.check(over_budget_message())
        if hits == 0 and deadline.remaining() < half_left:
            break  # the stories' other versions (after the index's candidates) are extras: no trace fails for them
        article = by_id.get(pk)
        if article is None:
            continue
        stored = prepare(article.engine_document(f"article-{pk}", with_vectors=False))
        alignment = align_prepared(traced, stored, Idf(traced.tokens + stored.tokens))
        if not any(TABLE[p.kind].copied for p in alignment.pairs):
            continue
        # The alignment's own shares: a sentence in two pairs (a second correspondence) counts once.
        shares: dict[str, float] = {kind: alignment.shares_a.get(kind, 0.0) for kind in KINDS}
        sources.append(
            TracedSource(
                article=article,
                share=sum(shares.values()),
                shares=shares,
                pairs=alignment.pairs,
                alignment=alignment,
                keys_matched=hits,
            )
        )
    # Ties go to the source with more of the closest kind (word for word).
    sources.sort(key=lambda s: (-s.share, -s.shares[KINDS[0]], s.article.pk))
    traced_segments = sorted({i for source in sources for pair in source.pairs for i in pair.a})
    traced_share = sum(lengths[i] for i in traced_segments) / total if total else 0.0
    return TraceResult(
        text=text,
        junk=junk,
        segments=traced.segments,
        sources=sources[:limit],
        traced_share=traced_share,
        new_share=1.0 - traced_share,
        traced_segments=traced_segments,
        candidates=len(candidates),
        seconds=time.perf_counter() - began,
    )


def source_percents(source: TracedSource) -> list[int]:
    """A source's shares of the text by kind (``KINDS``' order) in whole percent: the engine's one measure
    (compare/engine/reuse.py), as the story page states it, so their sum is the source's whole percent."""
    figures = reuse(source.alignment)
    return [figures.verbatim, figures.edited, figures.paraphrased]


def public_dict(result: TraceResult) -> dict[str, Any]:
    """A trace as the API and ``manage.py trace --json`` give it (the API's TraceOut schema)."""
    return {
        "text": result.text,
        "traced_share": result.traced_share,
        "new_share": result.new_share,
        "new_spans": [(segment.start, segment.end) for segment in result.new_segments()],
        "sources": [
            {
                "rank": rank,
                "version": source.article.pk,
                "story": source.article.story.slug,
                "story_title": source.article.story.title,
                "outlet": source.article.outlet,
                "headline": source.article.headline,
                "published_on": source.article.published_on,
                "source_url": source.article.source_url,
                "page": source.article.story.get_absolute_url(),
                "share": source.share,
                "shares": source.shares,
                "passages": [
                    {"kind": p.kind, "score": float(p.score), "text_span": p.a_span, "source_span": p.b_span}
                    for p in source.pairs
                ],
            }
            for rank, source in enumerate(result.sources, start=1)
        ],
    }


def result_to_dict(result: TraceResult) -> dict:
    """A trace's result as JSON-able data (kept by a background trace, compare/models.py)."""
    return {
        "text": result.text,
        "junk": [[j.start, j.end, j.reason] for j in result.junk],
        "segments": [segment_to_list(s) for s in result.segments],
        "sources": [
            {
                "article": source.article.pk,
                "share": source.share,
                "shares": source.shares,
                "alignment": pair_to_dict(source.alignment),
                "keys_matched": source.keys_matched,
            }
            for source in result.sources
        ],
        "traced_share": result.traced_share,
        "traced_segments": result.traced_segments,
        "candidates": result.candidates,
        "seconds": result.seconds,
    }


def result_from_dict(data: dict, articles: QuerySet[Article]) -> TraceResult:
    """The result back; sources no longer among ``articles`` (deleted, or made private since)
    are left out, so a stored result never shows what the viewer may not see now."""
    ids = [source["article"] for source in data["sources"]]
    by_id = {a.pk: a for a in articles.filter(pk__in=ids).select_related("story").order_by()}
    sources = []
    for source in data["sources"]:
        article = by_id.get(source["article"])
        if article is None:
            continue
        alignment = pair_from_dict(source["alignment"])
        sources.append(
            TracedSource(
                article=article,
                share=source["share"],
                shares=source["shares"],
                pairs=alignment.pairs,
                alignment=alignment,
                keys_matched=source["keys_matched"],
            )
        )
    traced = sorted({i for source in sources for pair in source.pairs for i in pair.a})
    lengths = {s.index: s.end - s.start for s in (segment_from_list(x) for x in data["segments"])}
    total = sum(lengths.values())
    traced_share = sum(lengths[i] for i in traced) / total if total else 0.0
    return TraceResult(
        text=data["text"],
        junk=[JunkSpan(start, end, reason) for start, end, reason in data["junk"]],
        segments=[segment_from_list(x) for x in data["segments"]],
        sources=sources,
        traced_share=traced_share,
        new_share=1.0 - traced_share,
        traced_segments=traced,
        candidates=data["candidates"],
        seconds=data["seconds"],
    )
