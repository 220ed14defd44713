"""Exports of a story (compare/exports.py) and their download links on the story page."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from export_texts import AGENCY, FORMULA, make_hostile_story

from articles.models import ShareLink, Story
from articles.services import ArticleInput, create_story
from compare import exports, services

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"


def ids_of(story: Story) -> dict[str, int]:
    return {article.outlet: article.pk for article in story.versions.all()}


def export_of(story: Story, fmt: str, base: int | None = None) -> bytes:
    return exports.export(exports.load(story), fmt, base)


def export_url(story: Story, fmt: str) -> str:
    return reverse(f"compare:export_{fmt}", args=[story.slug])


# --- JSON ------------------------------------------------------------------------------------


def test_the_json_export_describes_the_story_and_each_version(story):
    data = json.loads(export_of(story, "json"))
    assert data["story"]["title"] == "Marlow Bay library reopens"
    assert data["story"]["slug"] == story.slug
    assert data["story"]["engine_version"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", data["story"]["exported_at"])
    wire = next(d for d in data["documents"] if d["outlet"] == "Coast Wire")
    assert wire["url"] == "https://coastwire.example/library-reopens"
    assert wire["published_on"] == "2026-06-04"
    assert wire["headline"] == "School library to reopen after flood"
    assert wire["characters"] == len(AGENCY) == len(wire["text"])
    assert {d["id"] for d in data["documents"]} == set(ids_of(story).values())


def test_the_likely_sources_evidence_names_versions_by_outlet_and_keeps_their_ids_in_facts(story):
    ids = ids_of(story)
    data = json.loads(export_of(story, "json"))
    source = data["source"]
    evidence = " ".join(source["evidence"])
    assert "Coast Wire" in evidence and "Radio Marlow" in evidence
    for version_id in ids.values():
        assert not re.search(rf"(?<![\d,.]){version_id}(?!\d*%)", evidence.replace("’s", "")), evidence
    assert {fact["document"] for fact in source["facts"]} == set(ids.values()) - {source["document"]}
    for fact in source["facts"]:
        assert set(fact["shares"]) == set(fact["source_shares"]) == {"verbatim", "edited", "paraphrase", "unique"}
        assert isinstance(fact["derived"], bool)


def test_the_evidence_states_the_figures_the_story_page_and_the_report_show(story):
    from compare.engine import reuse_of

    loaded = exports.load(story)
    shown = exports.report_context(loaded)  # the summary partials of the story page, in the report
    data = exports.json_data(loaded)
    evidence = " ".join(data["source"]["evidence"])
    facts = {fact["document"]: fact for fact in data["source"]["facts"]}
    for fact in shown["source_facts"]:
        found = reuse_of(facts[int(fact.other.id)]["shares"])
        kept = reuse_of(facts[int(fact.other.id)]["source_shares"])
        assert (found.found, found.copied, found.paraphrased, kept.found) == (
            fact.found,
            fact.close,
            fact.paraphrased,
            fact.kept,
        )
        # And the copied passages that changed a figure, a name or a quote, as the page counts them.
        assert facts[int(fact.other.id)]["altered"] == fact.altered
        # Whichever direction the sentence takes, its figure is one the page states for the pair.
        assert f"{fact.found}% of" in evidence or f"{fact.kept}% of" in evidence


def test_the_json_export_pairs_every_two_versions_unless_a_base_is_given(story):
    ids = ids_of(story)
    everything = json.loads(export_of(story, "json"))
    linked = {frozenset((p["a_doc"], p["b_doc"])) for p in everything["pairs"]}
    assert len(linked) == 3
    assert everything["pairs_of"] == "all"

    wire = ids["Coast Wire"]
    against_wire = json.loads(export_of(story, "json", base=wire))
    assert against_wire["base"] == wire
    assert against_wire["pairs_of"] == "base"
    assert {p["a_doc"] for p in against_wire["pairs"]} == {wire}
    assert {p["b_doc"] for p in against_wire["pairs"]} == {ids["Marlow Bay Echo"], ids["Radio Marlow"]}
    assert set(against_wire["shares"]) == {str(ids["Marlow Bay Echo"]), str(ids["Radio Marlow"])}
    for shares in against_wire["shares"].values():
        assert sum(shares.values()) == pytest.approx(1.0, abs=0.01)


def test_json_offsets_slice_the_stored_texts_into_whole_sentences(story):
    data = json.loads(export_of(story, "json"))
    texts = {d["id"]: d["text"] for d in data["documents"]}
    passages = set()
    for pair in data["pairs"]:
        for doc, (start, end) in ((pair["a_doc"], pair["a"]), (pair["b_doc"], pair["b"])):
            passage = texts[doc][start:end]
            assert passage and passage == passage.strip()
            passages.add(passage)
        for change in pair["changes"]:
            assert pair["a"][0] <= change["a"][0] <= change["a"][1] <= pair["a"][1]
            assert pair["b"][0] <= change["b"][0] <= change["b"][1] <= pair["b"][1]
    assert '"Books are back where they belong," Varga said.' in passages
    assert "Repairs cost 86,000 euros, paid by the regional fund." in passages


def test_json_pairs_are_what_the_align_command_gives_for_the_same_texts(story, tmp_path: Path):
    data = json.loads(export_of(story, "json"))
    paths = {}
    for document in data["documents"]:
        path = tmp_path / f"version-{document['id']}.txt"
        path.write_bytes(document["text"].encode("utf-8"))
        paths[str(path)] = document["id"]
    out = StringIO()
    call_command("align", *paths, "--json", stdout=out)
    aligned = json.loads(out.getvalue())

    def spans(pairs, doc_of) -> dict:
        return {
            (doc_of(p["a_doc"]), doc_of(p["b_doc"]), tuple(p["a"]), tuple(p["b"])): (p["kind"], round(p["score"], 6))
            for p in pairs
        }

    from_command = spans(aligned["pairs"], paths.__getitem__)
    exported = spans(data["pairs"], lambda doc: doc)
    assert from_command, "the command found no pairs"
    assert exported == from_command
    required = {"a", "b", "kind", "score", "a_doc", "b_doc"}
    assert all(required <= set(pair) for pair in data["pairs"])


def test_an_unknown_base_is_refused_with_the_story_s_versions_named(story):
    with pytest.raises(exports.ExportError, match="Coast Wire"):
        export_of(story, "json", base=999999)


# --- CSV -------------------------------------------------------------------------------------


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(BOM), "Excel needs the byte order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_csv_export_has_one_row_per_aligned_pair_and_parses_back(story):
    data = json.loads(export_of(story, "json"))
    rows = csv_rows(export_of(story, "csv"))
    assert list(rows[0]) == list(exports.CSV_COLUMNS)
    assert len(rows) == len(data["pairs"])
    texts = {d["outlet"]: d["text"] for d in data["documents"]}
    for row in rows:
        assert row["story"] == "Marlow Bay library reopens"
        assert row["kind"] in {"verbatim", "edited", "paraphrase"}
        assert 0.0 <= float(row["score"]) <= 1.0
        for side in ("A", "B"):
            outlet = row[f"version {side}"]
            expected = texts[outlet][int(row[f"{side} start"]) : int(row[f"{side} end"])]
            assert row[f"{side} text"] in (expected, "'" + expected)
    accents = [row for row in rows if "Élodie" in row["A text"]]
    assert accents, "accented text must survive the round trip"


def test_csv_changes_are_summarised_in_words(story):
    rows = csv_rows(export_of(story, "csv", base=ids_of(story)["Coast Wire"]))
    echo = [row for row in rows if row["version B"] == "Marlow Bay Echo"]
    summaries = " | ".join(row["changes"] for row in echo)
    assert 'replace "19"→"18" [number]' in summaries
    assert "Vargas" in summaries and "[name]" in summaries


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(story):
    rows = csv_rows(export_of(story, "csv"))
    formula_cells = [row[column] for row in rows for column in ("A text", "B text") if FORMULA[:10] in row[column]]
    assert formula_cells, "the passage starting with = should be paired"
    assert all(cell.startswith("'=HYPERLINK") for cell in formula_cells)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_the_csv_guard_covers_every_character_spreadsheets_treat_as_a_formula():
    for hostile in ("=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "  =1"):
        assert exports.neutralise(hostile) == "'" + hostile
    for harmless in ("Repairs cost 86,000 euros", "3-2 win", "", "e-mail@school"):
        assert exports.neutralise(harmless) == harmless


def test_csv_neutralises_hostile_outlet_names():
    rows = csv_rows(export_of(make_hostile_story(), "csv"))
    assert rows and {row["version B"] for row in rows} == {"'@Harbour Herald"}


# What the CSV held before it named versions by id: scripts read these by position.
FIRST_CSV_COLUMNS = (
    "story",
    "version A",
    "version B",
    "kind",
    "score",
    "A start",
    "A end",
    "A text",
    "B start",
    "B end",
    "B text",
    "changes",
)


def test_the_csv_keeps_its_first_columns_in_their_order_and_adds_new_ones_at_the_end():
    assert exports.CSV_COLUMNS[: len(FIRST_CSV_COLUMNS)] == FIRST_CSV_COLUMNS
    assert exports.CSV_COLUMNS[len(FIRST_CSV_COLUMNS) :] == ("A id", "A outlet", "A url", "B id", "B outlet", "B url")


def test_csv_rows_name_each_version_by_its_id_outlet_and_url(story):
    versions = {article.pk: article for article in story.versions.all()}
    rows = csv_rows(export_of(story, "csv"))
    assert {int(row[f"{side} id"]) for row in rows for side in "AB"} == set(versions)
    for row in rows:
        for side in ("A", "B"):
            version = versions[int(row[f"{side} id"])]
            assert row[f"{side} outlet"] == version.outlet == row[f"version {side}"]
            assert row[f"{side} url"] == version.source_url
    wire = next(row for row in rows if row["A outlet"] == "Coast Wire")
    assert wire["A url"] == "https://coastwire.example/library-reopens"


WIRE_COPY = (
    "Ferry to Marrow Island suspended\n\n"
    "The only ferry to Marrow Island will not sail for at least 12 days after Saturday's storm "
    "damaged its landing ramp, the harbour authority said on Sunday. Engineers will inspect the pier on Monday."
)


def test_two_reprints_under_one_headline_are_told_apart_by_their_ids(db):
    headline = "Ferry to Marrow Island suspended"
    texts = [WIRE_COPY, WIRE_COPY.replace("12 days", "14 days"), WIRE_COPY.replace("on Monday", "on Tuesday")]
    story = create_story("Ferry", [ArticleInput(text=text, headline=headline) for text in texts])
    text_of = {article.pk: article.text for article in story.versions.all()}
    rows = csv_rows(export_of(story, "csv"))
    # Named apart by their number too, as on the story page (the headline alone named all three alike).
    named = {f"Version {n} ({headline})" for n in (1, 2, 3)}
    assert {row["version A"] for row in rows} | {row["version B"] for row in rows} == named
    assert len({(row["A id"], row["B id"]) for row in rows}) == 3, "every two versions, each told apart"
    for row in rows:
        for side in ("A", "B"):
            text = text_of[int(row[f"{side} id"])]
            assert row[f"{side} text"] == text[int(row[f"{side} start"]) : int(row[f"{side} end"])]


LONG_INSERT = ", which had been postponed twice because of the storms that closed the harbour in spring"


def test_csv_changes_give_each_changed_passage_in_full(db):
    sentence = "The council voted on Monday to build the new harbour wall{} after a debate of four hours."
    original = "Harbour wall approved\n\n" + sentence.format("") + " Work starts in May."
    edited = "Harbour wall approved\n\n" + sentence.format(LONG_INSERT) + " Work starts in May."
    story = create_story("Wall", [ArticleInput(text=original, outlet="Post"), ArticleInput(text=edited, outlet="Echo")])
    changes = " | ".join(row["changes"] for row in csv_rows(export_of(story, "csv")))
    assert len(LONG_INSERT) > 60
    assert LONG_INSERT.strip(", ") in changes
    assert "…" not in changes


# --- HTML report -----------------------------------------------------------------------------


class Inventory(HTMLParser):
    """Every tag and every attribute of a document, to check what it could load or run."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append((tag, name, value or ""))
            if name == "id":
                self.ids.add(value or "")


def inventory(html: str) -> Inventory:
    parser = Inventory()
    parser.feed(html)
    return parser


def test_the_report_is_self_contained(story):
    html = export_of(story, "html").decode("utf-8")
    found = inventory(html)
    article_urls = {"https://coastwire.example/library-reopens"}
    assert not {"script", "link", "img", "iframe", "object", "embed", "base", "form"} & set(found.tags)
    for tag, name, value in found.attributes:
        assert not name.startswith("on"), (tag, name)
        assert name not in {"src", "srcset", "action", "poster", "data", "xlink:href"}, (tag, name)
        if name == "href":
            assert value in article_urls or (value.startswith("#") and value[1:] in found.ids), value
    assert all(u.startswith("url(#") for u in re.findall(r"url\([^)]*\)", html)), "CSS may only use its own patterns"
    assert "@import" not in html
    assert "<style>" in html and ".passage" in html and "@media print" in html


def test_the_report_has_the_summary_legend_and_columns(story):
    html = export_of(story, "html").decode("utf-8")
    assert "Marlow Bay library reopens" in html
    assert "Legend" in html and "What each version shares" in html
    assert "Likely source" in html and "How much of each version is in another" in html
    assert html.count('class="version-head') == 3
    assert 'class="chg rep' in html  # the words changed are marked as on the story page
    assert 'class="flag flag-number"' in html
    assert "https://coastwire.example/library-reopens" in html


def test_the_report_follows_the_base_asked_for(story):
    echo = ids_of(story)["Marlow Bay Echo"]
    html = export_of(story, "html", base=echo).decode("utf-8")
    first_head = re.search(r'<th scope="col" class="version-head is-base">\s*<span class="version-name">([^<]*)', html)
    assert first_head and first_head.group(1) == "Marlow Bay Echo"


def test_the_report_escapes_hostile_text():
    story = make_hostile_story()
    version = story.versions.first()
    version.source_url = "javascript:alert(4)"
    version.save()
    html = export_of(story, "html").decode("utf-8")
    found = inventory(html)
    assert "script" not in found.tags and "img" not in found.tags
    assert not [a for a in found.attributes if a[1].startswith("on")]
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "</style><" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;script&gt;alert(&quot;outlet&quot;)&lt;/script&gt;" in html
    assert "{{ story.title }}" in html and "{% debug %}" in html
    assert 'href="javascript:' not in html
    assert "harbour</del>" in html and "sea</ins>" in html  # both versions are in it, the change marked


# --- views -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("fmt", "content_type", "suffix"),
    [
        ("json", "application/json", "comparison.json"),
        ("csv", "text/csv", "pairs.csv"),
        ("html", "text/html", "report.html"),
    ],
)
def test_each_export_downloads_as_an_attachment(client, story, fmt, content_type, suffix):
    response = client.get(export_url(story, fmt))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"] == f'attachment; filename="{story.slug}-{suffix}"'
    assert len(response.content) > 1000


@pytest.mark.django_db(transaction=True)
def test_the_downloads_match_the_export_functions(client, story):
    csv_data = client.get(export_url(story, "csv")).content
    assert csv_rows(csv_data) == csv_rows(export_of(story, "csv"))
    downloaded = json.loads(client.get(export_url(story, "json")).content)
    made = json.loads(export_of(story, "json"))
    assert downloaded["pairs"] == made["pairs"] and downloaded["documents"] == made["documents"]


@pytest.mark.django_db(transaction=True)
def test_a_download_can_be_limited_to_one_base(client, story):
    wire = ids_of(story)["Coast Wire"]
    data = json.loads(client.get(export_url(story, "json"), {"base": wire}).content)
    assert {p["a_doc"] for p in data["pairs"]} == {wire}


@pytest.mark.django_db(transaction=True)
def test_an_unknown_base_in_a_download_is_a_clear_error(client, story):
    response = client.get(export_url(story, "csv"), {"base": "12345678"})
    assert response.status_code == 400
    assert "not part of" in response.content.decode()


def test_exports_only_answer_get(client, story):
    assert client.post(export_url(story, "json")).status_code == 405


def test_a_story_with_one_version_has_nothing_to_export(client):
    from articles.services import ArticleInput, create_story

    lonely = create_story("Only one", [ArticleInput(text=AGENCY, outlet="Coast Wire")])
    response = client.get(export_url(lonely, "html"))
    assert response.status_code == 409
    assert "at least two" in response.content.decode()


def test_while_the_versions_are_compared_a_download_says_to_try_again(client, story):
    articles = services.versions_of(story)
    running, _ = services.claim_alignment(story, services.alignment_key(articles), total=3)
    services.record_progress(running, 1, 3)
    response = client.get(export_url(story, "csv"))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "still being compared (1 of 3 pairs done)" in response.content.decode()


def test_a_failed_comparison_is_explained_not_a_server_error(client, story):
    articles = services.versions_of(story)
    running, _ = services.claim_alignment(story, services.alignment_key(articles), total=3)
    services.record_failure(running, "RuntimeError: the engine tripped")
    response = client.get(export_url(story, "json"))
    assert response.status_code == 409
    assert "could not be made" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_story_page_links_to_each_export(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    for fmt in ("json", "csv", "html"):
        assert f'href="{export_url(story, fmt)}' in html


@pytest.mark.django_db(transaction=True)
def test_a_private_story_cannot_be_exported_by_anyone_else(client, story):
    users = get_user_model().objects
    owner, stranger = users.create_user("teacher", password="pw-1"), users.create_user("other", password="pw-2")
    Story.objects.filter(pk=story.pk).update(owner=owner, visibility=Story.Visibility.PRIVATE)
    for fmt in exports.FORMATS:
        assert client.get(export_url(story, fmt)).status_code == 404
    client.force_login(stranger)
    for fmt in exports.FORMATS:
        assert client.get(export_url(story, fmt)).status_code == 404
    client.force_login(owner)
    for fmt in exports.FORMATS:
        assert client.get(export_url(story, fmt)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_share_link_reader_can_export_until_the_link_is_revoked(client, story):
    owner = get_user_model().objects.create_user("teacher", password="pw-1")
    Story.objects.filter(pk=story.pk).update(owner=owner, visibility=Story.Visibility.PRIVATE)
    link = ShareLink.objects.create(story=story)
    url = reverse("compare:shared_export_csv", args=[link.token])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{story.slug}-pairs.csv"'
    page = client.get(link.get_absolute_url()).content.decode()
    assert f'href="{reverse("compare:shared_export_html", args=[link.token])}' in page
    assert f"/stories/{story.slug}/export" not in page
    ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    assert client.get(url).status_code == 404


# --- in a browser ----------------------------------------------------------------------------


@pytest.mark.browser
def test_the_report_opens_from_a_file_with_no_network(story, page, tmp_path, artifacts_dir):
    path = tmp_path / "report.html"
    path.write_bytes(export_of(story, "html"))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    assert page.title().startswith("Marlow Bay library reopens")
    assert page.locator("table.comparison thead th.version-head").count() == 3
    # The inlined stylesheet applies: marks have their tint, passages their border style.
    background = page.locator("ins.chg.rep").first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert (
        page.locator(".passage.kind-paraphrase").first.evaluate("el => getComputedStyle(el).borderLeftStyle")
        == "dashed"
    )
    assert [url for url in requests if not url.startswith("file://")] == []
    page.screenshot(path=str(artifacts_dir / "export-report.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts_dir / "export-report-print.png"), full_page=True)


def test_each_document_of_the_json_export_carries_its_label_as_the_api_does(story):
    data = json.loads(export_of(story, "json"))
    assert {d["outlet"]: d["label"] for d in data["documents"]} == {
        article.outlet: article.public_dict()["label"] for article in story.versions.all()
    }
    assert next(d for d in data["documents"] if d["outlet"] == "Coast Wire")["label"] == "Coast Wire"


def test_two_versions_of_one_outlet_are_named_apart_in_the_json_and_csv_exports():
    story = create_story(
        "Ferry fares",
        [
            ArticleInput(text="The island ferry will cost a euro more from April, the board said.", outlet="Herald"),
            ArticleInput(text="From April the island ferry will cost one euro more, the board said.", outlet="Herald"),
        ],
    )
    data = json.loads(export_of(story, "json"))
    assert [d["label"] for d in data["documents"]] == ["Herald (version 1)", "Herald (version 2)"]
    rows = list(csv.DictReader(io.StringIO(export_of(story, "csv").decode("utf-8-sig"))))
    assert {(row["version A"], row["version B"]) for row in rows} == {("Herald (version 1)", "Herald (version 2)")}
