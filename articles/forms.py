"""Forms for the ways in: paste versions, upload files, import web addresses."""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms
from django.conf import settings

from versus.budget import Deadline

from .extract import ACCEPTED_SUFFIXES, article_from_file, default_headline
from .fetch import article_from_url
from .models import Article, PassageNote
from .services import ArticleInput, IngestError, VersionDetails, check_article, clean_text


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


# A version's details, as the paste form and the owner's edit form ask for them.
OUTLET_HELP = "Who published this version, e.g. a newspaper, a news agency or a website."


def headline_field() -> forms.CharField:
    return forms.CharField(
        label="Headline", max_length=500, required=False, help_text="The title as this outlet published it."
    )


def outlet_field(help_text: str = OUTLET_HELP) -> forms.CharField:
    return forms.CharField(label="Outlet", max_length=200, required=False, help_text=help_text)


def published_on_field() -> forms.DateField:
    return forms.DateField(
        label="Date published",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave empty if you do not know it.",
    )


def source_url_field(help_text: str) -> forms.URLField:
    return forms.URLField(
        label="Web address", max_length=2000, required=False, assume_scheme="https", help_text=help_text
    )


PASTED_URL_HELP = "Where the article can be read. This is only noted down; nothing is fetched from it."


def paste_name(field: str, box: int) -> str:
    return field if box == 1 else f"{field}_{box}"


def _text_field() -> forms.CharField:
    return forms.CharField(
        label="Article text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Paste the whole article. Share buttons, captions and comment forms can stay in: Versus marks "
        "them and leaves them out of the comparison.",
    )


def _paste_box_fields() -> dict[str, forms.Field]:
    """The fields of one paste box, the same for every box: fresh ones each call, as each box needs its own."""
    return {
        "headline": headline_field(),
        "outlet": outlet_field(),
        "published_on": published_on_field(),
        "source_url": source_url_field(PASTED_URL_HELP),
        "text": _text_field(),
    }


# The names of one paste box's fields, in order. The first box's fields have these names; the others' end in
# the box's number ("text_2"), so a form from before there were several boxes (and the API of the tests) still fits.
PASTE_FIELDS = tuple(_paste_box_fields())


class PasteBox:
    """One paste box as the template shows it: its number and its bound fields, in order."""

    def __init__(self, form: VersionsForm, number: int):
        self.number = number
        self.fields = [form[paste_name(name, number)] for name in PASTE_FIELDS]


class VersionsForm(forms.Form):
    """The three ways to bring in versions; any mix of them, at least one version in all.

    Pasting offers ``default_boxes`` boxes, one version each; "More paste boxes" (a submit
    button, so it works without JavaScript) gives the form back with more, up to the story's
    limit of versions. Empty boxes are left out.
    """

    default_boxes = 1
    more_boxes_step = 3

    # No paste box's fields here: __init__ adds them, as many boxes as asked for, before ``boxes``.

    # How many paste boxes the page shows: sent back with the form, so a box added stays.
    boxes = forms.IntegerField(widget=forms.HiddenInput, required=False)
    files = MultipleFileField(  # type: ignore[assignment]  # a declared field: Django moves it off the class
        label="Files",
        required=False,
        help_text="Choose one or more .txt, .md, .html, .pdf or .docx (Word) files; hold Ctrl or ⌘ to pick several. "
        "Each file is one version. Web pages saved from a browser are reduced to the article's text; PDFs need "
        "selectable text (not a scan).",
    )
    urls = forms.CharField(
        label="Web addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "https://…"}),
        help_text="One address per line, each starting with http:// or https://. Versus fetches each page (or "
        "PDF or Word document) and keeps the article's text, headline, outlet and date.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.box_count = self._box_count(self.data.get("boxes") if self.is_bound else self.initial.get("boxes"))
        self.initial.setdefault("boxes", self.box_count)
        # The boxes' fields go after the story's and before the files and web addresses, as the page
        # shows them, so errors are listed in the page's order.
        fields = list(self.fields.items())
        before_files = [name for name, _ in fields].index("boxes")
        pasted: list[tuple[str, forms.Field]] = []
        for box in range(1, self.box_count + 1):
            for name, field in _paste_box_fields().items():
                if self.box_count > 1:
                    # The error summary says which box a field is in (see story_new.html, "problems").
                    field.box = box  # type: ignore[attr-defined]
                pasted.append((paste_name(name, box), field))
        self.fields = dict(fields[:before_files] + pasted + fields[before_files:])

    @classmethod
    def _box_count(cls, asked: object) -> int:
        try:
            count = int(str(asked))
        except ValueError:
            count = cls.default_boxes
        return max(cls.default_boxes, min(count, settings.VERSUS_MAX_VERSIONS_PER_STORY))

    @classmethod
    def with_more_boxes(cls, data) -> VersionsForm:
        """The form as it was sent, not yet checked, with more paste boxes ("More paste boxes")."""
        initial = {name: data.get(name) for name in data if name not in ("csrfmiddlewaretoken", "more_boxes")}
        initial["boxes"] = cls._box_count(data.get("boxes")) + cls.more_boxes_step
        return cls(initial=initial)

    def paste_boxes(self) -> list[PasteBox]:
        return [PasteBox(self, box) for box in range(1, self.box_count + 1)]

    def can_add_boxes(self) -> bool:
        return self.box_count < settings.VERSUS_MAX_VERSIONS_PER_STORY

    def clean_urls(self) -> list[str]:
        urls = [line.strip() for line in self.cleaned_data["urls"].splitlines() if line.strip()]
        limit = settings.VERSUS_MAX_VERSIONS_PER_STORY
        if len(urls) > limit:
            raise forms.ValidationError(f"A story can hold at most {limit} versions; you gave {len(urls)} addresses.")
        wrong = [url for url in urls if not url.lower().startswith(("http://", "https://"))]
        if wrong:
            raise forms.ValidationError(
                f"“{wrong[0]}” does not start with http:// or https://. Copy the address from your browser's "
                "address bar."
            )
        return urls

    def clean(self):
        data = super().clean() or {}
        for box in range(1, self.box_count + 1):
            self._check_box(data, box)
        if not self.errors and not self.pasted_versions() and not data.get("files") and not data.get("urls"):
            raise forms.ValidationError("Nothing to add yet: paste an article, choose files, or give web addresses.")
        return data

    def _check_box(self, data: dict, box: int) -> None:
        """Each box's own problem at its text, found now, so that every box with one says so at once."""
        text_name = paste_name("text", box)
        text = data.get(text_name) or ""
        described = [name for name in PASTE_FIELDS[:-1] if data.get(paste_name(name, box))]
        if not text.strip():
            if described:
                self.add_error(
                    text_name, "You filled in details of a version but its text is empty. Paste the article."
                )
            return
        try:
            check_article(self._pasted(data, box))
        except IngestError as error:
            self.add_error(text_name, str(error))

    def _pasted(self, data: dict, box: int) -> ArticleInput:
        def value(name: str):
            return data.get(paste_name(name, box))

        several = sum(1 for n in range(1, self.box_count + 1) if (data.get(paste_name("text", n)) or "").strip()) > 1
        return ArticleInput(
            text=value("text"),
            headline=(value("headline") or "").strip(),
            # With no headline typed, the text's first line, as for an uploaded file; the text keeps it too.
            headline_from_text=default_headline(clean_text(value("text") or "")),
            outlet=(value("outlet") or "").strip(),
            published_on=value("published_on"),
            source_url=value("source_url") or "",
            source=Article.Source.PASTE,
            form_field=paste_name("text", box),
            # With several pasted, "the pasted text" would not say which.
            label=f"Pasted version {box}" if several else "",
        )

    def pasted_versions(self) -> list[ArticleInput]:
        """The versions pasted into the boxes, in the boxes' order; empty boxes left out."""
        data = self.cleaned_data
        return [
            self._pasted(data, box)
            for box in range(1, self.box_count + 1)
            if (data.get(paste_name("text", box)) or "").strip()
        ]


class StoryForm(VersionsForm):
    title = forms.CharField(
        label="Title of the story",
        max_length=300,
        help_text="A name for the news event, in your words, e.g. “Harbour bridge stuck open”. "
        "Each version keeps its own headline.",
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: why you are comparing these, for your class or your future self.",
    )

    field_order = ["title", "notes"]
    # A story needs at least two versions: a teacher pasting them should not have to come back for each.
    default_boxes = 3


def versions_from(form: VersionsForm, reserve_fetches: Callable[[int], None] | None = None) -> list[ArticleInput]:
    """The versions a valid form brings in: pasted, then files, then web pages (fetched now).

    ``reserve_fetches(n)`` is called just before ``n`` pages are fetched; it raises IngestError
    when the user may not fetch that many now (see ratelimit.py).
    Raises IngestError naming the file or address at fault.
    """
    items = form.pasted_versions()
    for upload in form.cleaned_data.get("files") or []:
        try:
            items.append(article_from_file(upload.name, upload.read()))
        except IngestError as error:
            error.field = "files"
            raise
    urls = form.cleaned_data.get("urls") or []
    if urls and reserve_fetches is not None:
        reserve_fetches(len(urls))
    # One deadline for all the pages: each within its own limit could still add up past the
    # server's timeout.
    deadline = Deadline.after(settings.VERSUS_URL_IMPORT_REQUEST_TIMEOUT)
    for url in urls:
        try:
            items.append(article_from_url(url, deadline))
        except IngestError as error:
            named = IngestError(f"{url}: {error}")
            named.field = "urls"
            raise named from error
    return items


class VersionDetailsForm(forms.Form):
    """What the owner may change about a version without changing its text (see services.update_version_details)."""

    outlet = outlet_field(OUTLET_HELP + " It names the version in the columns, the summary and the library search.")
    headline = headline_field()
    published_on = published_on_field()
    source_url = source_url_field("Where the article can be read. Only noted down; nothing is fetched.")

    @classmethod
    def for_article(cls, article: Article, data=None) -> VersionDetailsForm:
        initial = {
            "outlet": article.outlet,
            "headline": article.headline,
            "published_on": article.published_on,
            "source_url": article.source_url,
        }
        return cls(data, initial=initial)

    def details(self) -> VersionDetails:
        data = self.cleaned_data
        return VersionDetails(
            outlet=data["outlet"],
            headline=data["headline"],
            published_on=data["published_on"],
            source_url=data["source_url"],
        )


class StoryDetailsForm(forms.Form):
    title = forms.CharField(
        label="Title of the story",
        max_length=300,
        help_text="A name for the news event, in your words. The story's address stays the same.",
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why you are comparing these, for your class or your future self. Shown above the comparison.",
    )


class _NoteBodyField(forms.CharField):
    def to_python(self, value: object) -> str | None:
        # Browsers send a line break as CRLF but count it as one character against maxlength:
        # count it once here too, before the length is checked.
        text = super().to_python(value)
        return text.replace("\r\n", "\n") if text else text


def _note_body_field() -> forms.CharField:
    return _NoteBodyField(
        label="Your note",
        max_length=PassageNote.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": PassageNote.MAX_LENGTH}),
        error_messages={"required": "The note is empty. Write what readers should look at."},
        help_text=f"Plain text, at most {PassageNote.MAX_LENGTH} characters. Everyone who can read the story sees "
        "it: on the page, in the panel, on the handout and in the HTML report.",
    )


class NoteBodyForm(forms.Form):
    """A note's words, changed by the story's owner (the words it points at stay)."""

    body = _note_body_field()


class NoteForm(forms.Form):
    """A note on a passage: which words (offsets into the version's text), and what to say about them."""

    article = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    start = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    end = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The passage it was added from, by its address (where it starts): where the reader is taken back to.
    passage = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    # Where "words to point at" are looked for: the whole paragraphs of the passage (set by the panel).
    scope_start = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    scope_end = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    base = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    body = _note_body_field()
    quote = forms.CharField(
        label="Words to point at (optional)",
        max_length=500,
        required=False,
        help_text="Copy a few words of the passage above or its paragraphs to pin the note to them; "
        "leave empty for the whole passage.",
    )

    def anchored(self, text: str) -> tuple[int, int]:
        """The offsets to store: the quoted words within the passage, else the passage itself."""
        start, end = self.cleaned_data["start"], self.cleaned_data["end"]
        quote = " ".join(self.cleaned_data.get("quote", "").split())
        if not quote:
            return start, end
        scope_start, scope_end = self.cleaned_data.get("scope_start"), self.cleaned_data.get("scope_end")
        if scope_start is not None and scope_end is not None and scope_start <= start and end <= scope_end:
            start, end = scope_start, scope_end
        passage = text[start:end]
        at = passage.find(quote)
        if at < 0:
            # Readers copy words across line breaks and double spaces: match them as any whitespace.
            found = re.search(r"\s+".join(re.escape(word) for word in quote.split()), passage)
            if found is None:
                raise forms.ValidationError(
                    {"quote": "These words are not in the passage or its paragraph. Copy them from it."}
                )
            return start + found.start(), start + found.end()
        return start + at, start + at + len(quote)
