"""Readable names for versions: headlines from first lines, file names without hashes."""

from __future__ import annotations

from articles.extract import article_from_file, article_from_html
from articles.naming import (
    cut,
    first_line_headline,
    numbered,
    readable_filename,
    short_version_label,
    version_label,
    visible_text,
)


def test_a_file_name_made_of_a_number_and_a_hash_gives_no_name():
    assert readable_filename("001_730206c4979a7c63.txt") == ""
    assert readable_filename("3f2b9c1e-7a4d-4e8f-9b1a-2c3d4e5f6a7b.html") == ""


def test_a_file_name_of_words_reads_as_words():
    assert readable_filename("2-daily-lantern-reprint.txt") == "Daily lantern reprint"
    assert readable_filename("harbour_gazette 2026.md") == "Harbour gazette"


def test_a_long_text_is_cut_at_a_word_with_an_ellipsis():
    assert cut("US officials say Russia has asked China for military and economic help", 40) == (
        "US officials say Russia has asked China…"
    )


def test_text_without_spaces_is_cut_at_a_character():
    assert cut("美国官员称俄罗斯已请求中国提供军事和经济援助以支持其在乌克兰的战争", 12) == "美国官员称俄罗斯已请求…"


def test_a_one_line_text_gives_its_first_sentence_as_headline():
    text = "Russia asked China for help, US officials say. " + "More words follow here. " * 20
    assert first_line_headline(text) == "Russia asked China for help, US officials say."


def test_an_uploaded_text_file_is_named_by_its_first_line_not_its_file_name():
    text = "US officials say Russia has asked China for military and economic assistance for the Ukraine war\n\n"
    text += "WASHINGTON - Russia asked China to give it military equipment, according to US officials."
    item = article_from_file("002_52279bdaca913e87.txt", text.encode())
    assert item.headline.startswith("US officials say Russia has asked China")
    assert "52279bdaca913e87" not in item.headline


def test_a_photo_caption_on_the_first_line_is_passed_over_for_the_headline():
    text = (
        "Share on twitter (opens new window)\n\n"
        "China is willing to supply weapons to Russia, according to US intelligence officials.\n\n"
        "The claims were made in US diplomatic cables."
    )
    item = article_from_file("000_62deb5ae5fda74f9.txt", text.encode())
    assert item.headline.startswith("China is willing to supply weapons")


def test_a_web_page_gives_its_sites_name_title_and_date():
    html = """<html><head><title>Bridge stuck open | Harbour Herald</title>
    <meta property="og:site_name" content="Harbour Herald">
    <meta property="og:title" content="Bridge stuck open">
    <meta property="article:published_time" content="2026-03-14T08:00:00Z"></head>
    <body><article><h1>Bridge stuck open</h1>
    <p>The harbour swing bridge stayed open on Tuesday after a motor failed, the council said on Tuesday.</p>
    <p>Commuters queued for the foot ferry, which will run every ten minutes until Friday.</p>
    </article></body></html>"""
    item = article_from_html(html, name="page.html")
    assert item.outlet == "Harbour Herald"
    assert item.headline == "Bridge stuck open"
    assert str(item.published_on) == "2026-03-14"


def test_a_web_page_without_a_site_name_is_named_by_its_website():
    words = "The bridge stayed open after a motor failed. " * 5
    html = f"<html><body><article><p>{words}</p></article></body></html>"
    item = article_from_html(html, name="news.example", url="https://www.news.example/bridge", source="url")
    assert item.outlet == "news.example"


def test_a_text_written_as_html_reads_without_its_tags_and_with_its_entities_decoded():
    assert visible_text("<b>Ferry &amp; port</b> strike") == "Ferry & port strike"
    assert visible_text("Ferry <!-- draft --><i>strike</i>\n ends") == "Ferry strike ends"


def test_angle_brackets_that_are_no_tag_and_escaped_tags_stay_as_they_read():
    assert visible_text("Rates < 3% and > 2%") == "Rates < 3% and > 2%"
    assert visible_text("The &lt;b&gt; tag") == "The <b> tag"


def test_an_outlet_that_repeats_in_a_story_is_named_with_its_place_and_one_that_does_not_is_left_alone():
    assert version_label("Harbour Herald", "", "", 2, outlet_repeats=True) == "Harbour Herald (version 3)"
    assert version_label("Harbour Herald", "", "", 2) == "Harbour Herald"
    assert short_version_label("Harbour Herald", 2, outlet_repeats=True) == "Harbour Herald (3)"
    assert len(short_version_label("The Very Long Name of a Harbour Paper", 9, outlet_repeats=True)) <= 22


def test_a_numbered_list_does_not_number_a_name_that_carries_its_number_already():
    assert numbered("Version 1 (Ferry fares to rise)", 0) == "Version 1 (Ferry fares to rise)"
    assert numbered("Harbour Herald (version 3)", 2) == "Harbour Herald (version 3)"
    assert numbered("Harbour Herald", 1) == "2. Harbour Herald"
    assert numbered("Version 10 Media", 0) == "1. Version 10 Media"
