"""manage.py import_story: files and folders in, one story out, all or nothing."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Story
from tests.conftest import REPO

pytestmark = pytest.mark.django_db

GAZETTE = (
    "The old swing bridge over the harbour mouth stayed open on Tuesday after a motor failed.\n\n"
    "Commuters queued for the foot ferry. Photo: Lena Ortiz/Harbour Gazette\n\n"
    "Leave a Reply\n\nYour email address will not be published."
)
RADIO = """<html><head><title>Bridge stuck | Coast Radio</title>
<meta property="og:site_name" content="Coast Radio"></head><body><article><h1>Bridge stuck again</h1>
<p>Engineers at the harbour said on Wednesday that the spare motor for the swing bridge would arrive by Thursday.</p>
<p>Until then the foot ferry will carry commuters across the harbour mouth every ten minutes, the council said.</p>
</article></body></html>"""
BLOG = "# The bridge, again\n\nI waited **forty minutes** for the ferry this morning; the bridge was still open."


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_story", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "harbour-gazette.txt").write_text(GAZETTE, encoding="utf-8")
    (tmp_path / "coast_radio.html").write_text(RADIO, encoding="utf-8")
    (tmp_path / "ferry-blog.md").write_text(BLOG, encoding="utf-8")
    (tmp_path / "README.md").write_text("These are three versions of the bridge story.", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    return tmp_path


def test_it_imports_a_folder_as_one_story_skipping_readme_hidden_and_other_files(folder):
    output = run(str(folder), "--title", "Harbour bridge")
    story = Story.objects.get()
    assert story.title == "Harbour bridge"
    assert [a.filename for a in story.versions.all()] == ["coast_radio.html", "ferry-blog.md", "harbour-gazette.txt"]
    assert {a.source for a in story.versions.all()} == {Article.Source.COMMAND}
    assert "skipped" in output and "README.md (a README describes the folder)" in output
    assert "photo.jpg (not a .txt, .md, .html, .pdf or .docx file)" in output
    assert ".DS_Store" not in output
    assert "Created “Harbour bridge”: 3 versions imported" in output


def test_it_reports_the_junk_it_marked(folder):
    output = run(str(folder), "--title", "Harbour bridge")
    gazette = Article.objects.get(filename="harbour-gazette.txt")
    assert {reason for _, _, reason in gazette.junk_spans} == {"photo caption", "photo credit", "comment form"}
    assert "comment form ×1" in output
    assert "photo credit ×1" in output


def test_it_reduces_html_and_markdown(folder):
    run(str(folder), "--title", "Harbour bridge")
    radio = Article.objects.get(filename="coast_radio.html")
    assert radio.outlet == "Coast Radio"
    assert radio.text.startswith("Bridge stuck again")
    assert Article.objects.get(filename="ferry-blog.md").text.startswith("The bridge, again\n\nI waited forty minutes")


def test_it_can_name_outlets_after_the_files(folder):
    run(
        str(folder / "harbour-gazette.txt"),
        str(folder / "coast_radio.html"),
        "--title",
        "Bridge",
        "--outlet-from-filename",
    )
    assert sorted(Article.objects.values_list("outlet", flat=True)) == ["coast radio", "harbour gazette"]


def test_a_bad_file_leaves_nothing_half_written(folder):
    (folder / "scan.html").write_bytes(b"%PDF-1.4 \x00\x01\x02")
    with pytest.raises(CommandError, match="scan.html: this PDF is damaged.*Nothing was imported"):
        run(str(folder), "--title", "Harbour bridge")
    assert not Story.objects.exists()
    assert not Article.objects.exists()


def test_the_same_text_twice_is_refused_and_nothing_is_kept(folder):
    (folder / "copy.txt").write_text(GAZETTE.replace("\n\n", "\r\n\r\n"), encoding="utf-8")
    with pytest.raises(CommandError, match="same text"):
        run(str(folder), "--title", "Harbour bridge")
    assert not Story.objects.exists()


def test_it_adds_to_an_existing_story(folder):
    run(str(folder / "harbour-gazette.txt"), "--title", "Harbour bridge")
    output = run(str(folder / "coast_radio.html"), "--story", "harbour-bridge")
    assert Story.objects.get().versions.count() == 2
    assert "Added “Harbour bridge”: 1 version imported, 2 in the story" in output


def test_a_dry_run_shows_the_junk_and_saves_nothing(folder):
    output = run(str(folder), "--title", "Harbour bridge", "--dry-run")
    assert "comment form ×1" in output
    assert "Dry run: nothing was saved. This would create “Harbour bridge” with 3 versions." in output
    assert not Story.objects.exists()
    assert not Article.objects.exists()


def test_a_dry_run_still_reports_problems(folder):
    (folder / "copy.txt").write_text(GAZETTE, encoding="utf-8")
    with pytest.raises(CommandError, match="same text"):
        run(str(folder), "--title", "Harbour bridge", "--dry-run")


def test_it_needs_a_title_or_a_story(folder):
    with pytest.raises(CommandError, match="--title"):
        run(str(folder))


def test_it_refuses_a_file_type_it_cannot_read(folder):
    with pytest.raises(CommandError, match="only .txt, .text, .md"):
        run(str(folder / "photo.jpg"), "--title", "Photo")


def test_an_error_ends_the_command_with_a_non_zero_exit_code(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "import_story", str(tmp_path / "missing"), "--title", "Nothing"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "no such file or folder" in result.stderr


def test_the_seeds_become_one_story_with_five_versions_and_their_junk_marked(seeds_dir):
    output = run(str(seeds_dir), "--title", "Russia asked China for aid")
    story = Story.objects.get()
    versions = list(story.versions.all())
    assert len(versions) == 5
    assert "README.md" in output and "skipped" in output
    for article in versions:
        original = (seeds_dir / article.filename).read_text(encoding="utf-8")
        assert article.text == original.strip()  # everything else intact: nothing deleted
        assert article.junk_spans, article.filename
        for start, end, _ in article.junk_spans:
            assert 0 <= start < end <= len(article.text)
    by_name = {a.filename[:3]: a for a in versions}

    def junk_of(key: str) -> str:
        article = by_name[key]
        return " ".join(article.text[s:e] for s, e, _ in article.junk_spans)

    assert "Leave a Reply" in junk_of("002")
    assert "Send this to a friend" in junk_of("003")
    assert "Remote video URL" in junk_of("004")
    assert "Russia asked China" not in junk_of("004")


def test_without_an_owner_the_story_is_public_and_the_command_says_so(folder):
    output = run(str(folder / "harbour-gazette.txt"), "--title", "Harbour bridge")
    story = Story.objects.get()
    assert story.owner is None and story.visibility == Story.Visibility.PUBLIC
    assert "It is public and owned by nobody" in output


def test_with_an_owner_the_story_is_private_to_them(folder, django_user_model):
    teacher = django_user_model.objects.create_user("teacher")
    output = run(str(folder / "harbour-gazette.txt"), "--title", "Harbour bridge", "--owner", "teacher")
    story = Story.objects.get()
    assert story.owner == teacher and story.visibility == Story.Visibility.PRIVATE
    assert "It is private to teacher." in output


def test_an_unknown_owner_is_refused_before_anything_is_read(folder):
    with pytest.raises(CommandError, match="There is no user “nobody”"):
        run(str(folder), "--title", "Harbour bridge", "--owner", "nobody")
    assert not Story.objects.exists()


def test_an_owner_is_not_given_to_an_existing_story(folder, django_user_model):
    django_user_model.objects.create_user("teacher")
    run(str(folder / "harbour-gazette.txt"), "--title", "Harbour bridge")
    with pytest.raises(CommandError, match="--owner is for a new story"):
        run(str(folder / "coast_radio.html"), "--story", "harbour-bridge", "--owner", "teacher")
    assert Story.objects.get().owner is None


def test_imported_versions_leave_with_their_sentence_vectors(folder):
    output = run(str(folder), "--title", "Harbour bridge")
    assert "Sentence vectors computed and stored for 3 versions." in output
    assert all(article.has_current_vectors() for article in Story.objects.get().versions.all())


def test_the_report_gives_each_version_its_number_once(folder):
    (folder / "coast_radio.html").unlink()
    (folder / "ferry-blog.md").unlink()
    notes = "Ferry fares to rise\n\nThe island ferry will cost a euro more."
    (folder / "notes.txt").write_text(notes, encoding="utf-8")
    output = run(str(folder), "--title", "Harbour bridge")
    assert "  Version 2 (Ferry fares to rise): " in output
    assert "2. Version 2" not in output
    assert "  1. Version 1" not in output and "  Version 1 (" in output
