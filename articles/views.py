"""The ways in through the browser: add a story, add versions, delete with confirmation.

Views stay thin: forms read the request, ``versions_from`` turns it into ArticleInputs,
``services`` writes them in one transaction. Any IngestError re-renders the form with the
message and everything typed kept (browsers cannot keep chosen files, so the message
says to choose them again).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from . import services
from .forms import StoryForm, VersionsForm, versions_from
from .models import Article, Story


@require_http_methods(["GET", "POST"])
def story_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "articles/story_new.html", {"form": StoryForm()})
    form, problem = _bound(request, StoryForm)
    if form is not None and form.is_valid():
        try:
            items = versions_from(form)
            story = services.create_story(form.cleaned_data["title"], items, notes=form.cleaned_data["notes"])
        except services.IngestError as error:
            problem = str(error)
        else:
            messages.success(request, _added_message(story, story.versions.all()))
            return redirect(story.get_absolute_url())
    return _with_problem(request, "articles/story_new.html", form or StoryForm(), problem)


@require_http_methods(["GET", "POST"])
def version_add(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug)
    if request.method == "GET":
        return render(request, "articles/version_add.html", {"form": VersionsForm(), "story": story})
    form, problem = _bound(request, VersionsForm)
    if form is not None and form.is_valid():
        try:
            articles = services.add_articles(story, versions_from(form))
        except services.IngestError as error:
            problem = str(error)
        else:
            messages.success(request, _added_message(story, articles))
            return redirect(story.get_absolute_url())
    return _with_problem(request, "articles/version_add.html", form or VersionsForm(), problem, story=story)


@require_http_methods(["GET", "POST"])
def story_delete(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug)
    if request.method == "POST":
        title = story.title
        services.delete_story(story)
        messages.success(request, f"“{title}” and its versions were deleted.")
        return redirect("compare:library")
    return render(request, "articles/story_delete.html", {"story": story, "versions": story.versions.all()})


@require_http_methods(["GET", "POST"])
def version_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug)
    article = get_object_or_404(Article, story=story, pk=pk)
    if request.method == "POST":
        label = article.label()
        services.delete_article(article)
        messages.success(request, f"The version “{label}” was deleted.")
        return redirect(story.get_absolute_url())
    return render(request, "articles/version_delete.html", {"story": story, "article": article})


def _bound(request: HttpRequest, form_class: type[VersionsForm]) -> tuple[VersionsForm | None, str]:
    """The form bound to the request, or None and a message if the request was too big to read."""
    limit = settings.VERSUS_MAX_UPLOAD_BYTES
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
            raise RequestDataTooBig
        return form_class(request.POST, request.FILES), ""
    except RequestDataTooBig:
        return None, (
            f"That was more than {limit / 1_000_000:g} MB in one go. Add fewer or smaller files at a time, "
            "then add the rest with “Add a version”."
        )
    except TooManyFilesSent:
        return None, (
            f"That was more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files at once. Add them in smaller groups."
        )


def _with_problem(request: HttpRequest, template: str, form: VersionsForm, problem: str, **context) -> HttpResponse:
    if problem and form.is_bound and form.cleaned_data.get("files"):
        problem += " Nothing was saved; choose your files again (browsers forget them after a problem)."
    elif problem:
        problem += " Nothing was saved."
    return render(request, template, {"form": form, "problem": problem, **context}, status=400)


def _added_message(story: Story, articles) -> str:
    articles = list(articles)
    with_junk = sum(1 for article in articles if article.junk_spans)
    message = f"Added {len(articles)} version{'s' if len(articles) != 1 else ''} to “{story.title}”."
    if with_junk:
        message += (
            f" Page clutter (share buttons, captions, comment forms…) was found and marked in {with_junk}; "
            "it stays visible but is left out of the comparison."
        )
    return message
