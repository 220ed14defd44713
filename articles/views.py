"""The ways in through the browser: add a story, add versions, delete with confirmation, share.

Everything here needs a login, and everything about an existing story needs its owner
(``access.story_for_editing``): anyone else gets "not found", so slugs and ids reveal nothing.

Views stay thin: forms read the request, ``versions_from`` turns it into ArticleInputs,
``services`` writes them in one transaction. Any IngestError re-renders the form with the
message and everything typed kept (browsers cannot keep chosen files, so the message
says to choose them again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from versus.http import AuthenticatedHttpRequest, HtmxHttpRequest, go_to, is_fragment
from versus.text import plural

from . import jobs, services
from .access import story_for_editing
from .forms import StoryForm, VersionsForm, versions_from
from .models import Article, ImportJob, ShareLink, Story
from .ratelimit import reserve_url_imports
from .throttle import Rule, Throttled, take


def _fetch_quota(request: AuthenticatedHttpRequest) -> Callable[[int], None]:
    """Web pages are fetched on the user's allowance of imports per minute (see ratelimit.py)."""
    return lambda count: reserve_url_imports(request.user, count)


@require_http_methods(["GET", "POST"])
@login_required
def story_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "articles/story_new.html", {"form": StoryForm()})
    form, problem = _bound(request, StoryForm)
    if not problem and "more_boxes" in request.POST:
        return _with_more_boxes(request, "articles/story_new.html", StoryForm)
    throttled: Throttled | None = None
    # With a problem already, the form comes back as it was sent.
    if not problem and form is not None and form.is_valid():
        data = form.cleaned_data

        def create(items: list[services.ArticleInput]) -> tuple[Story, Iterable[Article]]:
            story = services.create_story(data["title"], items, notes=data["notes"], owner=request.user)
            return story, story.versions.all()

        outcome = _store(request, form, None, create)
        if isinstance(outcome, HttpResponse):
            return outcome
        problem, throttled = outcome
    return _with_problem(request, "articles/story_new.html", form or StoryForm(), problem, throttled=throttled)


@require_http_methods(["GET", "POST"])
@login_required
def version_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    story = story_for_editing(request, slug)
    if request.method == "GET":
        return render(request, "articles/version_add.html", {"form": VersionsForm(), "story": story})
    form, problem = _bound(request, VersionsForm)
    if not problem and "more_boxes" in request.POST:
        return _with_more_boxes(request, "articles/version_add.html", VersionsForm, story=story)
    throttled: Throttled | None = None
    # With a problem already, the form comes back as it was sent.
    if not problem and form is not None and form.is_valid():

        def add(items: list[services.ArticleInput]) -> tuple[Story, Iterable[Article]]:
            return story, services.add_articles(story, items)

        outcome = _store(request, form, story, add)
        if isinstance(outcome, HttpResponse):
            return outcome
        problem, throttled = outcome
    return _with_problem(
        request, "articles/version_add.html", form or VersionsForm(), problem, throttled=throttled, story=story
    )


def _with_more_boxes(request: HttpRequest, template: str, form_class: type[VersionsForm], **context) -> HttpResponse:
    """ "More paste boxes": the form back as it was typed, with more boxes, nothing checked or saved yet.
    Browsers cannot fill in a file input, so files chosen before are to be chosen again."""
    form = form_class.with_more_boxes(request.POST)
    return render(request, template, {"form": form, "choose_files_again": bool(request.FILES), **context})


def _store(
    request: AuthenticatedHttpRequest,
    form: VersionsForm,
    story: Story | None,
    save: Callable[[list[services.ArticleInput]], tuple[Story, Iterable[Article]]],
) -> HttpResponse | tuple[str, Throttled | None]:
    """Store what a valid form brings, here or (when it is large) in the background, within the
    user's allowance of imports: the page to go to, or the problem to show and the throttle hit."""
    try:
        take(Rule.named("import"), request)
        if jobs.needs_background(form):
            return _in_background(request, form, story)
        saved, added = save(versions_from(form, _fetch_quota(request)))
    except Throttled as error:
        return str(error), error
    except services.IngestError as error:
        return _at_field(form, error), None
    messages.success(request, _added_message(saved, added))
    return redirect(saved.get_absolute_url())


def _in_background(request: AuthenticatedHttpRequest, form: VersionsForm, story: Story | None = None) -> HttpResponse:
    """Hand the form to the background worker (see jobs.py) and answer with where it stands.

    Raises IngestError (the form shows it) when the job failed at once or the user may not
    fetch that many pages now.
    """
    reserve_url_imports(request.user, len(form.cleaned_data.get("urls") or []))
    job = jobs.queue_import(request.user, form, story)
    if job.status == ImportJob.Status.FAILED:
        raise services.IngestError(job.problem)
    if job.status == ImportJob.Status.DONE:
        return _job_done(request, job)
    return redirect(job.get_absolute_url())


def _job_done(request: HtmxHttpRequest, job: ImportJob) -> HttpResponse:
    story = job.story
    assert story is not None  # a finished job made its story or added to it
    added = list(story.versions.order_by("-position")[: job.added])
    messages.success(request, _added_message(story, added))
    return go_to(request, story.get_absolute_url())


@require_http_methods(["GET"])
@login_required
def import_job(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """Where a background import stands; the story once done, the form filled in again if it failed."""
    job = get_object_or_404(ImportJob.objects.select_related("story"), token=token, owner=request.user)
    job = job.give_up_if_lost()
    if job.status == ImportJob.Status.DONE:
        return _job_done(request, job)
    if job.status == ImportJob.Status.FAILED:
        if job.new_story:
            form: VersionsForm = StoryForm(initial=jobs.form_initial(job))
            template, context = "articles/story_new.html", {}
        else:
            form = VersionsForm(initial=jobs.form_initial(job))
            template, context = "articles/version_add.html", {"story": job.story}
        problem = f"{job.problem} Nothing was saved."
        if jobs.had_files(job):
            problem += " Choose your files again (browsers forget them after a problem)."
        if is_fragment(request):  # the polling fragment: load the whole page with the form
            response = HttpResponse(status=204)
            response["HX-Redirect"] = job.get_absolute_url()
            return response
        return render(request, template, {"form": form, "problem": problem, **context})
    template = "articles/import_job.html#progress" if is_fragment(request) else "articles/import_job.html"
    return render(request, template, {"job": job})


@require_http_methods(["GET", "POST"])
@login_required
def story_delete(request: HttpRequest, slug: str) -> HttpResponse:
    story = story_for_editing(request, slug)
    if request.method == "POST":
        title = story.title
        services.delete_story(story)
        messages.success(request, f"“{title}” and its versions were deleted.")
        return redirect("compare:library")
    versions = list(story.versions.all())
    Article.know_story_outlets(versions)  # the list names them all: no query per version
    return render(request, "articles/story_delete.html", {"story": story, "versions": versions})


@require_http_methods(["GET", "POST"])
@login_required
def version_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    story = story_for_editing(request, slug)
    article = get_object_or_404(Article, story=story, pk=pk)
    if request.method == "POST":
        label = article.label()
        services.delete_article(article)
        messages.success(request, f"The version “{label}” was deleted.")
        return redirect(story.get_absolute_url())
    return render(request, "articles/version_delete.html", {"story": story, "article": article})


@require_POST
@login_required
def story_visibility(request: HttpRequest, slug: str) -> HttpResponse:
    story = story_for_editing(request, slug)
    visibility = request.POST.get("visibility", "")
    if visibility not in Story.Visibility.values:
        raise Http404("No such choice.")
    services.set_visibility(story, visibility)
    if story.is_public():
        messages.success(request, f"“{story.title}” is now public: anyone with its address can read it.")
    else:
        messages.success(request, f"“{story.title}” is now private: only you can open it (and share links).")
    return redirect(_story_sharing_url(story))


@require_POST
@login_required
def share_link_create(request: HttpRequest, slug: str) -> HttpResponse:
    story = story_for_editing(request, slug)
    services.create_share_link(story)
    messages.success(
        request, "A share link was made. Anyone who has it can read the story, without an account, until you revoke it."
    )
    return redirect(_story_sharing_url(story))


@require_POST
@login_required
def share_link_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    story = story_for_editing(request, slug)
    link = get_object_or_404(ShareLink, story=story, pk=pk)
    services.revoke_share_link(link)
    messages.success(request, "The share link was revoked: it no longer opens the story.")
    return redirect(_story_sharing_url(story))


def _story_sharing_url(story: Story) -> str:
    return story.get_absolute_url() + "#sharing"


def _bound(request: HttpRequest, form_class: type[VersionsForm]) -> tuple[VersionsForm | None, str]:
    """The form bound to the request, and a problem if the request holds more than one may send.

    Up to Django's ceilings (twice our size limit, five times our file limit: settings.py) the
    request is read, so the form comes back with what was typed; beyond them it cannot be read
    and only the message is left.
    """
    limit, most_files = settings.VERSUS_MAX_UPLOAD_BYTES, settings.VERSUS_MAX_UPLOAD_FILES
    too_big = (
        f"That was more than {limit / 1_000_000:g} MB in one go. Add fewer or smaller files at a time, "
        "then add the rest with “Add a version”."
    )
    too_many = f"That was more than {most_files} files at once. Add them in smaller groups."
    try:
        form = form_class(request.POST, request.FILES)
    except RequestDataTooBig:
        return None, too_big
    except TooManyFilesSent:
        return None, too_many
    try:
        sent = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        sent = 0
    if sent > limit:
        return form, too_big
    if len(request.FILES.getlist("files")) > most_files:
        return form, too_many
    return form, ""


def _at_field(form: VersionsForm, error: services.IngestError) -> str:
    """Show the problem at the field it came through (the error summary then names that field);
    a problem of the whole story (too many versions) stays a general one, returned here."""
    if error.field in form.fields:
        form.add_error(error.field, str(error))
        return ""
    return str(error)


def _with_problem(
    request: HttpRequest,
    template: str,
    form: VersionsForm,
    problem: str,
    throttled: Throttled | None = None,
    **context,
) -> HttpResponse:
    files_chosen = form.is_bound and bool(
        getattr(form, "cleaned_data", {}).get("files") or request.FILES.getlist("files")
    )
    note = (
        "Nothing was saved; choose your files again (browsers forget them after a problem)."
        if files_chosen
        else "Nothing was saved."
    )
    if problem:
        problem += " " + note
    elif form.errors:
        problem = note
    if throttled is not None:
        response = render(request, template, {"form": form, "problem": problem, **context}, status=429)
        response["Retry-After"] = str(throttled.retry_after)
        return response
    return render(request, template, {"form": form, "problem": problem, **context}, status=400)


def _added_message(story: Story, articles: Iterable[Article]) -> str:
    articles = list(articles)
    with_junk = sum(1 for article in articles if article.junk_spans)
    message = f"Added {plural(len(articles), 'version')} to “{story.title}”."
    if with_junk:
        message += (
            f" Page clutter (share buttons, captions, comment forms…) was found and marked in {with_junk}; "
            "it stays visible but is left out of the comparison."
        )
    return message
