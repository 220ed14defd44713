"""The whole pipeline after ingestion, fuzzed: text → find_junk → segment → align_story →
JSON and back → the comparison's rows, panels and bars as HTML.

tests/compare/engine/test_properties.py checks the engine's own invariants on documents without
junk; here the junk comes from find_junk as in the app, the result goes through storage
and the layout that turns it into HTML, and the inputs include texts at the size limit.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from articles.services import clean_text
from compare import presentation
from compare.engine import Document, StoryAlignment, align_story, find_junk, story_from_dict, story_to_dict
from compare.engine.segment import segment  # the engine's own step, fuzzed on its own
from tests.articles.test_fuzz_ingest import HOSTILE_HTML, PROSE, SHORT_WEIRD, WEIRD_TEXT

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The only elements the layout writes; anything else in its HTML came from an article.
OUR_TAGS = {"div", "p", "span", "a", "del", "ins", "sup", "td", "mark", "strong", "em", "br"}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def check_html(html: str) -> None:
    parser = Tags()
    parser.feed(html)
    parser.close()
    assert parser.tags <= OUR_TAGS, f"elements from the text got into the page: {parser.tags - OUR_TAGS}"
    assert not {name for name in parser.attributes if name.startswith("on")}, "an event handler in the page"


def articles_for(texts: list[str], labels: list[str]) -> list[Article]:
    """Unsaved articles, as the app stores them: cleaned text, junk found, an id each."""
    articles = []
    for index, (text, label) in enumerate(zip(texts, labels, strict=True)):
        cleaned = clean_text(text)
        junk = [[s.start, s.end, s.reason] for s in find_junk(cleaned)]
        articles.append(Article(pk=index + 1, position=index, outlet=label, text=cleaned, junk_spans=junk))
    return articles


def run_pipeline(articles: list[Article]) -> StoryAlignment:
    docs = [Document(str(a.pk), a.text, tuple((s, e) for s, e, _ in a.junk_spans)) for a in articles]
    for doc in docs:
        for seg in segment(doc.text, doc.junk):
            assert 0 <= seg.start < seg.end <= len(doc.text)
            assert not any(s < seg.end and seg.start < e for s, e in doc.junk), "a sentence overlaps junk"
    alignment = align_story(docs)
    stored = json.loads(json.dumps(story_to_dict(alignment)))  # what the database keeps
    loaded = story_from_dict(stored)
    assert story_to_dict(loaded) == stored
    return loaded


def render_everything(alignment: StoryAlignment, articles: list[Article]) -> None:
    versions = presentation.build_versions(articles)
    ids = [v for v in versions if v in alignment.segments]
    for base in ids:
        others = [i for i in ids if i != base]
        for columns in (others, others[:1]):
            for hide_trivial in (False, True):
                comparison = presentation.build_comparison(alignment, versions, base, columns, hide_trivial)
                for show, _ in presentation.SHOW_CHOICES:
                    for row in comparison.visible_rows(show):
                        check_html(row.cells_html)
        presentation.share_bars(alignment, versions, base, ids)
    presentation.heat_map(alignment, versions, ids)
    presentation.summary_context(alignment, versions, base, ids)
    for focus in ids:
        for index in range(len(alignment.segments[focus])):
            panel = presentation.build_panel(alignment, versions, focus, index)
            check_html(str(panel.html))
            for entry in panel.entries:
                if entry.html is not None:
                    check_html(str(entry.html))


SHARED = "The harbour bridge stayed open on Tuesday after a motor failed."
VERSION_TEXT = st.one_of(
    WEIRD_TEXT,
    st.tuples(WEIRD_TEXT, PROSE).map(lambda parts: f"{parts[0]} {SHARED}\n\n{parts[1]}."),
    st.tuples(PROSE, HOSTILE_HTML).map(lambda parts: f"{SHARED} {parts[0]}\n\n{parts[1]}"),
    st.lists(st.sampled_from([SHARED, "Share on Facebook", "Leave a Reply", "<img src=x onerror=alert(1)>"])).map(
        "\n\n".join
    ),
)


@FUZZ
@given(st.lists(VERSION_TEXT, min_size=2, max_size=4), st.data())
def test_any_unicode_goes_through_the_whole_pipeline_to_escaped_html(texts, data):
    labels = [data.draw(st.one_of(SHORT_WEIRD, st.just('"><svg onload=alert(1)>'))) for _ in texts]
    articles = articles_for(texts, labels)
    alignment = run_pipeline(articles)
    render_everything(alignment, articles)


def test_a_payload_in_a_passage_is_shown_as_text_in_every_view():
    payload = '<script>alert(1)</script> <img src=x onerror="alert(2)"> {{ 7*7 }}'
    texts = [f"{SHARED}\n\nA sign said {payload} today.", f"{SHARED}\n\nA sign read {payload} yesterday."]
    articles = articles_for(texts, ["<b>Gazette</b>", "Radio"])
    alignment = run_pipeline(articles)
    versions = presentation.build_versions(articles)
    comparison = presentation.build_comparison(alignment, versions, "1", ["2"])
    html = "".join(row.cells_html for row in comparison.rows)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "{{ 7*7 }}" in html
    render_everything(alignment, articles)


# --- texts at the size limit --------------------------------------------------------------

LIMIT = 2_000_000  # VERSUS_MAX_ARTICLE_CHARACTERS by default
SHAPES = {
    # Shapes that stress one stage each: no break at all, a sentence per two characters,
    # one line per word, empty paragraphs, no punctuation, no letters, marks on one letter.
    "one endless word": lambda size: "a" * size,
    "tiny sentences": lambda size: "a. " * (size // 3),
    "a word per line": lambda size: "ferry\n" * (size // 6),
    "no punctuation": lambda size: "harbour ferry bridge council " * (size // 29),
    "emoji only": lambda size: "🌊 " * (size // 5),
    "combining marks": lambda size: "e" + "\u0301" * (size // 2 - 1),
    "quote marks only": lambda size: "“" * (size // 3),
    "share buttons": lambda size: "Share on Facebook\nShare on Twitter\n" * (size // 35),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_text_of_an_odd_shape_near_the_size_limit_is_compared_and_laid_out(shape):
    # A tenth of the limit keeps the suite quick; the one endless word is checked at the limit
    # (at the full limit every shape takes under 20 s: see the report of the fuzz tests).
    size = LIMIT if shape == "one endless word" else LIMIT // 10
    text = SHAPES[shape](size)
    assert len(text.encode("utf-8")) <= LIMIT
    other = text[: len(text) // 2] + " The ferry changed. " + text[len(text) // 2 :]
    articles = articles_for([text, other], ["Big", "Bigger"])
    alignment = run_pipeline(articles)
    versions = presentation.build_versions(articles)
    comparison = presentation.build_comparison(alignment, versions, "1", ["2"])
    for row in comparison.rows[:200]:
        check_html(row.cells_html)
