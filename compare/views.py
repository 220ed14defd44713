"""The library and the comparison pages. HTMX requests get a named partial of the same template."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from articles.access import story_for_reading, story_for_share_token, visible_stories
from articles.forms import NoteForm
from articles.models import Article, Story
from compare.engine import StoryAlignment
from versus.http import HtmxHttpRequest, is_fragment

from . import exports, kinds, notes, presentation, services, tasks
from .anchors import passage_address, segment_named
from .models import StoredAlignment


@require_GET
@cache_control(max_age=3600)
def kinds_css(request: HtmxHttpRequest) -> HttpResponse:
    """The kinds' looks, drawn from compare/kinds.py (every page links it after versus.css)."""
    return HttpResponse(kinds.stylesheet(), content_type="text/css; charset=utf-8")


@require_GET
def library(request: HtmxHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]  # Postgres refuses NUL in a query
    stories = visible_stories(request.user).prefetch_related(
        Prefetch(
            "versions",
            queryset=Article.objects.order_by("position", "id").only(
                "id", "story_id", "position", "outlet", "headline", "filename", "published_on", "source_url"
            ),
        )
    )
    if query:
        stories = stories.filter(Q(title__icontains=query) | Q(versions__outlet__icontains=query)).distinct()
    # The front door points first-time visitors at the demo stories (made by load_demo, see bin/dev).
    demos = visible_stories(request.user).filter(versions__source=Article.Source.DEMO).distinct().order_by("title")
    context = {
        "stories": stories,
        "query": query,
        "add_url": reverse("articles:story_new"),
        "demo_stories": list(demos.only("title", "slug")[:3]),
    }
    template = "compare/library.html#results" if is_fragment(request) else "compare/library.html"
    return render(request, template, context)


@dataclass
class Options:
    base: str
    compare: str | None  # two-version mode against this version
    show: str
    hide_trivial: bool


def _options(request: HtmxHttpRequest, ids: list[str], default_base: str) -> Options:
    base = request.GET.get("base", "")
    if base not in ids:
        base = default_base
    compare: str | None = request.GET.get("compare", "")
    if compare not in ids or compare == base:
        compare = None
    show = request.GET.get("show", "all")
    if show not in {value for value, _ in presentation.SHOW_CHOICES}:
        show = "all"
    return Options(base=base, compare=compare, show=show, hide_trivial=request.GET.get("hide_trivial") == "1")


# The query parameters that make a view of the story (and that every "back to the story" link keeps).
_VIEW_PARAMETERS = ("base", "compare", "show", "hide_trivial")


def _view_query(request: HtmxHttpRequest, **overrides: str) -> str:
    """The reader's view of the story as a query string ("?base=12&show=unique"), or ""."""
    values = {key: request.GET.get(key, "") for key in _VIEW_PARAMETERS}
    values.update(overrides)
    query = urlencode({key: value for key, value in values.items() if value})
    return f"?{query}" if query else ""


def _panel_focus(
    request: HtmxHttpRequest, alignment: StoryAlignment, versions: dict[str, presentation.Version]
) -> tuple[str, int] | None:
    """The passage whose panel is open, from ``?panel=<article id>-at-<offset>`` (or, from a link
    made before addresses were offsets, ``<article id>-<segment>``): its version and first sentence."""
    article, _, address = request.GET.get("panel", "").partition("-")
    if article not in versions:
        return None
    segment = segment_named(alignment.segments.get(article, []), address, len(versions[article].text))
    return None if segment is None else (article, segment)


def _stored_alignment(story: Story, articles: list[Article]) -> StoredAlignment:
    # Queues the alignment task when there is no result yet (see compare/tasks.py).
    return tasks.ensure_alignment(story, articles)


@dataclass(frozen=True)
class Reading:
    """How the reader came to the story: by its own address or by a share link.

    Every link the pages make (the form, the panels, "back to the story") stays under the
    address the reader came by, so a share-link reader never meets a page they may not open.
    """

    story_url: str
    passage_root: str  # a passage's panel is at passage_root + "<article id>/<address>/"
    shared: bool

    @classmethod
    def by_slug(cls, story: Story) -> Reading:
        root = reverse("compare:passage", args=[story.slug, 0, "0"]).removesuffix("0/0/")
        return cls(story_url=reverse("compare:story", args=[story.slug]), passage_root=root, shared=False)

    @classmethod
    def by_token(cls, token: str) -> Reading:
        root = reverse("compare:shared_passage", args=[token, 0, "0"]).removesuffix("0/0/")
        return cls(story_url=reverse("compare:shared_story", args=[token]), passage_root=root, shared=True)

    def passage_url(self, article_id: str, start: int) -> str:
        """The address of the panel of the passage whose first sentence starts at ``start``."""
        return f"{self.passage_root}{article_id}/{passage_address(start)}/"


def _share_link_gone(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "compare/share_gone.html", status=404)


def _comparison_context(
    request: HtmxHttpRequest, story: Story, articles: list[Article], alignment: StoryAlignment, reading: Reading
) -> dict[str, object]:
    """What the comparison shows for the reader's choices (base, columns, filter) in the query string."""
    versions = presentation.build_versions(articles)
    ids = [v for v in versions if v in alignment.segments]
    source = alignment.source.document if alignment.source.document in ids else None
    options = _options(request, ids, source or ids[0])
    others = [options.compare] if options.compare else [i for i in ids if i != options.base]
    comparison = presentation.build_comparison(alignment, versions, options.base, others, options.hide_trivial)
    rows = comparison.visible_rows(options.show)
    # One reverse() for the whole page (in Reading) rather than one per passage. A panel has two
    # addresses: its fragment (for HTMX) and the story page with the panel open (shareable, no JavaScript).
    query = _view_query(request, base=options.base)
    page_query = (query + "&") if query else "?"
    for row in rows:
        for piece in row.pieces:
            piece.panel_url = reading.passage_url(piece.version.id, piece.start) + query
            piece.panel_href = f"{reading.story_url}{page_query}panel={piece.version.id}-{piece.address}"
    context: dict[str, object] = dict(
        state="done",
        options=options,
        comparison=comparison,
        rows=rows,
        hidden_rows=len(comparison.rows) - len(rows),
        versions=[versions[i] for i in ids],
        back_query=query,
        **presentation.summary_context(alignment, versions, options.base, ids),
    )
    focus = _panel_focus(request, alignment, versions)
    if focus is not None:
        context["focus"] = _build_panel(alignment, versions, focus[0], focus[1], [options.base, *others])
    return context


def _build_panel(
    alignment: StoryAlignment, versions: dict[str, presentation.Version], doc: str, segment: int, shown: list[str]
) -> presentation.Panel:
    """The panel of the passage holding ``segment``: every sentence the page shows in that passage
    (with the versions ``shown``), so the panel, its notes and its note form cover what was clicked."""
    _, last = presentation.passage_of(alignment, doc, segment, shown)
    return presentation.build_panel(alignment, versions, doc, segment, last)


def _shown_by(request: HtmxHttpRequest, alignment: StoryAlignment, ids: list[str]) -> list[str]:
    """The versions the story page shows for the view in the query string, base first."""
    source = alignment.source.document if alignment.source.document in ids else None
    options = _options(request, ids, source or ids[0])
    if options.compare:
        return [options.base, options.compare]
    return [options.base, *(i for i in ids if i != options.base)]


@require_GET
def story(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    story = story_for_reading(request, slug)
    return _story_page(request, story, Reading.by_slug(story))


@require_GET
def shared_story(request: HtmxHttpRequest, token: str) -> HttpResponse:
    try:
        story = story_for_share_token(token)
    except Http404:
        return _share_link_gone(request)
    return _story_page(request, story, Reading.by_token(token))


def _owner_context(request: HtmxHttpRequest, story: Story) -> dict[str, object]:
    """The owner's controls: adding and deleting versions, the story itself, and sharing."""
    links = [
        (link, request.build_absolute_uri(link.get_absolute_url()))
        for link in story.share_links.filter(revoked_at__isnull=True)
    ]
    return {
        "add_version_url": reverse("articles:version_add", args=[story.slug]),
        "delete_url": reverse("articles:story_delete", args=[story.slug]),
        "share_links": links,
    }


def _story_page(request: HtmxHttpRequest, story: Story, reading: Reading) -> HttpResponse:
    articles = services.versions_of(story)
    can_edit = not reading.shared and story.is_owned_by(request.user)
    context: dict[str, object] = {
        "story": story,
        "articles": articles,
        "story_url": reading.story_url,
        "shared": reading.shared,
        "can_edit": can_edit,
        "show_choices": presentation.SHOW_CHOICES,
    }
    if can_edit:
        context.update(_owner_context(request, story))
        # Open the owner's list of versions while some have no outlet yet: naming them is the next step.
        context["open_versions"] = any(not article.outlet for article in articles)
    template = "compare/story.html#comparison" if is_fragment(request) else "compare/story.html"
    note_list = notes.notes_of(articles)
    context["notes"] = notes.place(note_list, articles, None)
    if len(articles) < 2:
        context["state"] = "too_few"
        return render(request, template, context)

    stored = _stored_alignment(story, articles)
    context["stored"] = stored
    if stored.status != StoredAlignment.Status.DONE:
        context["state"] = "failed" if stored.status == StoredAlignment.Status.FAILED else "computing"
        return render(request, template, context)

    alignment = services.load_alignment(stored, articles)
    context.update(_comparison_context(request, story, articles, alignment, reading))
    # Teacher's notes on the passages, found afresh in this alignment from their character offsets.
    placed = notes.place(note_list, articles, alignment)
    comparison = context["comparison"]
    assert isinstance(comparison, presentation.Comparison)
    notes.attach_to_rows(comparison.rows, placed)
    context["notes"] = placed
    focus, options = context.get("focus"), context["options"]
    if isinstance(focus, presentation.Panel) and isinstance(options, Options):
        # The panel open by its address: its notes (and, for the owner, the note form) too.
        focus_id = int(focus.focus.id)
        context.update(_panel_notes(request, story, reading, articles, alignment, focus_id, focus, options.base, None))
        context["base"] = options.base
    return render(request, template, context)


@require_GET
def passage(request: HtmxHttpRequest, slug: str, article_id: int, address: str) -> HttpResponse:
    story = story_for_reading(request, slug)
    return _passage_page(request, story, Reading.by_slug(story), article_id, address)


@require_GET
def shared_passage(request: HtmxHttpRequest, token: str, article_id: int, address: str) -> HttpResponse:
    try:
        story = story_for_share_token(token)
    except Http404:
        return _share_link_gone(request)
    return _passage_page(request, story, Reading.by_token(token), article_id, address)


def passage_with_note_form(
    request: HtmxHttpRequest, story: Story, reading: Reading, article_id: int, start: int, note_form: NoteForm
) -> HttpResponse:
    """The page of the passage starting at ``start`` with a note that could not be added (articles/note_views.py)."""
    return _passage_page(request, story, reading, article_id, passage_address(start), note_form)


def _passage_page(
    request: HtmxHttpRequest,
    story: Story,
    reading: Reading,
    article_id: int,
    address: str,
    note_form: NoteForm | None = None,
) -> HttpResponse:
    """One passage in every version that has it, with the word differences against each.

    ``address`` names the passage (compare/anchors.py): a link made before addresses were
    offsets is taken to the passage's address now. With ``note_form``: the owner's note that
    could not be added, shown again with its problem.
    """
    articles = services.versions_of(story)
    if article_id not in {a.pk for a in articles}:
        raise Http404("This story has no such version.")
    stored = _stored_alignment(story, articles)
    context: dict[str, object] = {
        "story": story,
        "state": "computing",
        "story_url": reading.story_url,
        "back_query": _view_query(request),
    }
    template = "compare/passage.html#panel" if is_fragment(request) else "compare/passage.html"
    if stored.status != StoredAlignment.Status.DONE:
        return render(request, template, context)
    alignment = services.load_alignment(stored, articles)
    versions = presentation.build_versions(articles)
    focus_id = str(article_id)
    segments = alignment.segments.get(focus_id, [])
    segment = segment_named(segments, address, len(versions[focus_id].text))
    if segment is None:
        raise Http404("This version has no such passage.")
    start = segments[segment].start
    if address != passage_address(start) and note_form is None:
        # Named another way (by a link made before addresses were offsets, or by an offset inside
        # it): taken to its own address, which is what the address bar then shows and keeps.
        # (Never a note being added: the answer shows it again as typed.)
        query = request.GET.urlencode()
        return redirect(reading.passage_url(focus_id, start) + (f"?{query}" if query else ""))
    base = request.GET.get("base", "")
    base = base if base in versions else ""
    ids = [v for v in versions if v in alignment.segments]
    context.update(
        state="done",
        base=base,
        back_query=_view_query(request),
        focus=_build_panel(alignment, versions, focus_id, segment, _shown_by(request, alignment, ids)),
    )
    panel = context["focus"]
    assert isinstance(panel, presentation.Panel)
    context.update(_panel_notes(request, story, reading, articles, alignment, article_id, panel, base, note_form))
    return render(request, template, context, status=400 if note_form is not None else 200)


def _panel_notes(
    request: HtmxHttpRequest,
    story: Story,
    reading: Reading,
    articles: list[Article],
    alignment: StoryAlignment,
    article_id: int,
    panel: presentation.Panel,
    base: str,
    note_form: NoteForm | None,
) -> dict[str, object]:
    """The notes on the focused passage and, for its owner, the form to add one."""
    placed = notes.place(notes.notes_of(articles), articles, alignment)
    segments = alignment.segments[str(article_id)]
    seg, end = segments[panel.segment], segments[panel.last]
    paragraphs = range(panel.paragraph, panel.last_paragraph + 1)
    context: dict[str, object] = {"passage_notes": notes.for_paragraphs(placed, article_id, paragraphs)}
    if not reading.shared and story.is_owned_by(request.user):
        # The words to point at may be anywhere in the paragraphs of the passage that was clicked.
        scope = [s for s in segments if s.paragraph in paragraphs]
        initial = {
            "article": article_id,
            "start": seg.start,
            "end": end.end,
            "passage": seg.start,
            "base": base,
            "scope_start": scope[0].start,
            "scope_end": scope[-1].end,
        }
        context.update(can_edit=True, note_form=note_form or NoteForm(initial=initial))
    return context


# --- exports ---------------------------------------------------------------------------------


@require_GET
def export(request: HtmxHttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The comparison as a file: JSON, CSV or a self-contained HTML report (see compare/exports.py)."""
    return _export(request, story_for_reading(request, slug), fmt)


@require_GET
def shared_export(request: HtmxHttpRequest, token: str, fmt: str) -> HttpResponse:
    try:
        story = story_for_share_token(token)
    except Http404:
        return _share_link_gone(request)
    return _export(request, story, fmt)


def _export(request: HtmxHttpRequest, story: Story, fmt: str) -> HttpResponse:
    articles = services.versions_of(story)
    try:
        # The same stored alignment the page shows; if there is none yet, its computation is queued.
        stored = _stored_alignment(story, articles) if len(articles) > 1 else None
        data = exports.export(exports.load(story, articles, stored), fmt, request.GET.get("base") or None)
    except exports.ExportError as error:
        response = HttpResponse(error.message, status=error.status, content_type="text/plain; charset=utf-8")
        if error.retry:
            response["Retry-After"] = "10"
        return response
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(story, fmt)}"'
    if fmt == "html":  # opened from the server too: its own inline styles must be allowed
        response["Content-Security-Policy"] = exports.report_policy(data)
    patch_cache_control(response, private=True)  # a copy of a story: never kept by a shared cache
    return response
