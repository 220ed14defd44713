"""One table of the kinds of correspondence (compare/kinds.py) for everything that shows them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from compare import exports, kinds
from compare.engine import KINDS, SHARE_KINDS, SIMILARITY_WEIGHTS


def test_every_kind_the_engine_gives_has_words_for_readers():
    assert set(kinds.TABLE) == set(SHARE_KINDS)
    assert [info.name for info in kinds.PAIR_KINDS] == list(KINDS)


def test_every_kind_has_the_engine_weight():
    assert {name: info.weight for name, info in kinds.TABLE.items()} == dict(SIMILARITY_WEIGHTS)


def test_kinds_rank_from_closest_to_most_different():
    assert sorted(kinds.TABLE, key=kinds.RANK.__getitem__) == ["verbatim", "edited", "paraphrase", "unique"]
    assert {"edited", "paraphrase"} == kinds.REWORDED


def test_closer_kinds_weigh_more():
    weights = [info.weight for info in kinds.SHARE_KIND_INFO]
    assert weights == sorted(weights, reverse=True)


# --- what the pages need of every kind ---------------------------------------------------------


def test_every_kind_has_what_the_pages_need_to_show_it():
    for info in kinds.TABLE.values():
        assert info.label and info.summary, info.name
        look = info.look
        assert look.passage and look.bar and look.swatch, info.name
        if info.name in KINDS:  # a text traced to a source is marked with how it was found
            assert info.traced and look.traced, info.name
        if info.reworded:  # its passages carry a badge, which the legend explains
            assert look.badge and info.legend, info.name


def test_every_kind_fills_its_part_of_a_bar_with_a_pattern_of_its_own():
    # Printed in black and white, or seen by a colour-blind reader, the bars' parts differ by their pattern.
    hatches = [info.look.hatch for info in kinds.TABLE.values()]
    assert len(set(hatches)) == len(hatches)


def test_in_forced_colours_every_kind_has_a_left_line_of_its_own_in_system_colours(client):
    # Windows high contrast replaces our colours: the line's style and width are all that is left.
    lines = [info.look.forced for info in kinds.TABLE.values()]
    assert all(lines) and len(set(lines)) == len(lines)
    css = client.get(reverse("compare:kinds_css")).content.decode()
    forced = css[css.index("@media (forced-colors: active)") :]
    for name, info in kinds.TABLE.items():
        assert f".legend-passage.kind-{name} {{ {info.look.forced} }}" in forced


def test_the_kinds_stylesheet_draws_every_kind(client):
    response = client.get(reverse("compare:kinds_css"))
    css = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    for name, info in kinds.TABLE.items():
        assert f".passage.kind-{name}, " in css
        assert f".share-{name}::before {{ background: {info.look.swatch}; }}" in css
    assert ".seg-edited { fill: url(#hatch-edited); }" in css
    assert ".seg-verbatim { fill: #0b4f7a; }" in css  # a plain fill: no pattern


def test_every_page_links_the_kinds_stylesheet_between_ours_and_the_print_one(client, db):
    html = client.get(reverse("compare:library")).content.decode()
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert [sheet.rsplit("/", 1)[-1].split(".")[0] for sheet in sheets] == ["versus", "kinds", "print"]


def test_the_html_report_inlines_the_kinds_stylesheet_too(story):
    assert kinds.stylesheet() in exports.report_css()


TRANSLATED = kinds.KindInfo(
    "translated",  # type: ignore[arg-type]  # a kind the engine does not know: the test's own
    "translated",
    "translated",
    "translated",
    copied=False,
    reworded=True,
    look=kinds.Look(
        passage="border-left: 4px dotted #117733;",
        bar="#88ccaa",
        hatch=kinds.Hatch(size=3, lines=(1.5,), rotate=30),
        swatch="#88ccaa",
        badge="color: #117733; border-style: dotted;",
        traced="border-bottom: 2px dotted #117733;",
    ),
    legend="the same sentence in another language (dotted left line)",
)


@pytest.mark.django_db(transaction=True)
def test_a_kind_added_to_the_table_reaches_the_legend_the_patterns_and_the_stylesheet(client, story, monkeypatch):
    monkeypatch.setitem(kinds.TABLE, "translated", TRANSLATED)
    html = client.get(story.get_absolute_url()).content.decode()
    legend = re.search(r'<section class="legend".*?</section>', html, flags=re.S).group(0)
    assert (
        '<span class="legend-passage kind-translated"><span class="badge badge-translated">translated</span></span>'
        " the same sentence in another language (dotted left line)"
    ) in legend
    assert '<pattern id="hatch-translated" width="3" height="3"' in html
    css = client.get(reverse("compare:kinds_css")).content.decode()
    assert ".badge-translated { color: #117733; border-style: dotted; }" in css
    assert ".seg-translated { fill: url(#hatch-translated); }" in css
