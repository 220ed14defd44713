"""The owner edits what a story and its versions are called: a version's outlet, headline, date and
address; a story's title and notes.

Only names change here, never a text: the stored comparison stays valid and every page, export,
API answer and library search shows the new names at once. Like every view about an existing
story, these answer "not found" to anyone but the owner (``access.story_for_editing``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from . import services
from .access import story_for_editing
from .forms import StoryDetailsForm, VersionDetailsForm
from .models import Article


@require_http_methods(["GET", "POST"])
@login_required
def version_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    story = story_for_editing(request, slug)
    article = get_object_or_404(Article.objects.defer("raw"), story=story, pk=pk)
    form = VersionDetailsForm.for_article(article, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        old = article.label()
        services.update_version_details(article, form.details())
        new = article.label()
        said = f"“{old}” is now called “{new}”." if new != old else f"The details of “{new}” were saved."
        messages.success(request, said)
        return redirect(story.get_absolute_url() + f"#version-{article.pk}")
    context = {"story": story, "article": article, "form": form}
    return render(request, "articles/version_edit.html", context, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@login_required
def story_edit(request: HttpRequest, slug: str) -> HttpResponse:
    story = story_for_editing(request, slug)
    initial = {"title": story.title, "notes": story.notes}
    form = StoryDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_story_details(story, form.cleaned_data["title"], form.cleaned_data["notes"])
        except services.IngestError as error:
            form.add_error("title", str(error))
        else:
            messages.success(request, "The story's title and notes were saved.")
            return redirect(story.get_absolute_url())
    context = {"story": story, "form": form}
    return render(request, "articles/story_edit.html", context, status=400 if form.is_bound else 200)
