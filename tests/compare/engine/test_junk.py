"""Junk marking: page furniture is found and marked, the article's own sentences never are.

Every text here is made up for the tests; the seeds are read from ../shared/seeds only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compare.engine.junk import find_junk
from tests.conftest import DATASETS


def marked(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.reason) for s in find_junk(text)]


def junk_text(text: str) -> str:
    return " ".join(text[s.start : s.end] for s in find_junk(text))


def is_inside_junk(text: str, phrase: str) -> bool:
    at = text.index(phrase)
    return any(s.start < at + len(phrase) and at < s.end for s in find_junk(text))


def assert_well_formed(text: str) -> None:
    spans = find_junk(text)
    assert spans == sorted(spans, key=lambda s: s.start)
    for first, second in zip(spans, spans[1:], strict=False):
        assert first.end <= second.start
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == text[span.start : span.end].strip()


def test_it_marks_nothing_in_a_clean_article():
    text = (
        "The harbour council voted on Tuesday to close the old ferry pier.\n\n"
        "Residents said the decision came as a surprise. “We were never asked,” said one fisherman.\n\n"
        "The council will meet again in May."
    )
    assert find_junk(text) == []


def test_it_marks_a_comment_form_at_the_end():
    text = (
        "The bakery reopened after the flood.\n\nIts owner thanked the volunteers.\n\n"
        "Leave a comment\n\nYour email address will not be published. Required fields are marked *"
    )
    form = "Leave a comment\n\nYour email address will not be published. Required fields are marked *"
    assert junk_text(text) == form
    assert {reason for _, reason in marked(text)} == {"comment form"}
    assert_well_formed(text)


@pytest.mark.parametrize(
    "form",
    [
        "Schreibe einen Kommentar\n\nIhre E-Mail-Adresse wird nicht veröffentlicht.",
        "Laisser un commentaire\n\nVotre adresse e-mail ne sera pas publiée.",
        "Deja un comentario\n\nTu dirección de correo electrónico no será publicada.",
        "Leave a Reply\n\nSend this to a friend",
    ],
)
def test_it_marks_comment_forms_in_several_languages(form):
    text = "The mayor opened the new library on Friday morning.\n\n" + form
    assert junk_text(text) == form
    assert not is_inside_junk(text, "new library")


def test_it_marks_a_whole_comment_form_with_its_field_labels():
    form = (
        "Leave a Reply\nYour email address will not be published. Required fields are marked *\n"
        "Comment *\nName *\nEmail *\nWebsite\n"
        "Save my name, email, and website in this browser for the next time I comment.\nPost Comment"
    )
    text = "The ferry will run every ten minutes until Friday.\n\n" + form
    assert junk_text(text) == form


def test_the_longest_phrase_wins_on_a_line():
    text = "The ferry will run every ten minutes.\n\nSubscribe to our weekly newsletter\n\nThe bridge is shut."
    assert marked(text) == [("Subscribe to our weekly newsletter", "newsletter promo")]


def test_it_marks_share_buttons_glued_into_a_paragraph():
    text = (
        "Rain delays the harvest Share on Facebook (opens new window) Share on X (opens new window) "
        "Save Farmers in the valley have lost a week of work to the storms."
    )
    junk = marked(text)
    assert junk == [
        ("Share on Facebook (opens new window) Share on X (opens new window) Save", "share buttons"),
    ]
    assert not is_inside_junk(text, "Farmers in the valley")
    assert not is_inside_junk(text, "Rain delays the harvest")


def test_a_sentence_about_sharing_is_not_a_share_button():
    text = "Pupils can share on Facebook or via email, the head teacher said, but not during lessons."
    assert find_junk(text) == []


def test_a_button_word_that_starts_a_sentence_after_share_buttons_stays():
    text = "Share on X (opens new window) Save the Children said the ferry must keep running."
    assert marked(text) == [("Share on X (opens new window)", "share buttons")]


def test_it_marks_a_row_of_button_words_on_its_own_line():
    text = "Share Tweet Email\n\nThe school board has approved a longer lunch break."
    assert marked(text) == [("Share Tweet Email", "share buttons")]


def test_it_leaves_a_one_word_line_naming_a_platform_alone():
    text = "Facebook\n\nThe company said it would change its rules for teenagers."
    assert find_junk(text) == []


def test_it_marks_a_photo_caption_line_ending_in_a_credit():
    text = (
        "Volunteers stack sandbags along the river in Lenzfeld on Sunday. Photo: Maria Ostrova/Reuters\n\n"
        "The river rose by two metres overnight."
    )
    assert marked(text) == [
        ("Volunteers stack sandbags along the river in Lenzfeld on Sunday.", "photo caption"),
        ("Photo: Maria Ostrova/Reuters", "photo credit"),
    ]


def test_it_marks_an_all_caps_credit_after_a_caption():
    text = "Firefighters at the depot on Monday. PHOTO: EPA\n\nThe blaze was put out by noon."
    assert junk_text(text) == "Firefighters at the depot on Monday. PHOTO: EPA"


def test_it_marks_a_caption_glued_to_a_standfirst_without_eating_the_standfirst():
    text = (
        "Ministers promise a decision by summer A crane lifts a turbine blade at the port on Friday "
        "© Tom Weller/AP The port authority said the wind farm would be finished next year."
    )
    junk = marked(text)
    assert ("A crane lifts a turbine blade at the port on Friday", "photo caption") in junk
    assert ("© Tom Weller/AP", "photo credit") in junk
    assert not is_inside_junk(text, "Ministers promise a decision")
    assert not is_inside_junk(text, "The port authority said")


def test_it_marks_only_the_credit_when_the_caption_would_be_a_long_sentence():
    sentence = "The committee, which has met " + "every week for many years and " * 12 + "agreed on the plan"
    text = f"{sentence} © Ana Lind/AFP\n\nMore follows."
    assert marked(text) == [("© Ana Lind/AFP", "photo credit")]


def test_it_does_not_take_a_sentence_about_photos_for_a_credit():
    text = (
        "The photo by the river was taken in 1952.\n\n"
        "Her photograph: a quiet street after the storm, won the prize.\n\n"
        "Image rights belong to the museum, she said."
    )
    assert find_junk(text) == []


def test_it_marks_newsletter_and_channel_promos():
    text = (
        "The town's only cinema will close in June.\n\n"
        "Sign up for our free Morning Briefing newsletter to get the news first.\n\n"
        "Join our WhatsApp channel for the latest updates.\n\n"
        "The owners blamed rising rents."
    )
    junk = marked(text)
    assert [reason for _, reason in junk] == ["newsletter promo"] * len(junk)
    assert "Sign up for our free Morning Briefing newsletter" in junk_text(text)
    assert "Join our WhatsApp channel" in junk_text(text)
    assert not is_inside_junk(text, "rising rents")
    assert not is_inside_junk(text, "only cinema")


def test_it_marks_an_inline_newsletter_box():
    text = (
        "Receive free Climate updates We’ll send you a weekly email rounding up the latest climate news. "
        "Glaciers in the north have shrunk by a third."
    )
    assert junk_text(text) == (
        "Receive free Climate updates We’ll send you a weekly email rounding up the latest climate news."
    )


def test_it_leaves_a_sentence_about_joining_a_channel_alone_when_it_is_part_of_a_paragraph():
    text = (
        "Protest organisers told supporters to join the Telegram channel, where plans were shared. "
        "Police said they were monitoring it."
    )
    assert find_junk(text) == []


def test_it_marks_a_video_placeholder_and_advertisement_lines():
    text = "The bridge reopened.\n\nRemote video URL\n\nAdvertisement\n\nTraffic is back to normal."
    assert marked(text) == [("Remote video URL", "video embed"), ("Advertisement", "advertisement")]


def test_it_marks_related_link_lines():
    text = "The bridge reopened.\n\nRead more: Why old bridges crack in the cold\n\nTraffic is back to normal."
    assert marked(text) == [("Read more: Why old bridges crack in the cold", "related links")]


def test_it_marks_only_the_label_of_a_recommended_box_inside_a_paragraph():
    text = "The plant closed in May. Recommended Opinion pieceWhy towns lose their factories Jobs moved abroad."
    assert marked(text) == [("Recommended Opinion piece", "related links")]


def test_it_marks_a_scraped_date_field_at_the_start():
    text = "date 2024-05-02 The school reopened after the holiday.\n\nPupils returned on Monday."
    assert marked(text) == [("date 2024-05-02", "page metadata")]


def test_it_keeps_a_date_inside_a_sentence():
    text = "The school reopened on 2 May 2024 after the holiday. Updated plans follow."
    assert find_junk(text) == []


def test_it_does_not_mark_a_long_paragraph_that_mentions_comments_and_sharing():
    text = (
        "Leave a reply, the teacher told her class, only if you have read the whole article. "
        "Comments that share links to other sites will be deleted, and students who print this page should "
        "bring it on Monday."
    )
    assert find_junk(text) == []


def test_it_marks_a_caption_closed_by_an_agency_credit_without_the_word_photo():
    text = "Pupils plant trees in Hollin Vale on Friday. Ruth Amsel/AFP via Getty Images\n\nThe project began in May."
    assert marked(text) == [
        ("Pupils plant trees in Hollin Vale on Friday.", "photo caption"),
        ("Ruth Amsel/AFP via Getty Images", "photo credit"),
    ]


def test_a_name_and_agency_inside_a_sentence_is_not_a_credit():
    text = "The minister said he had spoken to John Smith/AP about it and would say more on Monday."
    assert find_junk(text) == []


def test_a_credit_names_an_outlet_with_the():
    text = "A man waves a flag. Photograph: J. Doe/The Chronicle The crowd cheered for an hour."
    assert ("Photograph: J. Doe/The Chronicle", "photo credit") in marked(text)
    assert not is_inside_junk(text, "The crowd cheered")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("© 2025 The Valley Courier. All rights reserved.", "copyright notice"),
        ("Copyright 2024 Harbour Media Ltd", "copyright notice"),
        ("We use cookies to give you the best experience on our site.", "cookie notice"),
        ("Accept all cookies", "cookie notice"),
        ("Skip to main content", "navigation"),
        ("Home › News › Europe", "navigation"),
        ("Startseite > Politik > Ausland", "navigation"),
        ("4 min read", "page metadata"),
        ("Listen to this article", "page metadata"),
        ("Updated: 3 March 2025", "page metadata"),
        ("Story continues below advertisement", "advertisement"),
        ("Follow us on Instagram for more pictures.", "newsletter promo"),
        ("Watch: the moment the bridge swung open", "video embed"),
        ("toggle caption", "photo caption"),
    ],
)
def test_it_marks_site_furniture_lines(line, reason):
    text = f"The harbour bridge reopened on Monday.\n\n{line}\n\nTraffic is back to normal."
    assert marked(text) == [(line, reason)]


@pytest.mark.parametrize(
    "line",
    [
        "Scores: Leeds 2 | Hull 1 | Derby 0",
        "Red, green or blue: the council will vote on the colour of the new bridge.",
        "Watch the skies tonight, astronomers say.",
        "Comments from residents were mostly positive.",
        "Share prices fell by 3% on Monday.",
    ],
)
def test_it_leaves_ordinary_lines_that_look_a_little_like_furniture_alone(line):
    text = f"The harbour bridge reopened on Monday.\n\n{line}\n\nTraffic is back to normal."
    assert find_junk(text) == []


@pytest.mark.parametrize("byline", ["Bloomberg", "Reuters", "By Jane Doe", "Harbour Herald", "Associated Press"])
def test_a_line_that_only_credits_an_outlet_or_a_writer_under_the_headline_is_marked_as_a_byline(byline):
    text = f"Ferry fares to rise in spring\n\n{byline}\n\nThe island ferry will cost a euro more from April."
    assert marked(text) == [(byline, "byline")]


@pytest.mark.parametrize("credit", ["Reuters", "By Mara Olsen", "Mara Olsen"])
def test_a_credit_closing_the_text_is_marked_as_a_byline(credit):
    text = f"Ferry fares to rise in spring\n\nThe island ferry will cost a euro more from April.\n\n{credit}"
    assert marked(text) == [(credit, "byline")]


@pytest.mark.parametrize(
    "text",
    [
        "Ferry Fares Rise\n\nThe island ferry will cost a euro more from April.",  # a title-case headline
        "Harbour Herald\n\nThe island ferry will cost a euro more from April.",  # the first line is the headline
        "Ferry fares to rise\n\nFares Rise Again\n\nThe island ferry will cost a euro more from April.",
        "Ferry fares to rise\n\nThey agreed.\n\nThe island ferry will cost a euro more from April.",
        "Ferry fares to rise\n\nBy April, fares will rise.\n\nThe island ferry will cost a euro more.",
        "Ferry fares to rise\n\nOn 3 April\n\nThe island ferry will cost a euro more from April.",
        "Ferry fares to rise\n\nBackground\n\nThe island ferry will cost a euro more from April.",  # a crosshead
        "Ferry fares to rise\n\nLONDON\n\nThe island ferry will cost a euro more from April.",  # a dateline
        "Ferry fares to rise\n\nNEW YORK\n\nThe island ferry will cost a euro more from April.",
    ],
)
def test_a_headline_a_short_sentence_a_crosshead_or_a_date_line_is_not_a_byline(text):
    assert find_junk(text) == []


def test_a_lone_name_deep_in_the_text_is_left_alone_but_a_by_line_is_not():
    paragraphs = [f"Paragraph {n} says the ferry left on time." for n in range(6)]
    text = "\n\n".join(["Ferry fares to rise", *paragraphs[:4], "Mara Olsen", *paragraphs[4:]])
    assert find_junk(text) == []
    assert marked(text.replace("Mara Olsen", "By Mara Olsen")) == [("By Mara Olsen", "byline")]


def test_every_credit_in_a_long_text_without_line_breaks_is_found():
    # Captions are looked for in a bounded window before each credit (see bench/bench_junk.py for speed).
    text = " ".join(
        f"Paragraph {n} says the bridge opened. A crane lifts a beam on day {n} © Tom Weller/AP Then more news."
        for n in range(3000)
    )
    spans = find_junk(text)
    assert sum(span.reason == "photo credit" for span in spans) == 3000
    assert sum(span.reason == "photo caption" for span in spans) == 3000


def test_real_news_sentences_are_never_marked():
    """Thousands of human-written news sentences (read from ../shared/datasets, never copied)."""
    files = sorted(DATASETS.glob("*/*.tsv"))
    if not files:
        pytest.skip("../shared/datasets is not next to the repository")
    sentences = set()
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            sentences.update(cell for cell in line.split("\t") if len(cell.split()) >= 4)
    assert len(sentences) > 10_000
    wrongly_marked = [s for s in sentences if find_junk(s)]
    assert wrongly_marked == []
    paragraphs = "\n\n".join(sorted(sentences))  # each sentence as a line of its own
    assert find_junk(paragraphs) == []


def test_offsets_point_into_the_original_text_with_unicode_before_them():
    text = "Ünïcödé “quotes” — dashes.\n\nAdvertisement\n\nMore text follows here."
    [span] = find_junk(text)
    assert text[span.start : span.end] == "Advertisement"


def test_the_seed_articles_have_their_obvious_junk_marked(seeds_dir: Path):
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("0*.txt"))}
    assert len(texts) == 5
    for text in texts.values():
        assert_well_formed(text)
    # Short search keys only: which furniture must be inside junk...
    must_be_junk = {
        "000": ["date 2022-", "Photo: Mykola"],
        "001": ["opens new window", "Print this page", "myFT Daily Digest", "Schreibe einen", "Vadim Ghirda"],
        "002": ["Leave a Reply", "will not be published"],
        "003": ["Leave a Reply", "Send this to a friend", "Bloomberg"],
        "004": ["PHOTO: AFP", "Remote video URL", "Telegram channel"],
    }
    # ...and which sentences of the articles must not be.
    must_stay = {
        "000": ["China is willing to supply", "Moscow admitted", "In a joint letter"],
        "001": ["Russia has asked China for military", "US officials say White House", "Additional reporting"],
        "002": ["WASHINGTON", "European officials said that before"],
        "003": ["Chinese Foreign Ministry spokesman", "Sending weapons would risk"],
        "004": ["WASHINGTON (NYTIMES", "The Biden administration is hoping"],
    }
    for key, phrases in must_be_junk.items():
        for phrase in phrases:
            assert is_inside_junk(texts[key], phrase), (key, phrase)
    for key, phrases in must_stay.items():
        for phrase in phrases:
            assert not is_inside_junk(texts[key], phrase), (key, phrase)
