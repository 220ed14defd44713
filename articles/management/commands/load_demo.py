"""Load the demo stories: fictional news stories written by the Versus team.

Each story lives in a folder under ``articles/demo/`` with one UTF-8 text file per
version and a ``story.json`` manifest giving the title and each version's metadata.
The versions go through ``create_story`` like any upload, so the same checks apply and
scraped junk is detected by the same rules. Their sentence vectors are computed here too
(``store_sentence_vectors``, as the alignment task does), so a first visit aligns at once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.models import Article, Story
from articles.naming import numbered
from articles.services import (
    ArticleInput,
    IngestError,
    create_story,
    delete_story,
    metadata_of,
    store_sentence_vectors,
    vectors_note,
)

# Loaded in this order. The library lists the newest story first, so the main demo
# story, loaded last, is the one a visitor sees at the top.
DEMO_FOLDERS = ("hollin-vale-library", "harbour-bridge")


@dataclass(frozen=True)
class DemoVersion:
    file: str
    text: str
    outlet: str
    headline: str
    byline: str
    source_url: str
    published_on: dt.date
    language: str
    shows: str
    junk: tuple[str, ...]  # the scraped leftovers this version was written to contain

    def as_input(self) -> ArticleInput:
        return ArticleInput(text=self.text, **metadata_of(self), source=Article.Source.DEMO, filename=self.file)


@dataclass(frozen=True)
class DemoStory:
    folder: str
    title: str
    about: str
    versions: tuple[DemoVersion, ...]

    def notes(self) -> str:
        lines = [self.about, ""]
        lines += [f"{n}. {v.outlet}: {v.shows}" for n, v in enumerate(self.versions, start=1)]
        return "\n".join(lines)


def _read_story(folder: Traversable) -> DemoStory:
    manifest = json.loads(folder.joinpath("story.json").read_text(encoding="utf-8"))
    versions = tuple(
        DemoVersion(
            file=entry["file"],
            text=folder.joinpath(entry["file"]).read_text(encoding="utf-8"),
            outlet=entry["outlet"],
            headline=entry["headline"],
            byline=entry["byline"],
            source_url=entry["source_url"],
            published_on=dt.date.fromisoformat(entry["published_on"]),
            language=entry["language"],
            shows=entry["shows"],
            junk=tuple(entry.get("junk", ())),
        )
        for entry in manifest["versions"]
    )
    return DemoStory(folder=folder.name, title=manifest["title"], about=manifest["about"], versions=versions)


def read_demo_stories() -> list[DemoStory]:
    demo = files("articles").joinpath("demo")
    return [_read_story(demo.joinpath(name)) for name in DEMO_FOLDERS]


def loaded_copies(demo: DemoStory) -> list[Story]:
    """Stories in the library that this command made from ``demo``.

    A story someone else created with the same title is left alone: only stories holding
    demo versions count.
    """
    return list(Story.objects.filter(title=demo.title, versions__source=Article.Source.DEMO).distinct())


class Command(BaseCommand):
    help = (
        "Load the fictional demo stories into the library (skips those already loaded). "
        "They are public and owned by nobody, so visitors see them without an account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo stories (and only those) and load them again from the files.",
        )

    def handle(self, *args: object, reset: bool = False, **options: object) -> None:
        for demo in read_demo_stories():
            existing = loaded_copies(demo)
            if existing and not reset:
                self.stdout.write(
                    f"Already loaded: “{demo.title}” (/stories/{existing[0].slug}/). Use --reset to reload it."
                )
                continue
            for story in existing:
                delete_story(story)
                self.stdout.write(f"Deleted: “{story.title}” (/stories/{story.slug}/)")
            try:
                # Public, owned by nobody: a first visitor sees the demo without an account.
                story = create_story(
                    demo.title,
                    [v.as_input() for v in demo.versions],
                    notes=demo.notes(),
                    visibility=Story.Visibility.PUBLIC,
                )
            except IngestError as error:
                raise CommandError(
                    f"The demo story in articles/demo/{demo.folder} could not be loaded: {error}"
                ) from error
            computed = store_sentence_vectors(list(story.versions.all()))
            self._report(story)
            self.stdout.write(f"  {vectors_note(computed)}")

    def _report(self, story: Story) -> None:
        versions = list(story.versions.all())
        self.stdout.write(
            self.style.SUCCESS(f"Created: “{story.title}” (/stories/{story.slug}/), {len(versions)} versions")
        )
        for article in versions:
            junk = f", {len(article.junk_spans)} junk passages marked" if article.junk_spans else ""
            name, words = numbered(article.label(), article.position), article.word_count()
            self.stdout.write(f"  {name} ({article.published_on}): {words} words{junk}")
