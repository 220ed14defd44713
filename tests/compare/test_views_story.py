"""The story page, its HTMX fragments and the passage panel."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from articles.services import ArticleInput, create_story
from compare import services
from compare.models import StoredAlignment

pytestmark = pytest.mark.django_db(transaction=True)

AGENCY = (
    "GRANTHOLM, 3 May (Valley Wire) - The Grantholm town council has approved a new cycle lane along Mill Road, "
    "the council said on Friday.\n\n"
    "The lane will cost 240,000 pounds and should open in September. "
    "Councillor Ada Brennan said the road had seen 31 accidents in five years.\n\n"
    '"We owe it to every family who cycles to school," Brennan said.\n\n'
    "Shop owners on Mill Road had asked for more parking instead. The council will meet them next week."
)
# Light edits: a number and a name changed, a sentence added, a full stop changed to an exclamation mark.
REPRINT = (
    "GRANTHOLM - The Grantholm town council has approved a new cycle lane along Mill Road, "
    "the council said on Friday.\n\n"
    "The lane will cost 420,000 pounds and should open in September. "
    "Councillor Ada Brenan said the road had seen 31 accidents in five years.\n\n"
    '"We owe it to every family who cycles to school," Brenan said.\n\n'
    "Shop owners on Mill Road had asked for more parking instead. The council will meet them next week!\n\n"
    "Cyclists in the town welcomed the decision at a rally on Saturday morning outside the library."
)
# Restructured: the quote moved to the top, one sentence dropped.
BRIEF = (
    '"We owe it to every family who cycles to school," Brennan said.\n\n'
    "GRANTHOLM, 3 May (Valley Wire) - The Grantholm town council has approved a new cycle lane along Mill Road, "
    "the council said on Friday.\n\n"
    "The lane will cost 240,000 pounds and should open in September. "
    "Councillor Ada Brennan said the road had seen 31 accidents in five years.\n\n"
    "Shop owners on Mill Road had asked for more parking instead."
)


@pytest.fixture
def story():
    return create_story(
        "Grantholm cycle lane approved",
        [
            ArticleInput(text=AGENCY, outlet="Valley Wire"),
            ArticleInput(text=REPRINT, outlet="Grantholm Gazette"),
            ArticleInput(text=BRIEF, outlet="Radio Grant"),
        ],
    )


def pk_of(story, outlet: str) -> int:
    return story.versions.get(outlet=outlet).pk


def column_heads(html: str) -> list[str]:
    return re.findall(r'<span class="version-name">([^<]*)</span>', html)


def test_the_story_page_shows_every_version_in_a_column(client, story):
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert sorted(column_heads(html)) == ["Grantholm Gazette", "Radio Grant", "Valley Wire"]
    assert "Mill Road" in html


def test_an_htmx_request_gets_the_comparison_fragment_not_the_whole_page(client, story):
    response = client.get(story.get_absolute_url(), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="comparison"' in html
    assert len(column_heads(html)) == 3


def test_a_history_restore_gets_the_whole_page(client, story):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client.get(story.get_absolute_url(), headers=headers)
    assert "<html" in response.content.decode()


def test_the_base_is_the_first_column_and_can_be_switched(client, story):
    gazette = pk_of(story, "Grantholm Gazette")
    html = client.get(story.get_absolute_url(), {"base": gazette}).content.decode()
    assert column_heads(html)[0] == "Grantholm Gazette"
    assert re.search(rf'<option value="{gazette}" selected>', html)


def test_an_unknown_base_falls_back_to_the_default(client, story):
    response = client.get(story.get_absolute_url(), {"base": "99999"})
    assert response.status_code == 200
    assert len(column_heads(response.content.decode())) == 3


def test_the_base_switch_works_with_and_without_javascript(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    form = re.search(r'<form class="controls[^>]*>', html).group(0)
    assert 'method="get"' in form
    assert f'action="{story.get_absolute_url()}"' in form
    assert 'hx-get="' in form
    assert 'hx-push-url="true"' in form
    for link in re.findall(r'<a class="make-base[^>]*>', html):
        assert "href=" in link and "hx-get=" in link


def comparison_table(html: str) -> str:
    """The rows of the comparison, without the legend (whose examples would satisfy any search)."""
    return re.search(r'<table class="comparison.*?</table>', html, flags=re.S).group(0)


def test_changed_words_are_marked_against_the_base(client, story):
    wire = pk_of(story, "Valley Wire")
    rows = comparison_table(client.get(story.get_absolute_url(), {"base": wire}).content.decode())
    # 240,000 became 420,000 in the reprint: the old number struck, the new one marked, with a number flag on it.
    assert re.search(
        r'<del class="chg was[^"]*"[^>]*>\s*240,000</del> <ins class="chg rep[^"]*"[^>]*>\s*420,000</ins>'
        r'<sup class="flag flag-number"',
        rows,
    )


def test_words_missing_from_the_base_are_marked_as_inserted(client, story):
    gazette = pk_of(story, "Grantholm Gazette")
    rows = comparison_table(client.get(story.get_absolute_url(), {"base": gazette}).content.decode())
    # The Gazette's dateline dropped "3 May (Valley Wire)": against it, the agency inserted those words.
    assert re.search(r'<ins class="chg ins[^"]*"[^>]*>, 3 May \(Valley Wire\)</ins>', rows)


def test_a_passage_with_no_counterpart_in_the_base_is_marked_unique(client, story):
    wire = pk_of(story, "Valley Wire")
    html = client.get(story.get_absolute_url(), {"base": wire}).content.decode()
    # The Gazette's added sentence is in no other version: a compact row holds it, under the Gazette's name.
    block = re.search(
        r'<div class="own-block"><p class="own-label">Only in Grantholm Gazette</p>(.*?)</div></div>', html, re.S
    )
    assert block, "the added sentence has a block of its own"
    assert "Cyclists in the town welcomed the decision" in block.group(1)
    assert re.search(r'class="passage[^"]* unique[^"]*"[^>]*data-unique', block.group(1))


def test_a_passage_that_moved_links_to_its_counterpart(client, story):
    wire = pk_of(story, "Valley Wire")
    html = client.get(story.get_absolute_url(), {"base": wire}).content.decode()
    moved = re.search(r'<a class="badge badge-moved" href="#(p-\d+-at-\d+)">', html)
    assert moved, "the quote moved to the top of the brief"
    assert f'id="{moved.group(1)}"' in html  # the link leads somewhere on the page


def test_the_unique_only_filter_keeps_only_unique_passages(client, story):
    wire = pk_of(story, "Valley Wire")
    url = story.get_absolute_url()
    everything = client.get(url, {"base": wire}).content.decode()
    unique = client.get(url, {"base": wire, "show": "unique"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in unique
    assert unique.count('class="passage') < everything.count('class="passage')
    assert "Only in Grantholm Gazette" in unique
    assert "hidden by the filter" in unique


def test_the_changed_only_filter_hides_rows_that_are_the_same_everywhere(client, story):
    wire = pk_of(story, "Valley Wire")
    url = story.get_absolute_url()
    changed = client.get(url, {"base": wire, "show": "changed"}).content.decode()
    rows = re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", changed, flags=re.S)
    assert rows
    for row in rows:
        assert "data-diff" in row or "cell-note" in row


def test_hiding_trivial_changes_removes_punctuation_only_marks(client, story):
    wire = pk_of(story, "Valley Wire")
    url = story.get_absolute_url()
    shown = client.get(url, {"base": wire}).content.decode()
    hidden = client.get(url, {"base": wire, "hide_trivial": "1"}).content.decode()
    assert "chg ins trivial" in shown or "chg rep trivial" in shown  # the full stop that became "!"
    without_legend = re.sub(r'<section class="legend".*?</section>', "", hidden, flags=re.S)
    assert not re.search(r'class="chg [a-z]+ trivial"', without_legend)


def test_two_versions_read_as_a_side_by_side_diff(client, story):
    wire, gazette = pk_of(story, "Valley Wire"), pk_of(story, "Grantholm Gazette")
    html = client.get(story.get_absolute_url(), {"base": wire, "compare": gazette}).content.decode()
    assert column_heads(html) == ["Valley Wire", "Grantholm Gazette"]
    assert "mode-two" in html
    # The base column shows what was cut, the other what came in; nothing is repeated inline.
    assert re.search(r'<del class="chg was[^"]*"[^>]*>\s*240,000</del>', html)
    assert re.search(r'<ins class="chg rep[^"]*"[^>]*>\s*420,000</ins>', html)
    assert not re.search(r"</del> ?<ins class=\"chg rep", comparison_table(html))


def test_the_summary_shows_shares_a_heat_map_and_the_likely_source(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    summary = re.search(r'<section class="summary".*?</section>', html, flags=re.S).group(0)
    assert summary.count('<svg class="bar"') == 3  # every version, against all the others
    assert summary.count("Against the base:") == 2  # every version but the base, against the base
    assert re.search(r"\d+% verbatim", summary)
    assert re.search(r"\d+% its own", summary)
    assert html.count('<td class="shade-') == 9
    source = re.search(r'<div class="source">.*?</div>', html, flags=re.S).group(0)
    # The agency copy is the one the other two were made from.
    assert re.search(r"<h3>Likely source</h3>.*?<p><strong>Valley Wire</strong>:", source, flags=re.S)
    assert re.search(r"How sure the engine is that this one is the source: \d+%", source)
    assert re.search(r"(1 of the 2 other versions is|[02] of the 2 other versions are) derived from it", source)


def test_the_likely_source_of_two_versions_speaks_of_the_other_version(client):
    story = create_story(
        "Grantholm cycle lane approved",
        [ArticleInput(text=AGENCY, outlet="Valley Wire"), ArticleInput(text=REPRINT, outlet="Grantholm Gazette")],
    )
    html = client.get(story.get_absolute_url()).content.decode()
    source = re.search(r'<div class="source">.*?</div>', html, flags=re.S).group(0)
    assert re.search(r"the other version (is|is not) derived from it", source)
    assert "of the 1 other" not in source


def test_the_likely_source_names_the_version_that_could_as_well_be_the_source(client):
    # A reprint with one word changed holds the brief word for word, as the agency copy does:
    # the page cannot tell which came first and says so, naming the reprint.
    reprint = AGENCY.replace("approved", "backed", 1)
    brief = AGENCY.split("\n\n")[1]
    story = create_story(
        "Grantholm cycle lane approved",
        [
            ArticleInput(text=AGENCY, outlet="Valley Wire"),
            ArticleInput(text=reprint, outlet="Grantholm Gazette"),
            ArticleInput(text=brief, outlet="Radio Grantholm"),
        ],
    )
    html = client.get(story.get_absolute_url()).content.decode()
    source = re.search(r'<div class="source">.*?</div>', html, flags=re.S).group(0)
    assert re.search(
        r"(Grantholm Gazette|Valley Wire) comes almost as close, so which of the two came first",
        source,
    )


def test_the_likely_source_says_which_copies_put_another_figure_or_name_in_what_they_copied(client, story):
    # The reprint is all found in the agency copy, yet it changed the cost and misspelt the
    # councillor (twice: in one passage or two, as the pairs fall); the brief moved the quote
    # and cut the dateline's date: nothing it copied was altered.
    html = client.get(story.get_absolute_url()).content.decode()
    evidence = {
        re.sub(r"<[^>]+>", "", item).split(":")[0]: re.sub(r"<[^>]+>", "", item)
        for item in re.findall(
            r"<li>(.*?)</li>", re.search(r'<ul class="evidence">.*?</ul>', html, re.S).group(0), re.S
        )
    }
    assert re.search(r"It changes a figure in 1 copied passage, a name in [12]\.", evidence["Grantholm Gazette"])
    assert "It changes" not in evidence["Radio Grant"]


def test_the_likely_source_is_the_earlier_of_two_near_equals_when_their_dates_are_known(client):
    # The same near tie as above, dated: the reprint came out first, so it is named, and the
    # page says why instead of leaving the reader to compare dates.
    reprint = AGENCY.replace("approved", "backed", 1)
    brief = AGENCY.split("\n\n")[1]
    story = create_story(
        "Grantholm cycle lane approved",
        [
            ArticleInput(text=AGENCY, outlet="Valley Wire", published_on=datetime.date(2026, 5, 3)),
            ArticleInput(text=reprint, outlet="Grantholm Gazette", published_on=datetime.date(2026, 5, 2)),
            ArticleInput(text=brief, outlet="Radio Grantholm", published_on=datetime.date(2026, 5, 4)),
        ],
    )
    html = client.get(story.get_absolute_url()).content.decode()
    source = re.search(r'<div class="source">.*?</div>', html, flags=re.S).group(0)
    assert "<strong>Grantholm Gazette</strong>:" in source
    assert "Valley Wire comes almost as close, but was published later (3 May 2026, against 2 May 2026)" in source
    assert "cannot be told" not in source


def test_versions_without_an_outlet_are_named_apart_in_whole_words_in_the_likely_source_and_matrix(client):
    # Pasted without outlets, two of them under one long headline: a cut headline named them alike.
    headline = "Grantholm town council approves a new cycle lane along Mill Road after years of debate"
    story = create_story(
        "Grantholm cycle lane approved",
        [
            ArticleInput(text=AGENCY, headline=headline),
            ArticleInput(text=REPRINT, headline=headline),
            ArticleInput(text=BRIEF, headline="Brennan: we owe it to every family"),
        ],
    )
    html = client.get(story.get_absolute_url()).content.decode()
    source = re.search(r'<div class="source">.*?</div>', html, flags=re.S).group(0)
    named = re.findall(r"<strong>([^<]*)</strong>", source)
    assert len(named) == 3 and len(set(named)) == 3
    for name in named:
        words = re.fullmatch(r"Version \d \((.*)\)", name).group(1)
        if words.endswith("…"):  # cut short, after a whole word
            assert headline.startswith(words[:-1]) and headline[len(words) - 1] == " "
        else:
            assert words == "Brennan: we owe it to every family"
    heat = re.search(r'<table class="heatmap".*?</table>', html, flags=re.S).group(0)
    assert re.findall(r'<th scope="col" title="[^"]*">([^<]*)</th>', heat) == ["Version 1", "Version 2", "Version 3"]


def test_a_passage_with_a_changed_figure_never_reads_as_all_the_same_wording(client, story):
    # The Gazette changed 240,000 to 420,000: a strong correspondence, but not the same words.
    html = client.get(story.get_absolute_url()).content.decode()
    passage = re.search(r'<div id="[^"]*"[^>]*>(?:(?!<div id=).)*?420,000', html, flags=re.S).group(0)
    same = int(
        re.search(r'<span class="score" title="Share of the words that are the same[^>]*>(\d+)%</span>', passage).group(
            1
        )
    )
    assert 50 < same < 100


def test_the_keyboard_hint_is_shown_only_where_javascript_runs_the_keys(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    hint = re.search(r'<p class="([^"]*)">Keys:', html)
    assert hint is not None and "js-only" in hint.group(1).split()


def test_the_legend_explains_every_mark(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    legend = re.search(r'<section class="legend".*?</section>', html, flags=re.S).group(0)
    for words in ("inserted", "deleted", "replaced", "a number", "a name", "quoted words", "paraphrase", "unique"):
        assert words in legend


def legend_of(html: str) -> str:
    return re.search(r'<section class="legend".*?</section>', html, flags=re.S).group(0)


def test_it_explains_the_figure_beside_a_badge_the_paragraph_numbers_and_a_verbatim_passage(client, story):
    # A tooltip alone ("edited 97%") is out of reach on a touch screen and from the keyboard.
    legend = legend_of(client.get(story.get_absolute_url()).content.decode())
    assert "next to a badge: the share of the words that are the same on both sides" in legend
    assert '<span class="panel-link">¶3</span> the paragraph of its own version' in legend
    assert '<span class="legend-passage kind-verbatim">no badge</span> verbatim:' in legend
    assert "thin grey left line" in legend


def test_it_explains_the_figure_and_the_paragraph_numbers_in_the_words_of_the_report(client, story):
    page = legend_of(client.get(story.get_absolute_url()).content.decode())
    report = legend_of(client.get(story.get_absolute_url() + "export.html").content.decode())
    for line in (
        '<li><span class="score">95%</span> next to a badge: '
        "the share of the words that are the same on both sides</li>",
        '<li><span class="panel-link">¶3</span> the paragraph of its own version</li>',
    ):
        assert page.count(line) == report.count(line) == 1
    # The report's legend stays as long as it was: one more line made the seed story's printed report 13 pages.
    assert "kind-verbatim" not in report


def test_article_text_is_shown_as_text_never_as_markup(client):
    hostile = (
        "The <script>alert('x')</script> council met on Monday to talk about the bridge.\n\n"
        "An <img src=x onerror=alert(1)> image and {{ settings.SECRET_KEY }} were in the text."
    )
    story = create_story(
        "Hostile text",
        [
            ArticleInput(text=hostile, outlet="<b>Outlet</b>"),
            ArticleInput(text=hostile.replace("Monday", "Tuesday"), outlet="Other"),
        ],
    )
    html = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{ settings.SECRET_KEY }}" in html
    assert "<b>Outlet</b>" not in html and "&lt;b&gt;Outlet&lt;/b&gt;" in html
    first = story.versions.first()
    panel = client.get(reverse("compare:passage", args=[story.slug, first.pk, "at-0"])).content.decode()
    assert "<script>alert" not in panel and "&lt;script&gt;" in panel


def test_a_story_with_one_version_asks_for_another(client):
    story = create_story("Lonely story", [ArticleInput(text=AGENCY, outlet="Valley Wire")])
    html = client.get(story.get_absolute_url()).content.decode()
    assert "A comparison needs at least two" in html
    assert not StoredAlignment.objects.filter(story=story).exists()


def test_while_the_alignment_is_computed_the_page_shows_progress_and_polls(client, story):
    articles = services.versions_of(story)
    running, _ = services.claim_alignment(story, services.alignment_key(articles), total=3)
    services.record_progress(running, 1, 3)
    response = client.get(story.get_absolute_url(), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Comparing the versions" in html
    assert "1 of 3 pairs" in html
    assert 'hx-trigger="every 1s"' in html
    assert "<html" not in html


def test_the_story_page_answers_from_the_stored_alignment(client, story):
    client.get(story.get_absolute_url())
    stored = StoredAlignment.objects.get(story=story)
    client.get(story.get_absolute_url(), {"show": "changed"})
    assert StoredAlignment.objects.get(story=story).updated_at == stored.updated_at


def test_a_failed_alignment_is_explained_not_a_server_error(client, story):
    articles = services.versions_of(story)
    running, _ = services.claim_alignment(story, services.alignment_key(articles), total=3)
    services.record_failure(running, "ValueError: example")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "could not be made" in response.content.decode()


def test_the_passage_panel_is_a_page_without_javascript_and_a_fragment_with_htmx(client, story):
    wire = pk_of(story, "Valley Wire")
    alignment = services.load_alignment(services.get_or_compute(story))
    start = next(s.start for s in alignment.segments[str(wire)] if "240,000" in AGENCY[s.start : s.end])
    url = reverse("compare:passage", args=[story.slug, wire, f"at-{start}"])
    page = client.get(url).content.decode()
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" in page and "<html" not in fragment
    assert 'id="panel-body"' in fragment
    # Every other version appears, with its label and how much wording it shares, or is said to lack the passage.
    assert "Grantholm Gazette" in fragment and "Radio Grant" in fragment
    assert re.search(r"\d+% same wording", fragment)
    assert "240,000" in fragment


def test_every_passage_links_to_its_panel(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    links = re.findall(r'<a class="panel-link[^"]*" href="([^"]+)" hx-get="([^"]+)"[^>]*hx-push-url="([^"]+)"', html)
    assert links
    href, hx, pushed = (link.replace("&amp;", "&") for link in links[0])
    # The panel's own address: the story page with the panel open (shareable, no JavaScript needed).
    assert href == pushed and href.startswith(story.get_absolute_url() + "?") and "panel=" in href
    assert 'id="panel-body"' in client.get(href).content.decode()
    # HTMX loads the panel alone.
    assert "/passages/" in hx
    fragment = client.get(hx, headers={"HX-Request": "true"}).content.decode()
    assert 'id="panel-body"' in fragment and "<html" not in fragment


def test_back_links_keep_the_readers_base_and_filter(client, story):
    wire = pk_of(story, "Valley Wire")
    view = {"base": wire, "show": "changed", "hide_trivial": "1"}
    html = client.get(story.get_absolute_url(), view).content.decode()
    hx = re.search(r'<a class="panel-link[^"]*" href="[^"]+" hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    passage_page = client.get(hx).content.decode()
    back = re.findall(rf'href="({re.escape(story.get_absolute_url())}[^"#]*)', passage_page)
    assert back
    for link in back:
        assert f"base={wire}" in link and "show=changed" in link and "hide_trivial=1" in link, link


def test_the_panel_of_a_passage_that_does_not_exist_is_not_found(client, story):
    wire = pk_of(story, "Valley Wire")
    assert client.get(reverse("compare:passage", args=[story.slug, wire, 999])).status_code == 404
    assert client.get(reverse("compare:passage", args=[story.slug, wire, f"at-{len(AGENCY)}"])).status_code == 404
    assert client.get(reverse("compare:passage", args=[story.slug, 999999, "at-0"])).status_code == 404
    assert client.get(f"{story.get_absolute_url()}passages/{wire}/at-x/").status_code == 404


# --- passage addresses: where the passage starts in its text, so they outlive a re-alignment -----


def sentence_with(story, outlet: str, words: str):
    """The engine's sentence of ``outlet``'s version holding ``words``, in the story's alignment now."""
    article = story.versions.get(outlet=outlet)
    alignment = services.load_alignment(services.get_or_compute(story))
    return next(s for s in alignment.segments[str(article.pk)] if words in article.text[s.start : s.end])


def test_a_passage_is_addressed_by_where_it_starts_in_its_version(client, story):
    wire = pk_of(story, "Valley Wire")
    sentence = sentence_with(story, "Valley Wire", "240,000")
    html = client.get(story.get_absolute_url(), {"base": wire}).content.decode().replace("&amp;", "&")
    assert f'id="p-{wire}-at-{sentence.start}"' in html
    assert f'hx-get="{story.get_absolute_url()}passages/{wire}/at-{sentence.start}/?base={wire}"' in html
    assert f'href="{story.get_absolute_url()}?base={wire}&panel={wire}-at-{sentence.start}"' in html


def test_an_address_inside_a_passage_opens_it_under_its_own_address(client, story):
    wire = pk_of(story, "Valley Wire")
    sentence = sentence_with(story, "Valley Wire", "240,000")
    response = client.get(f"{story.get_absolute_url()}passages/{wire}/at-{sentence.start + 5}/")
    assert response.status_code == 302
    assert response["Location"] == f"{story.get_absolute_url()}passages/{wire}/at-{sentence.start}/"


def test_a_link_by_sentence_index_from_before_is_taken_to_the_passage_address(client, story):
    wire = pk_of(story, "Valley Wire")
    sentence = sentence_with(story, "Valley Wire", "240,000")
    old = f"{story.get_absolute_url()}passages/{wire}/{sentence.index}/?base={wire}&show=changed"
    response = client.get(old)
    assert response.status_code == 302
    new = f"{story.get_absolute_url()}passages/{wire}/at-{sentence.start}/?base={wire}&show=changed"
    assert response["Location"] == new
    panel = client.get(new).content.decode()
    assert "240,000" in re.search(r'<blockquote class="panel-focus">.*?</blockquote>', panel, re.S).group(0)


def test_a_story_address_with_a_panel_open_by_sentence_index_from_before_still_opens_it(client, story):
    wire = pk_of(story, "Valley Wire")
    sentence = sentence_with(story, "Valley Wire", "240,000")
    for panel in (f"{wire}-{sentence.index}", f"{wire}-at-{sentence.start}"):
        html = client.get(story.get_absolute_url(), {"base": wire, "panel": panel}).content.decode()
        focus = re.search(r'<blockquote class="panel-focus">.*?</blockquote>', html, re.S)
        assert focus and "240,000" in focus.group(0), panel


def test_a_passage_address_opens_the_same_words_after_the_sentences_change(client, story, monkeypatch):
    """A new engine that cuts sentences differently: here the first paragraph marked as junk, which
    takes its sentence out, under a new engine version (so the story is aligned again). Every later
    sentence's index moves; its address (an offset into the unchanged text) does not."""
    wire = story.versions.get(outlet="Valley Wire")
    before = sentence_with(story, "Valley Wire", "240,000")
    address = f"{story.get_absolute_url()}passages/{wire.pk}/at-{before.start}/"
    first_paragraph = wire.text.index("\n\n")
    wire.junk_spans = [[0, first_paragraph, "test: not part of the story"]]
    wire.save()
    monkeypatch.setattr(services, "ENGINE_VERSION", "a later engine")
    after = sentence_with(story, "Valley Wire", "240,000")
    assert (after.start, after.index) == (before.start, before.index - 1)
    panel = client.get(address).content.decode()
    assert "240,000" in re.search(r'<blockquote class="panel-focus">.*?</blockquote>', panel, re.S).group(0)
    # The old index now names another sentence: links by index were not stable, addresses are.
    assert client.get(f"{story.get_absolute_url()}passages/{wire.pk}/{before.index}/")["Location"] != address


def test_each_passage_is_one_tab_stop_its_details_link_and_the_keys_can_still_focus_it(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    passages = re.findall(r'<div id="p-[^"]+"[^>]* data-panel="[^>]*>', html)
    assert len(passages) > 5
    # Out of the Tab order, yet focusable by the page's j/k/u keys and when its panel closes.
    assert all(' tabindex="-1"' in tag for tag in passages), passages[0]
    # The one Tab stop is each passage's link to its details, a real address: a keyboard user
    # without JavaScript reaches every passage's details.
    links = re.findall(r'<a class="panel-link" href="([^"]+)"', html)
    assert len(links) == len(passages)
    assert all(re.search(r"[?;]panel=", href) for href in links), links[0]


def test_scraped_junk_is_shown_greyed_and_labelled_not_hidden(client):
    junk_line = "Share on Facebook Share on X Email"
    text = junk_line + "\n\n" + AGENCY
    story = create_story(
        "Grantholm with junk",
        [
            ArticleInput(text=text, outlet="Grantholm Online", junk=[(0, len(junk_line), "share buttons")]),
            ArticleInput(text=AGENCY, outlet="Valley Wire"),
        ],
    )
    html = client.get(story.get_absolute_url()).content.decode()
    assert re.search(r'<span class="junk"[^>]*>Share on Facebook Share on X Email</span>', html)
    assert "scraped junk: not compared" in html
    assert html.count('class="passage is-junk gap"') == 1
    # Junk is not a difference: the "changed only" filter leaves it out.
    changed = client.get(story.get_absolute_url(), {"show": "changed"}).content.decode()
    assert 'class="passage is-junk gap"' not in changed


def test_adding_a_version_shows_it_in_a_new_column_on_the_next_visit(client, story):
    from articles.services import add_article

    assert len(column_heads(client.get(story.get_absolute_url()).content.decode())) == 3
    add_article(story, ArticleInput(text=AGENCY.replace("Friday", "Thursday"), outlet="Mill Road Weekly"))
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Mill Road Weekly" in column_heads(html)
    assert StoredAlignment.objects.filter(story=story).count() == 1


def test_the_story_notes_keep_their_line_breaks_and_stay_escaped(client):
    notes = "Read the wire first.\n\nThen <b>compare</b> the quotes.\nAsk who changed what."
    story = create_story(
        "Notes kept", [ArticleInput(text=AGENCY, outlet="A"), ArticleInput(text=BRIEF, outlet="B")], notes
    )
    html = client.get(story.get_absolute_url()).content.decode()
    block = re.search(r'<div class="story-notes">(.*?)</div>', html, re.S).group(1)
    assert "<p>Read the wire first.</p>" in block
    assert "<p>Then &lt;b&gt;compare&lt;/b&gt; the quotes.<br>Ask who changed what.</p>" in block


def test_each_matrix_cell_says_what_was_copied_and_what_paraphrased(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    heat = re.search(r'<div class="heat".*?</table>', html, flags=re.S).group(0)
    assert "copied" in heat and "paraphrased" in heat  # the legend line says which figure is which
    cells = re.findall(
        r'<td class="shade-\d">'
        r'<span class="heat-copied">(\d+)%<span class="vh"> copied</span></span> '
        r'<span class="heat-para"><span aria-hidden="true">/</span> (\d+)%<span class="vh"> paraphrased</span></span>',
        heat,
    )
    assert len(cells) == 6  # three versions, each against the two others


def test_the_likely_source_box_says_which_versions_are_derived_and_how_that_is_decided(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    source = re.search(r'<div class="source">.*?</div>', html, flags=re.S).group(0)
    assert "paraphrase counting half" in source
    figures = r"\d+% of its text is found in the source \(\d+% copied verbatim or edited, \d+% paraphrased\)"
    assert re.search(figures, source)


def test_two_versions_from_the_same_outlet_have_different_names_on_the_story_page(client):
    story = create_story(
        "Grantholm cycle lane approved",
        [
            ArticleInput(text=AGENCY, outlet="Valley Wire"),
            ArticleInput(text=REPRINT, outlet="Valley Wire"),
            ArticleInput(text=BRIEF, outlet="Radio Grant"),
        ],
    )
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Valley Wire (version 1)" in html and "Valley Wire (version 2)" in html
    assert "Radio Grant (version" not in html
