"""Trace a text: the page, its HTMX result fragment, and "make a story from this".

Who may trace what:
- Pasted text: anyone, against the articles they may see (``articles.access.visible_articles``: their own
  stories and public ones; a visitor without an account, public ones only).
- A web address: logged-in users only. Fetching makes *our server* connect somewhere, so it
  goes through the same door as URL import (``articles/fetch.py``'s address checks and the
  per-user allowance of fetches per minute, which needs a user to count against).
- Making a story from the result: logged-in users only; the story is theirs and private.

The page works without JavaScript (the form posts and the page comes back with the result);
with htmx the form posts in the background and only the result fragment is swapped in.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from articles.access import visible_articles
from articles.models import Article, Story, content_hash
from articles.ratelimit import reserve_url_imports
from articles.services import ArticleInput, IngestError, clean_text, create_story, metadata_of
from articles.throttle import Rule, Throttled, take
from compare.kinds import PAIR_KINDS, TABLE, KindInfo
from compare.models import TraceJob
from versus.budget import OverBudget
from versus.http import HtmxHttpRequest, go_to, is_fragment
from versus.text import first_words, percent, plural

from . import jobs
from .service import (
    MEASURE,
    TracedSource,
    TraceError,
    TraceResult,
    TraceTooLarge,
    result_from_dict,
    source_percents,
    trace_text,
)

TEMPLATE = "compare/trace.html"
# A web address is at most this long (as in URL import's form field).
MAX_URL = 2000
TITLE_WORDS = 8


@dataclass
class Piece:
    """A stretch of the traced text as shown: plain, page clutter, or a passage found in a source."""

    text: str
    kind: str = ""  # a pair kind (compare/kinds.py) when traced
    rank: int = 0  # 1-based rank of the source it is attributed to (the best-ranked one having it)
    url: str = ""
    source_label: str = ""
    junk: bool = False

    @property
    def label(self) -> str:
        return TABLE[self.kind].label if self.kind else ""


@dataclass
class SourceRow:
    rank: int
    source: TracedSource
    article: Article
    story: Story
    url: str
    percent: int
    parts: list[tuple[KindInfo, int, int]]  # (kind, percent, x) for the bar
    kinds: list[KindInfo]  # the kinds of pairs found, in the kinds table's order


def source_rows(result: TraceResult) -> list[SourceRow]:
    Article.load_story_outlets([source.article for source in result.sources])  # named in every row
    rows = []
    for rank, source in enumerate(result.sources, start=1):
        parts: list[tuple[KindInfo, int, int]] = []
        x = 0
        for kind, pct in zip(PAIR_KINDS, source_percents(source), strict=True):
            parts.append((kind, pct, x))
            x += pct
        found = {pair.kind for pair in source.pairs}
        rows.append(
            SourceRow(
                rank=rank,
                source=source,
                article=source.article,
                story=source.article.story,
                url=source.article.story.get_absolute_url(),
                percent=x,  # the parts' sum: "80% found" is never "64% edited, 16% paraphrase" less one
                parts=parts,
                kinds=[kind for kind in PAIR_KINDS if kind.name in found],
            )
        )
    return rows


def text_pieces(result: TraceResult, rows: list[SourceRow]) -> list[Piece]:
    """The traced text cut at every segment and junk boundary, each piece marked with what covers it."""
    owner: dict[int, tuple[str, SourceRow]] = {}
    for row in rows:  # best first: a passage found in several sources is credited to the best-ranked one
        for pair in row.source.pairs:
            for index in pair.a:
                owner.setdefault(index, (pair.kind, row))
    text = result.text
    cuts = {0, len(text)}
    for segment in result.segments:
        cuts.update((segment.start, segment.end))
    for junk in result.junk:
        cuts.update((junk.start, junk.end))
    bounds = sorted(c for c in cuts if 0 <= c <= len(text))
    by_start = sorted(result.segments, key=lambda s: s.start)
    pieces: list[Piece] = []
    seg_i = 0
    for start, end in zip(bounds, bounds[1:], strict=False):
        if start == end:
            continue
        while seg_i < len(by_start) and by_start[seg_i].end <= start:
            seg_i += 1
        covering = by_start[seg_i] if seg_i < len(by_start) and by_start[seg_i].start <= start else None
        piece = Piece(text=text[start:end], junk=any(j.start <= start and end <= j.end for j in result.junk))
        if covering is not None and covering.index in owner:
            kind, row = owner[covering.index]
            piece.kind, piece.rank, piece.url = kind, row.rank, row.url
            piece.source_label = row.article.label()
        pieces.append(piece)
    return pieces


def _result_context(result: TraceResult) -> dict[str, object]:
    rows = source_rows(result)
    traced = percent(result.traced_share)
    return {
        "result": result,
        "rows": rows,
        "pieces": text_pieces(result, rows),
        "traced_percent": traced,
        "new_percent": 100 - traced,
        "measure": MEASURE,
    }


@dataclass
class TraceRequest:
    """What the form sent: pasted text or a web address, and what is known about the text."""

    text: str = ""
    url: str = ""
    headline: str = ""
    outlet: str = ""
    source_url: str = ""

    @classmethod
    def from_post(cls, request: HtmxHttpRequest) -> TraceRequest:
        post = request.POST
        return cls(
            text=post.get("text", ""),
            url=post.get("url", "").strip()[:MAX_URL],
            headline=post.get("headline", "").strip()[:500],
            outlet=post.get("outlet", "").strip()[:200],
            source_url=post.get("source_url", "").strip()[:MAX_URL],
        )


def _check_url_trace(request: HtmxHttpRequest, asked: TraceRequest) -> None:
    """Raise IngestError unless the user may have ``asked.url`` fetched now (counted if so)."""
    if not request.user.is_authenticated:
        raise IngestError("Log in to trace a web page: Versus fetches pages only for people with an account.")
    if not asked.url.lower().startswith(("http://", "https://")):
        raise IngestError(
            f"“{asked.url}” does not start with http:// or https://. Copy the address from your browser's address bar."
        )
    reserve_url_imports(request.user, 1)


@require_http_methods(["GET", "POST"])
def trace(request: HtmxHttpRequest) -> HttpResponse:
    context = _page_context(TraceRequest())
    if request.method == "GET":
        return render(request, TEMPLATE, context)
    asked = TraceRequest.from_post(request)
    context["asked"] = asked
    status, retry_after = 200, 0
    try:
        take(Rule.named("trace"), request)
        if asked.url and not asked.text.strip():
            # Fetching waits on another server: never inside a web request (compare/jobs.py).
            _check_url_trace(request, asked)
            return _in_background(request, asked)
        result = trace_text(asked.text, articles=visible_articles(request.user))
    except TraceTooLarge as error:
        if request.user.is_authenticated and _fits_background(asked.text):
            try:
                return _in_background(request, asked)
            except Throttled as busy:  # this account's traces already fill its share of the worker
                context["problem"], status, retry_after = str(busy), 429, busy.retry_after
        else:
            context["problem"], status = str(error), error.status
        if not request.user.is_authenticated and _fits_background(asked.text):
            context["problem"] = (
                f"{error} Logged in, you can trace texts up to an article's size (it takes a little longer)."
            )
    except TraceError as error:
        context["problem"], status = str(error), error.status
    except Throttled as error:
        context["problem"], status, retry_after = str(error), 429, error.retry_after
    except IngestError as error:
        context["problem"], status = str(error), 400
    except OverBudget as error:
        context["problem"], status, retry_after = error.message, 503, error.retry_after
    else:
        context.update(_result_context(result))
    if is_fragment(request):
        # htmx swaps only 2xx answers by default: a problem is still the result to show in place.
        response = render(request, f"{TEMPLATE}#result", context)
    else:
        response = render(request, TEMPLATE, context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _page_context(asked: TraceRequest) -> dict[str, object]:
    return {"asked": asked, "max_sources": max_sources(), "pair_kinds": PAIR_KINDS, "kinds": TABLE.values()}


def _fits_background(text: str) -> bool:
    return len(clean_text(text)) <= settings.VERSUS_MAX_ARTICLE_CHARACTERS


def _in_background(request: HtmxHttpRequest, asked: TraceRequest) -> HttpResponse:
    """A text too long for one request, or a web page to fetch first, traced by the worker;
    the answer is the job's page."""
    assert isinstance(request.user, User)  # only signed-in users' texts are traced in the background
    jobs.check_room(request.user)
    job = jobs.queue_trace(
        request.user,
        asked.text,
        {"headline": asked.headline, "outlet": asked.outlet, "source_url": asked.source_url, "url": asked.url},
    )
    return go_to(request, job.get_absolute_url())


@require_http_methods(["GET"])
def trace_job(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """A background trace: running (the page polls itself), or its result, or the problem."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
    job = TraceJob.objects.filter(token=token, owner=request.user).first() if "\x00" not in token else None
    if job is None:
        raise Http404("No such trace, or not one of yours.")
    job = job.give_up_if_lost()
    asked = TraceRequest(
        text=job.text, **{k: job.asked.get(k, "") for k in ("url", "headline", "outlet", "source_url")}
    )
    context = {**_page_context(asked), "job": job}
    if job.status == TraceJob.Status.DONE:
        assert job.result is not None  # a finished trace keeps its result
        context.update(_result_context(result_from_dict(job.result, visible_articles(request.user))))
    elif job.status == TraceJob.Status.FAILED:
        context["problem"] = job.problem
    # htmx (the running page polling itself) gets the result section only.
    return render(request, f"{TEMPLATE}#result" if is_fragment(request) else TEMPLATE, context)


def max_sources() -> int:
    """Sources a story made from a trace can hold next to the traced text."""
    return settings.VERSUS_MAX_VERSIONS_PER_STORY - 1


def _title_for(asked: TraceRequest, text: str) -> str:
    if asked.headline:
        return f"Traced: {asked.headline}"
    return "Traced: " + first_words(text, TITLE_WORDS)


def copy_of(article: Article) -> ArticleInput:
    """A stored article as a new version of another story: same text, junk marks and metadata."""
    return ArticleInput(
        text=article.text,
        raw=article.raw,
        **metadata_of(article),
        source=article.source,
        filename=article.filename,
        junk=article.junk_marks(),
    )


def story_from_trace(owner: User, asked: TraceRequest, result: TraceResult) -> Story:
    """A private story of ``owner``: the traced text first, then copies of its best sources.

    A source with exactly the traced text, or the same text as a better-ranked source, is
    left out (a story holds each text once). Raises IngestError if nothing is left to compare.
    """
    traced = ArticleInput(
        text=result.text,
        raw=asked.text if not asked.url else result.text,
        outlet=asked.outlet or "The traced text",
        headline=asked.headline,
        source_url=asked.source_url,
        source=Article.Source.URL if asked.source_url else Article.Source.PASTE,
    )
    seen = {content_hash(clean_text(result.text))}
    items: list[ArticleInput] = [traced]
    credited: list[Article] = []
    for source in result.sources:
        if len(items) > max_sources():
            break
        if source.article.content_hash in seen:
            continue
        seen.add(source.article.content_hash)
        items.append(copy_of(source.article))
        credited.append(source.article)
    if len(items) < 2:
        raise IngestError(
            "The text is exactly a stored article, so a new story would have nothing to compare. "
            "Open that article's story instead."
        )
    return create_story(_title_for(asked, result.text), items, notes=_provenance(credited), owner=owner)


def _provenance(sources: list[Article]) -> str:
    """Notes saying where the copies come from: "… best first: A, B (from the story “S”); C (from “T”)"."""
    by_story: dict[int, list[Article]] = {}
    Article.load_story_outlets(sources)
    for article in sources:
        by_story.setdefault(article.story_id, []).append(article)
    parts = [
        ", ".join(a.label() for a in articles) + f" (from the story “{articles[0].story.title}”)"
        for articles in by_story.values()
    ]
    return "Made by tracing a text. Its sources, best first: " + "; ".join(parts) + "."


@require_POST
def trace_story(request: HtmxHttpRequest) -> HttpResponse:
    """Make a story from a traced text and open its comparison. The text is traced again here:
    the form carries only the text, so nobody can slip in an article they may not see."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?{urlencode({'next': reverse('compare:trace')})}")
    asked = TraceRequest.from_post(request)
    asked.url = ""  # the page was fetched already; its text is in the form
    context = _page_context(asked)
    try:
        take(Rule.named("trace"), request)
        result = trace_text(asked.text, articles=visible_articles(request.user), limit=max_sources())
        if not result.sources:
            raise IngestError("No stored article shares passages with this text, so there is nothing to compare.")
        story = story_from_trace(request.user, asked, result)
    except Throttled as error:
        context["problem"] = f"The story could not be made. {error}"
        response = render(request, TEMPLATE, context, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    except (TraceError, IngestError) as error:
        context["problem"] = f"The story could not be made. {error}"
        return render(request, TEMPLATE, context, status=getattr(error, "status", 400))
    except OverBudget as error:
        context["problem"] = f"The story could not be made. {error.message}"
        response = render(request, TEMPLATE, context, status=503)
        response["Retry-After"] = str(error.retry_after)
        return response
    count = story.versions.count()
    messages.success(
        request,
        f"“{story.title}” was made with the traced text and {plural(count - 1, 'source')}. It is private to you.",
    )
    return redirect(story.get_absolute_url())
