"""Writes to the article library: small typed functions, each one transaction.

Every way in (paste, upload, URL, command line, demo) ends here, so the checks that
protect the library (size, emptiness, duplicates, version limit) live in one place.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.text import slugify

from compare.engine import Document, embed, find_junk

from .models import Article, PassageNote, ShareLink, Story, content_hash
from .naming import visible_text
from .reading import reading_length

# Half of a UTF-16 surrogate pair on its own is not a character; it becomes U+FFFD, as bad bytes do.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class IngestError(ValueError):
    """A problem with what someone tried to add, worded for the person who added it.

    ``field`` names the form field it came through ("text", "files", "urls"), when known, so
    the form can show the message at that field.
    """

    field: str = ""


# The form field each way in comes through (articles/forms.py).
FIELD_OF_SOURCE = {"paste": "text", "file": "files", "url": "urls"}


@dataclass
class ArticleInput:
    """One version as it arrives, before it is checked and stored."""

    text: str
    raw: str = ""  # exactly as submitted; defaults to the text itself
    outlet: str = ""
    headline: str = ""
    # The headline stored when ``headline`` is empty: a pasted text's first line, by the rule an uploaded
    # file's gets (extract.default_headline), so a version pasted without one is not left unnamed. Kept
    # apart from ``headline`` because messages name a pasted version by its box, as its paster sees it.
    headline_from_text: str = ""
    byline: str = ""
    source_url: str = ""
    published_on: dt.date | None = None
    language: str = ""
    source: str = Article.Source.PASTE
    filename: str = ""
    junk: list[tuple[int, int, str]] | None = field(default=None)  # None: detect it
    form_field: str = ""  # the form field it came through, when not its way in's usual one (a paste box: "text_2")
    label: str = ""  # how messages name it when it has no file, outlet or headline ("Pasted version 2")

    def name(self) -> str:
        """How messages refer to this version: its file, outlet or headline, else how it came.

        The file's full name here (hash and all): it is what the person who chose the file sees.
        """
        fallback: dict[str, str] = {Article.Source.PASTE: "The pasted text", Article.Source.URL: "The web page"}
        return (
            self.filename
            or self.outlet
            or self.headline[:60]
            or self.label
            or fallback.get(self.source, "This version")
        )


# What describes a version besides its text and where it came from: carried over as it is
# when a version is copied or made from another record (a stored article, a demo file).
METADATA = ("outlet", "headline", "byline", "source_url", "published_on", "language")


def metadata_of(record: object) -> dict[str, Any]:
    return {name: getattr(record, name) for name in METADATA}


def clean_text(text: str) -> str:
    """The text to compare: line endings unified, NULs and trailing space at the ends removed.

    Browsers send pasted text with CRLF; files come with either. Offsets are kept into this
    cleaned text, which is what is stored and shown.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return _LONE_SURROGATE.sub("\ufffd", text).strip()


def check_article(item: ArticleInput) -> str:
    """Return the cleaned text or raise IngestError saying what is wrong with it."""
    text = clean_text(item.text)
    if not text:
        fix = "Paste or upload the article's words."
        if item.source == Article.Source.COMMAND:
            fix = "Give a file that holds the article's words."
        raise IngestError(f"{item.name()}: the text is empty. {fix}")
    limit = settings.VERSUS_MAX_ARTICLE_CHARACTERS
    if len(text) > limit:
        raise IngestError(
            f"{item.name()}: the text is {len(text):,} characters long, more than the limit of {limit:,} "
            "characters for one version. Is this really a single article?"
        )
    if reading_length(text).is_too_short():
        raise IngestError(
            f"{item.name()}: the text has fewer than three words (or ten characters of Chinese, Japanese or "
            "Thai); that is not an article."
        )
    return text


# Slugs that would shadow a page under /stories/ (see articles/urls.py).
_RESERVED_SLUGS = frozenset({"new"})


def _slug_base(title: str) -> str:
    """The slug of a title as it reads: one pasted as HTML ("<b>Ferry &amp; port</b> strike") would
    otherwise keep its tags' and entities' letters ("bferry-amp-portb-strike"). The title is kept as typed."""
    return slugify(visible_text(title))[:100] or "story"


def _slugs(title: str) -> Iterator[str]:
    """The slugs a story with this title may take, in order of preference."""
    base = _slug_base(title)
    yield base
    n = 2
    while True:
        yield f"{base}-{n}"
        n += 1


def _create_with_unique_slug(**fields: object) -> Story:
    """Insert the story under the first free slug. The unique constraint decides, not a check
    before the insert: two requests with the same title at once would both find a slug free.
    Each try is a savepoint, so a clash leaves the outer transaction usable."""
    title = str(fields["title"])
    taken = set(Story.objects.filter(slug__startswith=_slug_base(title)).values_list("slug", flat=True))
    for slug in _slugs(title):
        if slug in _RESERVED_SLUGS or slug in taken:
            continue
        try:
            with transaction.atomic():
                return Story.objects.create(slug=slug, **fields)
        except IntegrityError:
            if not Story.objects.filter(slug=slug).exists():
                raise  # some other constraint
            taken.add(slug)
    raise AssertionError("unreachable: _slugs never ends")


def _no_nul(value: str) -> str:
    """Text the database can store: Postgres refuses NUL characters, and no database takes half
    of a UTF-16 pair (a JSON escape like "\\ud800" makes one); a file or feed may carry either."""
    return _LONE_SURROGATE.sub("\ufffd", value.replace("\x00", ""))


def _store(story: Story, item: ArticleInput, position: int) -> Article:
    text = check_article(item)
    junk = item.junk if item.junk is not None else [(s.start, s.end, s.reason) for s in find_junk(text)]
    digest = content_hash(text)
    clash = story.versions.filter(content_hash=digest).first()
    if clash is not None:
        raise IngestError(
            f"{item.name()}: this story already has the same text (as “{clash.label()}”). Each version is stored once."
        )
    return Article.objects.create(
        story=story,
        position=position,
        outlet=_no_nul(item.outlet[:200]),
        headline=_no_nul((item.headline or item.headline_from_text)[:500]),
        byline=_no_nul(item.byline[:300]),
        source_url=_no_nul(item.source_url[:2000]),
        published_on=item.published_on,
        language=_no_nul(item.language[:16]),
        source=item.source,
        filename=_no_nul(item.filename[:255]),
        raw=_no_nul(item.raw or item.text),
        text=text,
        junk_spans=[[start, end, reason] for start, end, reason in junk],
    )


def _check_room(story: Story, adding: int) -> None:
    limit = settings.VERSUS_MAX_VERSIONS_PER_STORY
    have = story.versions.count()
    if have + adding > limit:
        raise IngestError(
            f"A story can hold at most {limit} versions; this one has {have} and you tried to add {adding}."
        )


@transaction.atomic
def create_story(
    title: str,
    items: Sequence[ArticleInput],
    notes: str = "",
    owner: User | None = None,
    visibility: str | None = None,
) -> Story:
    """Create a story with its versions, all or nothing.

    A story someone creates is private to them unless told otherwise. A story without an
    owner (the demo, a command run without --owner) is public: private, nobody could open it.
    """
    title, notes = _no_nul(title).strip(), _no_nul(notes)
    if not title:
        raise IngestError("The story needs a title.")
    if visibility is None:
        visibility = Story.Visibility.PRIVATE if owner is not None else Story.Visibility.PUBLIC
    story = _create_with_unique_slug(title=title[:300], notes=notes, owner=owner, visibility=visibility)
    add_articles(story, items)
    return story


@transaction.atomic
def add_articles(story: Story, items: Sequence[ArticleInput]) -> list[Article]:
    """Add versions to a story, all or nothing: one bad file leaves the story as it was.

    The story's row is locked first, so simultaneous additions are counted one after the other
    against the version limit (and take distinct positions).
    """
    Story.objects.select_for_update().filter(pk=story.pk).values_list("pk", flat=True).first()
    _check_room(story, len(items))
    last = story.versions.order_by("-position").values_list("position", flat=True).first()
    start = 0 if last is None else last + 1
    seen: dict[str, str] = {}
    articles = []
    for offset, item in enumerate(items):
        try:
            digest = content_hash(clean_text(item.text))
            if digest in seen:
                raise IngestError(f"{item.name()} has the same text as {seen[digest]}; each version is stored once.")
            seen[digest] = item.name()
            articles.append(_store(story, item, start + offset))
        except IngestError as error:
            error.field = error.field or item.form_field or FIELD_OF_SOURCE.get(item.source, "")
            raise
    _check_story_size(story, items)
    Story.objects.filter(pk=story.pk).update(updated_at=timezone.now())
    return articles


def _check_story_size(story: Story, items: Sequence[ArticleInput]) -> None:
    """A story's versions together stay under VERSUS_MAX_STORY_CHARACTERS: its page, exports
    and alignment grow with that total, and every request on it must stay within its budget.
    Checked after storing, inside the caller's transaction, so a refusal stores nothing."""
    limit = settings.VERSUS_MAX_STORY_CHARACTERS
    total = story.versions.aggregate(total=Sum(Length("text")))["total"] or 0
    if total > limit:
        error = IngestError(
            f"Together the versions of this story would be {total:,} characters long; a story can hold "
            f"at most {limit:,}. Leave out the longest version, or compare fewer versions at a time."
        )
        error.field = (items[-1].form_field or FIELD_OF_SOURCE.get(items[-1].source, "")) if items else ""
        raise error


def add_article(story: Story, item: ArticleInput) -> Article:
    return add_articles(story, [item])[0]


@transaction.atomic
def delete_story(story: Story) -> None:
    story.delete()


@transaction.atomic
def delete_article(article: Article) -> None:
    """Remove one version; the story's stored comparison is recomputed from what remains."""
    story_id = article.story_id
    article.delete()
    Story.objects.filter(pk=story_id).update(updated_at=timezone.now())


@transaction.atomic
def set_visibility(story: Story, visibility: str) -> None:
    if visibility not in Story.Visibility.values:
        raise ValueError(f"unknown visibility {visibility!r}")
    # update() leaves updated_at alone: sharing a story does not change what it holds.
    Story.objects.filter(pk=story.pk).update(visibility=visibility)
    story.visibility = visibility


@transaction.atomic
def create_share_link(story: Story) -> ShareLink:
    return ShareLink.objects.create(story=story)


@transaction.atomic
def revoke_share_link(link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


@transaction.atomic
def save_vectors(article: Article, vectors: bytes, key: str) -> bool:
    """Store a version's sentence vectors and what they were computed from.

    Written only while the version still has the text they were computed from (it may have
    been edited meanwhile); ``updated_at`` is left alone: the version itself did not change."""
    saved = Article.objects.filter(pk=article.pk, content_hash=article.content_hash).update(
        vectors=vectors, vectors_key=key
    )
    if saved:
        article.vectors, article.vectors_key = vectors, key
    return bool(saved)


# Vectors lately computed in this process, in their stored form, by vectors key: the same text
# stored again (load_demo --reset, a story re-imported, the test suite) is not embedded again.
_RECENT_VECTORS: OrderedDict[str, bytes] = OrderedDict()
_RECENT_MAX = 128  # about 40 KB each for a 1,000-word version
_RECENT_LOCK = threading.Lock()


def _remember(key: str, data: bytes) -> None:
    with _RECENT_LOCK:
        _RECENT_VECTORS[key] = data
        while len(_RECENT_VECTORS) > _RECENT_MAX:
            _RECENT_VECTORS.popitem(last=False)


def store_sentence_vectors(articles: Sequence[Article]) -> int:
    """Compute and store the sentence vectors of the versions whose stored ones are missing or
    stale (text edited, model changed); how many were stored. Nothing without the model: the
    engine then compares the versions lexically.

    Slow (the model reads every sentence), so it runs where the alignment runs, in the
    background task, or in commands; never in a page request of its own. The stale versions
    are embedded together, so a sentence they share (wire copy) is encoded once; a sentence's
    vector does not depend on what it is encoded with."""
    if not embed.available():
        return 0
    stale: list[tuple[Article, Document, str]] = []
    for article in articles:
        document = article.engine_document(with_vectors=False)
        key = embed.vectors_key(document)
        if article.vectors_key != key:
            stale.append((article, document, key))
    with _RECENT_LOCK:
        known = {key: _RECENT_VECTORS[key] for _, _, key in stale if key in _RECENT_VECTORS}
    fresh = embed.with_vectors([document for _, document, key in stale if key not in known])
    computed = {document.id: document.vectors for document in fresh}
    for article, document, key in stale:
        data = known.get(key)
        if data is None:
            data = embed.to_bytes(computed[document.id])
            _remember(key, data)
        save_vectors(article, data, key)
    return len(stale)


def vectors_note(computed: int) -> str:
    """One line for a command's report: what ``store_sentence_vectors`` did."""
    if not embed.available():
        return f"No sentence vectors ({embed.unavailable_reason()}): the versions will be compared lexically."
    return f"Sentence vectors computed and stored for {computed} version{'s' if computed != 1 else ''}."


@dataclass
class VersionDetails:
    """What a reader is told about a version, besides its text: all of it editable by the owner."""

    outlet: str = ""
    headline: str = ""
    published_on: dt.date | None = None
    source_url: str = ""


@transaction.atomic
def update_version_details(article: Article, details: VersionDetails) -> Article:
    """Rename a version, set its outlet, date or address. The text is untouched, so its stored
    alignment (keyed by the texts' hashes, see compare/services.py) stays valid and is not recomputed;
    every page, export and search reads these fields afresh."""
    article.outlet = _no_nul(details.outlet.strip())[:200]
    article.headline = _no_nul(details.headline.strip())[:500]
    article.published_on = details.published_on
    article.source_url = _no_nul(details.source_url.strip())[:2000]
    article.save(update_fields=["outlet", "headline", "published_on", "source_url", "updated_at"])
    Story.objects.filter(pk=article.story_id).update(updated_at=timezone.now())
    return article


@transaction.atomic
def update_story_details(story: Story, title: str, notes: str) -> Story:
    """Retitle a story or change its notes. Its address (slug) stays, so links already shared keep working."""
    title = _no_nul(title).strip()
    if not title:
        raise IngestError("The story needs a title.")
    story.title = title[:300]
    story.notes = _no_nul(notes)
    story.save(update_fields=["title", "notes", "updated_at"])
    return story


# Notes one story may hold: plenty for a lesson, and a bound on what one account can pile up.
MAX_NOTES_PER_STORY = 200


@transaction.atomic
def add_note(article: Article, start: int, end: int, body: str, author: User | None = None) -> PassageNote:
    """A teacher's note on the words ``article.text[start:end]``; IngestError says what is wrong."""
    body = _note_body(body)
    if not 0 <= start < end <= len(article.text):
        raise IngestError("That passage is not in this version's text.")
    if PassageNote.objects.filter(article__story_id=article.story_id).count() >= MAX_NOTES_PER_STORY:
        raise IngestError(f"A story can hold at most {MAX_NOTES_PER_STORY} notes. Delete some first.")
    return PassageNote.objects.create(article=article, start=start, end=end, body=body, author=author)


@transaction.atomic
def edit_note(note: PassageNote, body: str) -> PassageNote:
    """New words for a note, on the same passage; IngestError says what is wrong (the note is unchanged)."""
    note.body = _note_body(body)
    note.save(update_fields=["body"])
    return note


def _note_body(body: str) -> str:
    body = _no_nul(body).replace("\r\n", "\n").strip()
    if not body:
        raise IngestError("The note is empty. Write what readers should look at.")
    if len(body) > PassageNote.MAX_LENGTH:
        raise IngestError(
            f"The note is {len(body):,} characters long; a note holds at most {PassageNote.MAX_LENGTH}. "
            "Keep it to a sentence or two."
        )
    return body


@transaction.atomic
def delete_note(note: PassageNote) -> None:
    note.delete()
