"""The article library: a Story is the set of published versions being compared."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from compare.engine import Document, embed
from versus.jobs import BackgroundJob, new_token

from .naming import same_outlet, short_version_label, version_label
from .reading import reading_length

_WHITESPACE = re.compile(r"\s+")


def content_hash(text: str) -> str:
    """Hash of the text to compare, blind to whitespace layout.

    Two uploads of the same article that differ only in line endings or blank lines
    are the same version; any change of wording is a different one.
    """
    normalised = _WHITESPACE.sub(" ", text).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


class Story(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private: only you"
        PUBLIC = "public", "Public: anyone with the address"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    notes = models.TextField(blank=True)
    # Stories made on the command line or by load_demo may have no owner (see services.create_story).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="stories"
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("compare:story", kwargs={"slug": self.slug})

    def version_count(self) -> int:
        return self.versions.count()

    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    def is_owned_by(self, user) -> bool:
        return self.owner_id is not None and getattr(user, "is_authenticated", False) and user.pk == self.owner_id


def new_share_token() -> str:
    return secrets.token_urlsafe(24)


class ShareLink(models.Model):
    """A read-only address for one story that works without an account until it is revoked."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Share link of {self.story}"

    def get_absolute_url(self) -> str:
        return reverse("compare:shared_story", kwargs={"token": self.token})

    def is_active(self) -> bool:
        return self.revoked_at is None


class UrlImport(models.Model):
    """One web page fetched for a user: rows of the last minute are what the rate limit counts.

    Kept in the database rather than a per-process cache so that every server worker sees them.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="urlimport_user_time")]

    def __str__(self) -> str:
        return f"Web page import by user {self.user_id} at {self.created_at:%H:%M:%S}"


class Article(models.Model):
    """One published version of a story.

    ``raw`` is exactly what was submitted (pasted text, a file's decoded text, a page's
    HTML); ``text`` is the plain text that is compared and shown. Scraped junk inside
    ``text`` is never deleted: it is marked in ``junk_spans`` as ``[start, end, reason]``
    character offsets, so every highlight maps back to the text a reader sees.
    """

    class Source(models.TextChoices):
        PASTE = "paste", "Pasted"
        FILE = "file", "Uploaded file"
        URL = "url", "Imported from a web address"
        COMMAND = "command", "Imported on the command line"
        DEMO = "demo", "Demo"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="versions")
    position = models.PositiveIntegerField(default=0, help_text="Order of the version within its story.")
    outlet = models.CharField(max_length=200, blank=True)
    headline = models.CharField(max_length=500, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=2000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PASTE)
    filename = models.CharField(max_length=255, blank=True)
    raw = models.TextField(help_text="Exactly as submitted.")
    text = models.TextField(help_text="The plain text that is compared.")
    junk_spans = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    # One sentence embedding per segment of ``text`` (see compare/engine/embed.py), float16,
    # computed once by the background task that aligns the story; ``vectors_key`` says what
    # they were computed from (model version and the segments' texts), so stale ones are known.
    vectors = models.BinaryField(null=True, blank=True, editable=False)
    vectors_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["story", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["story", "content_hash"], name="unique_text_per_story"),
        ]

    # The outlets of its story's versions by id, once read (``outlet_repeats``); not a field.
    _story_outlets: dict[int, str]

    def __str__(self) -> str:
        return self.label()

    def save(self, *args, **kwargs) -> None:
        self.content_hash = content_hash(self.text)
        super().save(*args, **kwargs)

    def label(self) -> str:
        """Its name for readers: the outlet (with its place when another version of the story has the
        same outlet), else "Version N" with a few words of its headline (``naming.version_label``).
        Never a file name with its hash ("001_730206c4979a7c63.txt"): that tells a reader nothing."""
        return version_label(
            self.outlet, self.headline, self.filename, self.position, outlet_repeats=self.outlet_repeats()
        )

    def short_label(self) -> str:
        """Its name where there is little room (the matrix): the outlet cut short, else "Version N"."""
        return short_version_label(self.outlet, self.position, outlet_repeats=self.outlet_repeats())

    def outlet_repeats(self) -> bool:
        """Whether another version of its story has the same outlet, so the outlet alone does not name it.

        The story's outlets are read once per article (one query), unless ``know_story_outlets`` was
        given all the story's versions together, as the story page and the exports load them.
        """
        if not self.outlet.strip() or self.story_id is None:
            return False
        outlets: dict[int, str] | None = self.__dict__.get("_story_outlets")
        if outlets is None:
            outlets = dict(Article.objects.filter(story_id=self.story_id).values_list("pk", "outlet"))
            self._story_outlets = outlets
        # The others' outlets as stored and this one's as it is now, so an edit not yet saved counts.
        return any(same_outlet(self.outlet, outlet) for pk, outlet in outlets.items() if pk != self.pk)

    @staticmethod
    def load_story_outlets(articles: Sequence[Article]) -> None:
        """Read the outlets of the stories of ``articles`` (versions of any stories, not all of
        them) in one query, so naming them all asks nothing more (trace's sources, one per row)."""
        by_story: dict[int, dict[int, str]] = {}
        story_ids = {article.story_id for article in articles}
        for story_id, pk, outlet in Article.objects.filter(story_id__in=story_ids).values_list(
            "story_id", "pk", "outlet"
        ):
            by_story.setdefault(story_id, {})[pk] = outlet
        for article in articles:
            article._story_outlets = by_story.get(article.story_id, {})

    @staticmethod
    def know_story_outlets(versions: Sequence[Article]) -> None:
        """Tell every one of ``versions`` (all the versions of their stories) its story's outlets, so naming
        them asks the database nothing more."""
        by_story: dict[int, dict[int, str]] = {}
        for version in versions:
            by_story.setdefault(version.story_id, {})[version.pk] = version.outlet
        for version in versions:
            version._story_outlets = by_story[version.story_id]

    def headline_aside(self) -> str:
        """The headline, for showing beside the name when the name does not already hold it whole."""
        return "" if not self.headline or f"({self.headline})" in self.label() else self.headline

    def word_count(self) -> int:
        return reading_length(self.text).words

    def length_in_words(self) -> str:
        """How long the text is, as a reader counts: "420 words", or characters for Chinese, Japanese, Thai…"""
        return reading_length(self.text).describe()

    def junk_marks(self) -> list[tuple[int, int, str]]:
        """The junk spans as (start, end, reason), whatever JSON made of them."""
        return [(int(start), int(end), str(reason)) for start, end, reason, *_ in self.junk_spans]

    def junk_ranges(self) -> tuple[tuple[int, int], ...]:
        """The junk spans as (start, end) character offsets into ``text``, as the engine takes them."""
        return tuple((start, end) for start, end, _ in self.junk_marks())

    def junk_characters(self) -> int:
        return sum(end - start for start, end in self.junk_ranges())

    def public_dict(self) -> dict[str, Any]:
        """What anyone who may read the story may know of this version (the API's and exports' fields)."""
        return {
            "id": self.pk,
            "position": self.position,
            "label": self.label(),
            "outlet": self.outlet,
            "headline": self.headline,
            "byline": self.byline,
            "source_url": self.source_url,
            "published_on": self.published_on,
            "language": self.language,
            "source": self.source,
            "characters": len(self.text),
            "junk": self.junk_marks(),
            "text": self.text,
        }

    @staticmethod
    def published_dates(articles: Iterable[Article]) -> dict[str, str]:
        """The versions' dates by engine id (``published_iso``), as ``likely_source`` takes them."""
        return {str(article.pk): article.published_iso() for article in articles}

    def published_iso(self) -> str:
        """Its date as the engine takes it (it can decide the likely source): "2026-10-12", or "" unknown."""
        return self.published_on.isoformat() if self.published_on else ""

    def engine_document(self, doc_id: str | None = None, *, with_vectors: bool = True) -> Document:
        """The version as the alignment engine takes it (its id is the primary key unless given),
        with its stored sentence vectors when they were computed from this very text by this
        model version; without them (stale, never computed, or ``with_vectors=False``) the engine
        compares the version lexically."""
        document = Document(
            id=str(self.pk) if doc_id is None else doc_id,
            text=self.text,
            junk=self.junk_ranges(),
        )
        if not with_vectors or not self.vectors_key or self.vectors_key != embed.vectors_key(document):
            return document
        data = bytes(self.vectors or b"")  # Postgres hands back a memoryview
        vectors = embed.from_bytes(data, len(data) // (2 * embed.DIMENSIONS))
        return document if vectors is None else replace(document, vectors=vectors)

    def has_current_vectors(self) -> bool:
        """True when the stored vectors were computed from the current text by the current model."""
        current = embed.vectors_key(self.engine_document(with_vectors=False))
        return bool(self.vectors_key) and self.vectors_key == current


class IndexedArticle(models.Model):
    """An article's entry in the library index: which text and which fingerprint scheme its keys are for.

    The index itself is ``IndexKey`` rows; this row says they are current, so a save that
    leaves the text alone does not recompute them and ``rebuild_index`` can tell stale ones.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="index_entry")
    scheme = models.CharField(max_length=40)
    content_hash = models.CharField(max_length=64)
    sentences = models.PositiveIntegerField(default=0)
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Index entry of article {self.article_id} ({self.scheme})"


class IndexKey(models.Model):
    """One MinHash LSH band key of one sentence of an article (see compare/engine/fingerprint.py).

    Looked up with ``key IN (...)``; the (key, article) index answers that without
    touching the table, and the article index lets a delete cascade quickly.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key", "article"], name="indexkey_key_article")]

    def __str__(self) -> str:
        return f"Key {self.key} of article {self.article_id}"


class ImportedArticle(models.Model):
    """Where an article brought in by ``import_jsonl`` came from: its id in the feed.

    A re-run of the import (after an interruption, or with tomorrow's file that repeats
    some of today's) skips ids it finds here, so nothing is stored twice.
    """

    feed_id = models.CharField(max_length=200, unique=True)
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="import_record")
    # The article's content hash again, indexed: the same text under another id is skipped too.
    content_hash = models.CharField(max_length=64, db_index=True, default="")
    imported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.feed_id


def hash_api_token(token: str) -> str:
    """What is stored of an API token: its SHA-256. The token itself is shown once and never kept."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A key a program uses to read its owner's stories through the API (``Authorization: Bearer <token>``).

    Only a hash of the key is stored, so a leaked database does not leak working keys; the
    key is shown once when it is made. A revoked key stays as a row (with ``revoked_at``) so
    that its owner can see which program lost access and when.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the key is for, e.g. “newsroom script”.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, shown in lists so that its owner can tell keys apart.
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"API token “{self.name}” of user {self.user_id}"

    def is_active(self) -> bool:
        return self.revoked_at is None


# The first migration of ImportJob names its token's default by this name.
new_job_token = new_token


class ImportJob(BackgroundJob):
    """Versions being brought in by the background worker (articles/jobs.py).

    Fetching web pages and reading large uploads take longer than a web request may hold a
    server worker, so the request stores what was sent here and the worker does the rest;
    the page at ``get_absolute_url`` shows the progress. What was typed is kept, so a job
    that fails gives the form back filled in.
    """

    # For "add a version": the story to add to. For a new story: the story made, once done.
    story = models.ForeignKey(Story, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    new_story = models.BooleanField(default=True)
    title = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    pasted = models.JSONField(null=True, blank=True)  # the pasted version's fields, as typed
    urls = models.JSONField(default=list, blank=True)
    added = models.PositiveIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"import {self.token} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("articles:import_job", args=[self.token])

    @transaction.atomic
    def finish(self, status: str, *, problem: str = "", **changes: Any) -> None:
        super().finish(status, problem=problem, **changes)
        self.files.all().delete()  # read or given up: the bytes are not needed any more


class ImportFile(models.Model):
    """One uploaded file of an ImportJob, kept until the job has read it."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    data = models.BinaryField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class ThrottleHit(models.Model):
    """One use of something throttled (articles/throttle.py): a trace, a sign-up, an import."""

    scope = models.CharField(max_length=20)
    key = models.CharField(max_length=80)  # "user:<id>" or "ip:<address>"
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="throttle_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} {self.at:%H:%M:%S}"


class PassageNote(models.Model):
    """A teacher's short note on a passage of one version ("look at how this quote changed").

    Anchored to character offsets into the version's ``text``, which never changes once stored,
    not to a sentence number: sentence numbers come from the engine and may change when it
    improves, so the passage a note belongs to is found afresh each time (compare/anchors.py).
    """

    MAX_LENGTH = 500

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notes")
    start = models.PositiveIntegerField(help_text="First character of the words the note is about.")
    end = models.PositiveIntegerField(help_text="Just after the last character (end exclusive).")
    body = models.TextField(max_length=MAX_LENGTH)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article__position", "article_id", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="note_span_not_empty")
        ]

    def __str__(self) -> str:
        return f"Note on article {self.article_id} [{self.start}:{self.end}]"

    def quote(self) -> str:
        """The words the note points at, as the reader sees them."""
        return self.article.text[self.start : self.end]
