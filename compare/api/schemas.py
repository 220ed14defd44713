"""What the API answers and accepts, as ninja schemas: they make its OpenAPI schema."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from compare.engine import DERIVED_SHARE, KINDS, SHARE_KINDS, SIMILARITY_WEIGHTS, Kind


class ErrorOut(Schema):
    error: str


class StoryOut(Schema):
    slug: str
    title: str
    notes: str
    visibility: Literal["private", "public"]
    yours: bool = Field(description="True if the caller owns the story.")
    version_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str = Field(description="The story's page.")


class StoryList(Schema):
    count: int = Field(description="Stories the caller may see in all.")
    limit: int
    offset: int
    stories: list[StoryOut]


class VersionOut(Schema):
    id: int
    position: int
    label: str = Field(
        description="How Versus names the version (the story page, exports, the likely source's evidence): "
        "its outlet, else 'Version N' with a few words of its headline."
    )
    outlet: str
    headline: str
    byline: str
    source_url: str
    published_on: dt.date | None
    language: str
    source: str
    characters: int
    junk: list[tuple[int, int, str]] = Field(description="Page clutter in the text: [start, end, reason].")
    text: str


class VersionDetail(VersionOut):
    story: str = Field(description="The slug of the story the version belongs to.")


class StoryDetail(StoryOut):
    versions: list[VersionOut]


class ChangeOut(Schema):
    op: Literal["insert", "delete", "replace"]
    a: tuple[int, int]
    b: tuple[int, int]
    flags: list[str]
    trivial: bool


class MoveOut(Schema):
    """Words both passages hold, in another place in each: a change of order, not of wording."""

    a: tuple[int, int]
    b: tuple[int, int]


class PairOut(Schema):
    a_doc: int
    b_doc: int
    a: tuple[int, int]
    b: tuple[int, int]
    kind: Kind
    score: float
    a_sentences: list[int]
    b_sentences: list[int]
    changes: list[ChangeOut]
    moves: list[MoveOut]


class UniqueOut(Schema):
    doc: int
    other_doc: int
    span: tuple[int, int]


class AlignedDocument(Schema):
    id: int
    label: str  # the version's name, as in the JSON export and the API's versions
    outlet: str
    headline: str
    byline: str
    url: str
    published_on: str | None
    language: str
    characters: int
    junk: list[tuple[int, int, str]]
    text: str


class ExportedStory(Schema):
    title: str
    slug: str
    notes: str
    exported_at: str
    engine_version: str


class SourceFactOut(Schema):
    """One other version against the likely source: the figures the evidence states in words."""

    document: int = Field(description="The other version's id.")
    shares: dict[str, float] = Field(
        description=f"That version's text by the kind of counterpart it has in the source ({', '.join(SHARE_KINDS)}; "
        "fractions of its characters adding up to 1, as in `shares`)."
    )
    source_shares: dict[str, float] = Field(description="The source's text by the kind of counterpart it has in it.")
    derived: bool = Field(
        description="Counted as derived from the source (or the source from it): its verbatim and edited text "
        f"plus half its paraphrased text make up at least {round(100 * DERIVED_SHARE)}% of one of the two texts."
    )
    altered: dict[str, int] = Field(
        description="Of its passages copied from the source (verbatim or edited), how many put another figure "
        "(`number`), another name (`name`) or other quoted words (`quote`) in place of the source's; "
        "a kind none of them changes is left out."
    )


class SourceGuess(Schema):
    document: int | None = Field(description="The likely source's id; null when no version stands out.")
    confidence: float = Field(description="The engine's confidence in the pick, 0 to 1.")
    evidence: list[str] = Field(
        description="Why, in words, versions named by `label` (outlet, else 'Version N' and headline words). "
        "Every figure is a share of one version's text found in another (copied: verbatim or edited; "
        "paraphrased), the figures the story page states; `facts` has them by id."
    )
    facts: list[SourceFactOut] = Field(
        default_factory=list, description="Each other version against the source, by id (empty without a source)."
    )


class TeacherNote(Schema):
    """A note the story's owner put on a passage: ``span`` is [start, end) in document ``doc``'s text."""

    doc: int
    span: tuple[int, int]
    note: str


class AlignmentOut(Schema):
    """The story's comparison: the same JSON as the story page's “Download JSON” (compare/exports.py)."""

    export_format: int
    story: ExportedStory
    documents: list[AlignedDocument]
    base: int | None
    pairs_of: Literal["all", "base"]
    pairs: list[PairOut]
    unique: list[UniqueOut]
    shares: dict[str, dict[str, float]] = Field(
        description="Each other version's text against `base`, by the kind of counterpart it has there: fractions "
        "of its characters adding up to 1. Copied = verbatim + edited; found = copied + paraphrase."
    )
    similarity: list[tuple[int, int, float]] = Field(
        description="[a, b, value] for every two versions: how alike they are overall, 0 to 1, not a share of one "
        f"text: of both texts together (by characters), a verbatim passage counts {SIMILARITY_WEIGHTS['verbatim']:g}, "
        f"an edited one {SIMILARITY_WEIGHTS['edited']:g}, a paraphrased one {SIMILARITY_WEIGHTS['paraphrase']:g}, "
        "a passage with no counterpart 0. With how much of the others' text a version holds, it picks the likely "
        "source."
    )
    groups: list[list[tuple[int, int]]]
    source: SourceGuess
    mode: Literal["semantic", "lexical"] = Field(description="semantic: sentence embeddings blended in; lexical: words")
    teacher_notes: list[TeacherNote]


class AlignmentPending(Schema):
    status: Literal["computing"]
    message: str
    progress_done: int
    progress_total: int
    retry_after: int = Field(description="Seconds to wait before asking again (also in the Retry-After header).")


class TraceIn(Schema):
    text: str = Field(description="The text to trace, as plain text.")
    limit: int = Field(10, ge=1, le=50, description="Sources to return at most.")


class TracedPassage(Schema):
    kind: Kind
    score: float
    text_span: tuple[int, int] = Field(description="[start, end) in the traced text (as returned in `text`).")
    source_span: tuple[int, int] = Field(description="[start, end) in the source version's text.")


class TracedSourceOut(Schema):
    rank: int
    version: int = Field(description="The source version's id (GET /api/versions/{id}).")
    story: str
    story_title: str
    outlet: str
    headline: str
    published_on: dt.date | None
    source_url: str = Field(description="Where the outlet published the source version, when known (else empty).")
    page: str = Field(description="The story's page in Versus, a path on this site (/stories/SLUG/).")
    share: float = Field(
        description="Fraction of the traced text's characters found in this source, compared by words alone "
        "(a trace does not use the sentence model, so it may be lower than the story's comparison of the same texts)."
    )
    shares: dict[str, float] = Field(description=f"The same by kind: {', '.join(KINDS)}.")
    passages: list[TracedPassage]


class TraceOut(Schema):
    text: str = Field(description="The text as traced (line endings unified, ends trimmed); spans point into it.")
    traced_share: float
    new_share: float
    new_spans: list[tuple[int, int]] = Field(description="[start, end) of each sentence found in no source.")
    sources: list[TracedSourceOut]


class TraceJobOut(Schema):
    token: str = Field(description="The job's own address part: GET /api/trace/jobs/{token}.")
    status: Literal["queued", "running", "done", "failed"]
    url: str = Field(description="Where to ask for the job again (this API).")
    page: str = Field(description="The job's page in the web app (for the same account, logged in).")
    created_at: dt.datetime
    result: TraceOut | None = Field(description="When done: what POST /api/trace answers.")
    problem: str = Field(description="When failed: why, in words.")
