"""python manage.py import_story PATH... --title "..." — files and folders in, one story out."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from articles.extract import ACCEPTED_SUFFIXES, article_from_file
from articles.models import Article, Story
from articles.naming import numbered
from articles.services import (
    ArticleInput,
    IngestError,
    add_articles,
    create_story,
    store_sentence_vectors,
    vectors_note,
)
from versus.text import plural


def is_skipped_in_folder(path: Path) -> bool:
    """Files a folder holds besides the articles: hidden files and READMEs describing the folder."""
    return path.name.startswith(".") or path.name.upper().startswith("README")


def files_to_import(paths: list[str]) -> tuple[list[Path], list[Path]]:
    """(files to import, files skipped) in a stable order. A file named explicitly is never skipped."""
    chosen: list[Path] = []
    skipped: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_file():
            if path.suffix.lower() not in ACCEPTED_SUFFIXES:
                raise CommandError(f"{path}: only {', '.join(ACCEPTED_SUFFIXES)} files can be imported.")
            chosen.append(path)
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if not child.is_file() or any(part.startswith(".") for part in relative):
                    continue
                if is_skipped_in_folder(child) or child.suffix.lower() not in ACCEPTED_SUFFIXES:
                    skipped.append(child)
                else:
                    chosen.append(child)
        else:
            raise CommandError(f"{path}: no such file or folder.")
    if not chosen:
        raise CommandError("No .txt, .md, .html, .pdf or .docx files found in " + ", ".join(paths) + ".")
    return chosen, skipped


def outlet_from_filename(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").strip()


class Command(BaseCommand):
    help = (
        "Import article files (.txt, .md, .html, .pdf, .docx) and folders of them as the versions of one story, "
        "all or nothing. "
        "In folders, hidden files and README files are skipped. With --owner USERNAME the new story belongs to "
        "that user and is private to them; without --owner it belongs to nobody and is public (anyone can read "
        "it, nobody can change it in the browser)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Article files or folders holding them.")
        parser.add_argument("--title", help="Title of the new story (required unless --story is given).")
        parser.add_argument("--story", metavar="SLUG", help="Add the versions to this existing story instead.")
        parser.add_argument("--notes", default="", help="Notes kept with a new story.")
        parser.add_argument(
            "--owner",
            metavar="USERNAME",
            help="The user a new story belongs to; it is then private to them. Without it the story is public.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the files and show what would be imported and marked as junk, without saving anything.",
        )
        parser.add_argument(
            "--outlet-from-filename",
            action="store_true",
            help="Use each file's name (without extension) as the version's outlet, e.g. harbour-gazette.txt.",
        )

    def handle(self, *args, paths: list[str], title: str | None, story: str | None, notes: str, **options) -> None:
        if bool(title) == bool(story):
            raise CommandError("Give either --title for a new story or --story SLUG to add to an existing one.")
        owner = self._owner(options.get("owner"), adding=bool(story))
        files, skipped = files_to_import(paths)
        items = [self._read(path, options["outlet_from_filename"]) for path in files]
        try:
            with transaction.atomic():
                result, articles = self._save(title, story, notes, items, owner)
                if options["dry_run"]:
                    self._report(result, articles, skipped, story, dry_run=True)
                    transaction.set_rollback(True)
                    return
        except IngestError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        # After the import is saved: the vectors are an addition the alignment task would compute anyway.
        computed = store_sentence_vectors(articles)
        self._report(result, articles, skipped, story)
        self.stdout.write(vectors_note(computed))

    def _owner(self, username: str | None, adding: bool):
        if username is None:
            return None
        if adding:
            raise CommandError("--owner is for a new story; versions added with --story keep the story's owner.")
        user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"There is no user “{username}”. Create the account first (e.g. createsuperuser).")
        return user

    def _save(self, title: str | None, story: str | None, notes: str, items: list[ArticleInput], owner=None):
        if story:
            existing = Story.objects.filter(slug=story).first()
            if existing is None:
                raise CommandError(f"There is no story with the slug “{story}”.")
            return existing, add_articles(existing, items)
        result = create_story(title or "", items, notes=notes, owner=owner)
        versions = list(result.versions.all())
        Article.know_story_outlets(versions)  # each named in the report without a query of its own
        return result, versions

    def _report(
        self, result: Story, articles: list[Article], skipped: list[Path], story: str | None, dry_run: bool = False
    ) -> None:
        for path in skipped:
            why = (
                "a README describes the folder"
                if is_skipped_in_folder(path)
                else "not a .txt, .md, .html, .pdf or .docx file"
            )
            self.stdout.write(f"skipped {path} ({why})")
        for article in articles:
            self.stdout.write(self._describe(article))
        count = plural(len(articles), "version")
        if dry_run:
            verb = "add to" if story else "create"
            self.stdout.write(f"Dry run: nothing was saved. This would {verb} “{result.title}” with {count}.")
            return
        verb = "Added" if story else "Created"
        if result.owner is None:
            who = "It is public and owned by nobody (give --owner USERNAME to keep a new story private)."
        elif result.is_public():
            who = f"It belongs to {result.owner.get_username()} and is public."
        else:
            who = f"It is private to {result.owner.get_username()}."
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} “{result.title}”: {count} imported, {result.versions.count()} in the story. "
                f"View it at {result.get_absolute_url()}"
            )
        )
        self.stdout.write(who)

    def _read(self, path: Path, outlet_from_name: bool) -> ArticleInput:
        try:
            item = article_from_file(path.name, path.read_bytes(), source=Article.Source.COMMAND)
        except OSError as error:
            raise CommandError(f"{path}: could not be read ({error.strerror}).") from error
        except IngestError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        if outlet_from_name:
            item.outlet = outlet_from_filename(path)
        return item

    def _describe(self, article: Article) -> str:
        junk = Counter(reason for _, _, reason in article.junk_marks())
        marked = ", ".join(f"{reason} ×{count}" for reason, count in sorted(junk.items())) or "none"
        return (
            f"  {numbered(article.label(), article.position)}: {article.length_in_words()}, "
            f"{article.junk_characters()} characters of junk marked ({marked})"
        )
