"""python manage.py load_demo: the fictional demo stories written by us."""

from __future__ import annotations

import difflib
import re
from io import StringIO

import pytest
from django.core.management import call_command

from articles.management.commands.load_demo import DemoStory, read_demo_stories
from articles.models import Article, Story
from articles.services import ArticleInput, clean_text, create_story

pytestmark = pytest.mark.django_db

DEMOS = read_demo_stories()
MAIN = next(demo for demo in DEMOS if demo.folder == "harbour-bridge")


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def stored(demo: DemoStory) -> Story:
    return Story.objects.get(title=demo.title)


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n|\n", text.strip()) if p.strip()]


def sentences(text: str) -> list[str]:
    # Rough split, good enough to compare our own texts with each other.
    titles = "".join(rf"(?<!\b{title}\.)" for title in ("Dr", "Mr", "Mrs", "Ms", "St"))
    return [s for s in re.split(rf"(?:(?<=[.!?])|(?<=[.!?]\")){titles}\s+(?=[A-Z\"])", text.strip()) if s]


def test_it_creates_each_demo_story_with_its_versions_and_metadata() -> None:
    output = load_demo()

    assert Story.objects.count() == len(DEMOS)
    for demo in DEMOS:
        story = stored(demo)
        assert f"Created: “{demo.title}”" in output
        articles = list(story.versions.order_by("position"))
        assert len(articles) == len(demo.versions)
        for article, version in zip(articles, demo.versions, strict=True):
            assert article.source == Article.Source.DEMO
            assert article.text == clean_text(version.text)
            assert article.filename == version.file
            assert article.outlet == version.outlet
            assert article.headline == version.headline
            assert article.byline == version.byline
            assert article.source_url == version.source_url
            assert article.published_on == version.published_on
            assert article.language == "en"
            assert version.shows in story.notes


def test_the_main_story_has_four_to_six_versions_published_a_day_apart_on_example_domains() -> None:
    assert 4 <= len(MAIN.versions) <= 6
    dates = [v.published_on for v in MAIN.versions]
    assert all((later - earlier).days == 1 for earlier, later in zip(dates, dates[1:], strict=False))
    for version in (v for demo in DEMOS for v in demo.versions):
        assert re.match(r"https://([a-z0-9-]+\.)*example\.(org|com|net)/", version.source_url), version.source_url


def test_running_it_twice_does_not_duplicate() -> None:
    load_demo()
    second = load_demo()

    assert Story.objects.count() == len(DEMOS)
    assert Article.objects.count() == sum(len(demo.versions) for demo in DEMOS)
    assert "Already loaded" in second
    assert "Created" not in second


def test_reset_deletes_and_recreates_the_demo_stories() -> None:
    load_demo()
    old = stored(MAIN)
    old.versions.filter(position=0).update(headline="Changed by a teacher")

    output = load_demo("--reset")

    new = stored(MAIN)
    assert new.pk != old.pk
    assert new.versions.count() == len(MAIN.versions)
    assert new.versions.get(position=0).headline == MAIN.versions[0].headline
    assert f"Deleted: “{MAIN.title}”" in output
    assert Story.objects.count() == len(DEMOS)


def test_reset_leaves_other_stories_alone_even_with_the_same_title() -> None:
    mine = create_story(MAIN.title, [ArticleInput(text="A teacher's own pasted article about the bridge.")])
    load_demo()

    load_demo("--reset")

    assert Story.objects.filter(pk=mine.pk).exists()
    assert Story.objects.filter(title=MAIN.title).count() == 2


def test_every_demo_text_is_non_empty_and_distinct() -> None:
    texts = [clean_text(v.text) for demo in DEMOS for v in demo.versions]
    assert all(len(text.split()) >= 50 for text in texts)
    assert len(set(texts)) == len(texts)


def test_the_agency_original_is_a_full_article_with_quotes_numbers_and_names() -> None:
    original = MAIN.versions[0].text
    assert 450 <= len(original.split()) <= 700
    assert 10 <= len(paragraphs(original)) <= 16
    assert len(re.findall(r"\b(?:said|says)\b", original)) >= 3
    assert re.search(r"\d+\.\d", original)  # a decimal number
    assert re.search(r"\b(?:Dr|Mr|Mrs|Ms|St)\. [A-Z]", original)  # an abbreviation inside a sentence
    assert re.search(r',"\s+(?:she|he) said\.', original)  # a quote that ends a sentence


def test_the_reprint_keeps_most_words_and_the_spun_copy_keeps_no_sentence() -> None:
    original, reprint, spun = (MAIN.versions[i].text for i in range(3))
    reprint_ratio = difflib.SequenceMatcher(a=original.split(), b=reprint.split(), autojunk=False).ratio()
    assert reprint_ratio > 0.9
    assert reprint != original
    assert set(sentences(original)).isdisjoint(sentences(spun))
    assert "\n\n" not in spun.strip()  # one paragraph per line, without blank lines
    assert len(paragraphs(spun)) == len(paragraphs(original))


def test_the_restructured_version_moves_the_quotes_up_and_the_history_down() -> None:
    original, restructured = MAIN.versions[0].text, MAIN.versions[3].text
    quote, cost, history, reopening = "fall down tomorrow", "4.5 million", "Callow & Rudd", "reopen in early January"
    assert original.index(cost) < original.index(quote) and restructured.index(quote) < restructured.index(cost)
    assert original.index(history) < original.index(reopening)
    assert restructured.index(reopening) < restructured.index(history)


def test_the_junk_in_the_own_reporting_version_is_marked() -> None:
    load_demo()
    version = next(v for v in MAIN.versions if v.junk)
    article = stored(MAIN).versions.get(filename=version.file)
    marked = {i for start, end, *_ in article.junk_spans for i in range(start, end)}

    missed = []
    for phrase in version.junk:
        start = article.text.index(phrase)
        # Whitespace between two neighbouring marks (a caption and its credit) is no loss.
        unmarked = [i for i in range(start, start + len(phrase)) if i not in marked and not article.text[i].isspace()]
        if unmarked:
            missed.append(phrase)
    assert missed == []


def test_nothing_but_the_planted_junk_is_marked() -> None:
    load_demo()
    for demo in DEMOS:
        for version, article in zip(demo.versions, stored(demo).versions.order_by("position"), strict=True):
            text = article.text
            planted = {
                i for phrase in version.junk for i in range(text.index(phrase), text.index(phrase) + len(phrase))
            }
            wrongly_marked = [
                text[start:end]
                for start, end, *_ in article.junk_spans
                if any(i not in planted and not text[i].isspace() for i in range(start, end))
            ]
            assert wrongly_marked == [], f"{version.file}: {wrongly_marked}"


def test_the_demo_stories_are_public_and_owned_by_nobody() -> None:
    load_demo()
    assert all(story.owner is None and story.is_public() for story in Story.objects.all())


def test_the_demo_stories_are_loaded_with_their_sentence_vectors():
    output = load_demo()
    assert "Sentence vectors computed and stored for" in output
    articles = Article.objects.filter(story__title__in=[demo.title for demo in DEMOS])
    assert articles.count() == sum(len(demo.versions) for demo in DEMOS)
    assert all(article.has_current_vectors() for article in articles)
