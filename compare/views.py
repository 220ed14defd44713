"""The library and the comparison pages. HTMX requests get a named partial of the same template."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from articles.models import Article, Story
from compare.engine.types import StoryAlignment

from . import layout, services
from .models import StoredAlignment


def _fragment(request: HttpRequest) -> bool:
    """An HTMX swap wants a fragment; a history restore after a cache miss wants the page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _url_or_none(name: str, *args: object) -> str | None:
    # Pages owned by the ingestion work may not exist yet in every checkout.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    stories = Story.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=Article.objects.order_by("position", "id").only(
                "id", "story_id", "position", "outlet", "headline", "filename", "published_on", "source_url"
            ),
        )
    )
    if query:
        stories = stories.filter(Q(title__icontains=query) | Q(versions__outlet__icontains=query)).distinct()
    context = {"stories": stories, "query": query, "add_url": _url_or_none("articles:story_new")}
    template = "compare/library.html#results" if _fragment(request) else "compare/library.html"
    return render(request, template, context)


@dataclass
class Options:
    base: str
    compare: str | None  # two-version mode against this version
    show: str
    hide_trivial: bool


def _options(request: HttpRequest, ids: list[str], default_base: str) -> Options:
    base = request.GET.get("base", "")
    if base not in ids:
        base = default_base
    compare = request.GET.get("compare", "")
    if compare not in ids or compare == base:
        compare = None
    show = request.GET.get("show", "all")
    if show not in {value for value, _ in layout.SHOW_CHOICES}:
        show = "all"
    return Options(base=base, compare=compare, show=show, hide_trivial=request.GET.get("hide_trivial") == "1")


def _stored_alignment(story: Story, articles: list[Article]) -> StoredAlignment:
    # Queues the alignment task when there is no result yet (see compare/tasks.py).
    return services.ensure_alignment(story, articles)


def _comparison_context(
    request: HttpRequest, story: Story, articles: list[Article], alignment: StoryAlignment
) -> dict[str, object]:
    """What the comparison shows for the reader's choices (base, columns, filter) in the query string."""
    versions = layout.build_versions(articles)
    ids = [v for v in versions if v in alignment.segments]
    source = alignment.source.document if alignment.source.document in ids else None
    options = _options(request, ids, source or ids[0])
    others = [options.compare] if options.compare else [i for i in ids if i != options.base]
    comparison = layout.build_comparison(alignment, versions, options.base, others, options.hide_trivial)
    rows = comparison.visible_rows(options.show)
    # One reverse() for the whole page rather than one per passage.
    panel_root = reverse("compare:passage", args=[story.slug, 0, 0]).removesuffix("0/0/")
    for row in rows:
        for piece in row.pieces:
            piece.panel_url = f"{panel_root}{piece.version.id}/{piece.segment}/?base={options.base}"
    return dict(
        state="done",
        options=options,
        comparison=comparison,
        rows=rows,
        hidden_rows=len(comparison.rows) - len(rows),
        versions=[versions[i] for i in ids],
        bars=layout.share_bars(alignment, versions, options.base, ids),
        heat=list(zip([versions[i] for i in ids], layout.heat_map(alignment, ids), strict=True)),
        source_version=versions[source] if source else None,
        source=alignment.source,
        evidence=layout.evidence_in_words(alignment.source.evidence, versions),
        source_percent=round(100 * alignment.source.confidence),
    )


@require_GET
def story(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug)
    articles = services.versions_of(story)
    context: dict[str, object] = {
        "story": story,
        "articles": articles,
        "add_version_url": _url_or_none("articles:version_add", story.slug),
        "show_choices": layout.SHOW_CHOICES,
    }
    template = "compare/story.html#comparison" if _fragment(request) else "compare/story.html"
    if len(articles) < 2:
        context["state"] = "too_few"
        return render(request, template, context)

    stored = _stored_alignment(story, articles)
    context["stored"] = stored
    if stored.status != StoredAlignment.Status.DONE:
        context["state"] = "failed" if stored.status == StoredAlignment.Status.FAILED else "computing"
        return render(request, template, context)

    context.update(_comparison_context(request, story, articles, services.load_alignment(stored)))
    return render(request, template, context)


@require_GET
def passage(request: HttpRequest, slug: str, article_id: int, segment: int) -> HttpResponse:
    """One passage in every version that has it, with the word differences against each."""
    story = get_object_or_404(Story, slug=slug)
    articles = services.versions_of(story)
    if article_id not in {a.pk for a in articles}:
        raise Http404("This story has no such version.")
    stored = _stored_alignment(story, articles)
    context: dict[str, object] = {"story": story, "state": "computing"}
    template = "compare/passage.html#panel" if _fragment(request) else "compare/passage.html"
    if stored.status != StoredAlignment.Status.DONE:
        return render(request, template, context)
    alignment = services.load_alignment(stored)
    versions = layout.build_versions(articles)
    focus_id = str(article_id)
    segments = alignment.segments.get(focus_id, [])
    if not 0 <= segment < len(segments):
        raise Http404("This version has no such passage.")
    base = request.GET.get("base", "")
    context.update(
        state="done",
        base=base if base in versions else "",
        focus=layout.build_panel(alignment, versions, focus_id, segment),
    )
    return render(request, template, context)
