"""``manage.py trace``: where a text comes from, on the command line, as the API answers it."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from documents import make_docx, make_pdf
from library_texts import FERRY, NEW_PASSAGE, OBSERVATORY, ORCHARD, paragraphs
from people import make_user

from accounts.tokens import create_api_token
from articles.extract import article_from_file
from articles.models import Story
from articles.services import ArticleInput, create_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    public = create_story(
        "Orchard",
        [ArticleInput(text=ORCHARD, outlet="Marrowfield Gazette", source_url="https://gazette.example/orchard")],
    )
    private = create_story(
        "Ferry",
        [ArticleInput(text=FERRY, outlet="Bay Herald")],
        owner=make_user("alice"),
        visibility=Story.Visibility.PRIVATE,
    )
    create_story("Observatory", [ArticleInput(text=OBSERVATORY, outlet="Cragmoor Courier")])
    return {"orchard": public.versions.get(), "ferry": private.versions.get()}


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "pasted.txt"
    path.write_text("\n\n".join(paragraphs(ORCHARD)[1:4] + paragraphs(FERRY)[1:2] + [NEW_PASSAGE]), encoding="utf-8")
    return path


def trace(*args: str) -> str:
    out = io.StringIO()
    call_command("trace", *args, stdout=out)
    return out.getvalue()


def test_it_names_the_sources_best_first_with_their_shares(library, text_file):
    printed = trace(str(text_file)).splitlines()
    assert printed[0].startswith(("7", "8", "9")) and "of the text is found in 2 stored versions" in printed[0]
    assert "Marrowfield Gazette" in printed[1] and "/stories/orchard/" in printed[1]
    assert "Bay Herald" in printed[2]  # the command line searches the whole library
    assert "Cragmoor Courier" not in "\n".join(printed)


def test_it_says_what_its_figures_measure_and_each_sources_kinds_add_up_to_its_share(library, text_file):
    printed = trace(str(text_file)).splitlines()
    assert "compared by their words alone" in printed[-1]
    for line in printed[1:-1]:
        share = int(re.match(r"\s*\d+\.\s+(\d+)%", line).group(1))
        by_kind = [int(value) for value in re.findall(r"(?:verbatim|edited|paraphrase) (\d+)%", line.split("):")[-1])]
        assert sum(by_kind) == share


def test_with_a_user_it_searches_only_what_that_account_may_see(library, text_file):
    make_user("bob")
    printed = trace(str(text_file), "--user", "bob")
    assert "Marrowfield Gazette" in printed and "Bay Herald" not in printed
    assert "Bay Herald" in trace(str(text_file), "--user", "alice")


def test_json_is_what_the_api_answers_for_the_same_account(client, library, text_file):
    printed = json.loads(trace(str(text_file), "--json", "--user", "alice", "--limit", "5"))
    token = create_api_token(Story.objects.get(title="Ferry").owner, "script")[1]
    answered = client.post(
        "/api/trace",
        {"text": text_file.read_text(encoding="utf-8"), "limit": 5},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert printed == answered


def test_json_gives_each_source_an_address_to_cite(library, text_file):
    source = json.loads(trace(str(text_file), "--json"))["sources"][0]
    assert source["source_url"] == "https://gazette.example/orchard"  # where the outlet published it
    assert source["page"] == "/stories/orchard/"  # and where Versus shows it


def test_a_text_found_nowhere_says_so(library, tmp_path):
    path = tmp_path / "new.txt"
    path.write_text(NEW_PASSAGE, encoding="utf-8")
    assert "all of it is new to the library" in trace(str(path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "holds no text to trace"),
        (b"  \n", "holds no text to trace"),
        (b"hello\x00\x00\x00world\x00binary", "not text \\(it contains binary data\\)"),
        (b"%PDF-1.4 renamed", "looks like a PDF file, not text"),
        (b"\xff\xfe\x00binary", "says it is UTF-16 text but parts of it are damaged"),
    ],
)
def test_a_file_that_cannot_be_traced_is_refused_with_the_reason(library, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        trace(str(path))


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_a_file_in_a_legacy_encoding_is_traced_as_import_story_reads_it(library, tmp_path, encoding):
    # The stored orchard story with accented letters, saved by an old editor in a Western code page.
    text = ORCHARD.replace("Botanist Ilse Varga", "Botanist Ilse Várga of the Musée du Verger")
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    assert article_from_file("legacy.txt", path.read_bytes()).text == text  # import_story reads it so
    printed = json.loads(trace(str(path), "--json"))
    assert printed["text"] == text
    assert printed["sources"][0]["outlet"] == "Marrowfield Gazette" and printed["sources"][0]["share"] > 0.8


def page(text: str) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs(text))
    return f"<!doctype html><html><head><title>Orchard</title></head><body><nav>Home | News</nav>{body}</body></html>"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("saved-page.html", page(ORCHARD).encode()),
        ("saved-page.txt", page(ORCHARD).encode()),  # a web page saved under another name
        ("article.pdf", make_pdf(paragraphs(ORCHARD))),
        ("article.docx", make_docx(paragraphs(ORCHARD))),
    ],
)
def test_it_traces_the_article_in_a_web_page_pdf_or_word_file_not_its_markup(library, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    printed = json.loads(trace(str(path), "--json"))
    assert "<" not in printed["text"] and "Botanist Ilse Varga" in printed["text"]
    assert printed["sources"][0]["outlet"] == "Marrowfield Gazette" and printed["sources"][0]["share"] > 0.9


def test_a_damaged_pdf_is_refused_with_what_to_do(library, tmp_path):
    path = tmp_path / "article.pdf"
    path.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(CommandError, match="damaged or not really a PDF.*Nothing was traced"):
        trace(str(path))


def test_a_file_longer_than_an_article_is_refused_without_reading_it_all(library, tmp_path, settings):
    settings.VERSUS_MAX_ARTICLE_CHARACTERS = 100
    path = tmp_path / "long.txt"
    path.write_text("word " * 1000, encoding="utf-8")
    with pytest.raises(CommandError, match="longer than the 400 bytes a text may have here"):
        trace(str(path))


def test_a_byte_order_mark_is_not_part_of_the_traced_text(library, tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff".encode() + ORCHARD.encode())
    assert not json.loads(trace(str(path), "--json"))["text"].startswith("\ufeff")


def test_a_missing_file_an_unknown_user_and_a_bad_limit_are_named(library, text_file):
    with pytest.raises(CommandError, match="No such file"):
        trace("/no/such/file.txt")
    with pytest.raises(CommandError, match="No account is called “nobody”"):
        trace(str(text_file), "--user", "nobody")
    with pytest.raises(CommandError, match="from 1 to 50"):
        trace(str(text_file), "--limit", "0")
