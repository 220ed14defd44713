"""Teacher's notes on passages: the owner adds, edits and deletes them; everyone who can read the story sees them.

Like every view that changes a story, these answer "not found" to anyone but its owner
(``access.story_for_editing``). A note is added from a passage's panel (or its page without
JavaScript) and the reader is taken back to that passage on the story page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from compare.presentation import passage_anchor
from versus.http import AuthenticatedHttpRequest

from . import services
from .access import story_for_editing
from .forms import NoteBodyForm, NoteForm
from .models import Article, PassageNote, Story


def _back_to(story: Story, article_id: int | None, passage: int | None, base: str = "") -> str:
    url = story.get_absolute_url()
    if base.isascii() and base.isdigit():
        url += f"?base={base}"
    if article_id is not None and passage is not None:
        url += "#" + passage_anchor(str(article_id), passage)
    return url


@require_POST
@login_required
def note_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    story = story_for_editing(request, slug)
    form = NoteForm(request.POST)
    # ``passage``: where the passage the note was added from starts (its address).
    article_id, passage = _digits(request.POST.get("article")), _digits(request.POST.get("passage"))
    article = get_object_or_404(Article.objects.defer("raw"), story=story, pk=article_id or 0)
    if form.is_valid():
        try:
            start, end = form.anchored(article.text)
            services.add_note(article, start, end, form.cleaned_data["body"], author=request.user)
        except ValidationError as error:  # the quoted words are not in the passage
            form.add_error("quote", error.messages)
        except services.IngestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Your note on “{article.label()}” was added. Readers of the story see it.")
            return redirect(_back_to(story, article.pk, passage, form.cleaned_data.get("base", "")))
    if passage is None:
        messages.error(request, "The note was not added: " + " ".join(str(m) for e in form.errors.values() for m in e))
        return redirect(story.get_absolute_url())
    # The passage again, with the note as typed and what is wrong with it.
    from compare.views import Reading, passage_with_note_form

    return passage_with_note_form(request, story, Reading.by_slug(story), article.pk, passage, form)


def _digits(value: str | None) -> int | None:
    # Only ASCII digits: str.isdigit() also says yes to "²", which int() refuses.
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


@require_http_methods(["GET", "POST"])
@login_required
def note_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The note's words: changed from the form under the note on the story page (or this page's own)."""
    story = story_for_editing(request, slug)
    note = get_object_or_404(
        PassageNote.objects.select_related("article").defer("article__raw"), article__story=story, pk=pk
    )
    form = NoteBodyForm(request.POST if request.method == "POST" else None, initial={"body": note.body})
    back = _back_to(story, None, None, request.GET.get("base", "")) + "#teacher-notes"  # the base the page showed
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_note(note, form.cleaned_data["body"])
        except services.IngestError as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, "The note was changed.")
            return redirect(back)
    context = {"story": story, "note": note, "form": form, "back": back}
    return render(request, "articles/note_edit.html", context, status=400 if form.is_bound else 200)


@require_POST
@login_required
def note_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    story = story_for_editing(request, slug)
    note = get_object_or_404(PassageNote.objects.select_related("article"), article__story=story, pk=pk)
    services.delete_note(note)
    messages.success(request, "The note was deleted.")
    return redirect(_back_to(story, None, None, request.POST.get("base", "")) + "#teacher-notes")
