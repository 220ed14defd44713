"""``python manage.py export_story``: the story page's exports from the shell."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from export_texts import AGENCY, FORMULA, REPRINT

from articles.services import ArticleInput, create_story
from compare import exports
from compare.models import StoredAlignment
from tests.conftest import REPO

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("export_story", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_is_the_default_and_compares_every_two_versions(story):
    data = json.loads(run(story.slug))
    assert data["story"]["slug"] == story.slug
    linked = {frozenset((p["a_doc"], p["b_doc"])) for p in data["pairs"]}
    assert len(linked) == 3
    texts = {d["id"]: d["text"] for d in data["documents"]}
    for pair in data["pairs"]:
        assert texts[pair["a_doc"]][pair["a"][0] : pair["a"][1]].strip()


def test_base_limits_the_export_to_that_version_against_the_others(story):
    wire = story.versions.get(outlet="Coast Wire").pk
    data = json.loads(run(story.slug, "--base", str(wire)))
    assert {p["a_doc"] for p in data["pairs"]} == {wire}
    assert data["base"] == wire


def test_csv_to_a_file_has_the_byte_order_mark_and_the_formula_guard(story, tmp_path: Path):
    target = tmp_path / "pairs.csv"
    run(story.slug, "--format", "csv", "-o", str(target))
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(exports.CSV_COLUMNS)
    assert len(rows) > 5
    assert any(cell.startswith("'" + FORMULA[:10]) for row in rows for cell in row)


def test_html_to_a_file_is_the_report(story, tmp_path: Path):
    target = tmp_path / "report.html"
    run(story.slug, "--format", "html", "-o", str(target))
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert "Marlow Bay library reopens" in html and "<script" not in html


def test_the_command_computes_an_alignment_that_is_not_stored_yet(story):
    assert not StoredAlignment.objects.filter(story=story).exists()
    run(story.slug, "--format", "csv")
    assert StoredAlignment.objects.get(story=story).status == StoredAlignment.Status.DONE


def test_an_unknown_story_is_a_clear_error():
    with pytest.raises(CommandError, match="No story with the short name"):
        run("no-such-story")


def test_an_unknown_base_names_the_story_s_versions(story):
    with pytest.raises(CommandError, match="Radio Marlow"):
        run(story.slug, "--base", "424242")


def test_a_story_with_one_version_has_nothing_to_export():
    lonely = create_story("Only one version", [ArticleInput(text="One sentence here. And a second one.")])
    with pytest.raises(CommandError, match="at least two"):
        run(lonely.slug)


def test_an_unwritable_output_is_a_clear_error(story, tmp_path: Path):
    with pytest.raises(CommandError, match="Cannot write"):
        run(story.slug, "-o", str(tmp_path / "missing-folder" / "out.json"))


def test_a_format_outside_the_three_is_refused(story):
    with pytest.raises(CommandError):
        run(story.slug, "--format", "xml")


def test_from_a_real_shell_the_csv_bytes_reach_stdout_unchanged(tmp_path: Path):
    # A real process, so stdout is a real file: the bytes (byte order mark included) pass untouched.
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'shell.sqlite3'}", "DEBUG": "1"}
    python = str(REPO / ".venv" / "bin" / "python")

    def manage(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([python, "manage.py", *args], cwd=REPO, env=env, capture_output=True, timeout=300)

    assert manage("migrate", "-v", "0").returncode == 0
    made = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from articles.services import ArticleInput as A, create_story as c; "
        f"print(c('Marlow Bay', [A(text={AGENCY!r}, outlet='Coast Wire'), A(text={REPRINT!r})]).slug)",
    )
    slug = made.stdout.decode().strip().splitlines()[-1]
    result = manage("export_story", slug, "--format", "csv")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(result.stdout.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(exports.CSV_COLUMNS) and len(rows) > 1
