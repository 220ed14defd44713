"""Writes to the library: where every way in ends, with its checks, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.models import Article, Story
from articles.services import (
    ArticleInput,
    IngestError,
    add_article,
    add_articles,
    clean_text,
    create_story,
    delete_article,
    delete_story,
)
from versus.text import readable_size

pytestmark = pytest.mark.django_db

ONE = "The swing bridge stayed open on Tuesday after a motor failed.\n\nCommuters took the ferry."
TWO = "A broken motor left the swing bridge open for a second day.\n\nA ferry runs every ten minutes."
THREE = "Engineers will fit a spare motor to the bridge by Thursday, the harbour master said."


def test_it_creates_a_story_with_its_versions_in_order():
    story = create_story(
        "Harbour bridge",
        [ArticleInput(text=ONE, outlet="Gazette", published_on=dt.date(2025, 3, 4)), ArticleInput(text=TWO)],
    )
    assert story.slug == "harbour-bridge"
    assert [(a.position, a.outlet) for a in story.versions.all()] == [(0, "Gazette"), (1, "")]
    assert story.versions.first().published_on == dt.date(2025, 3, 4)


def test_the_raw_submission_is_kept_apart_from_the_compared_text():
    story = create_story("Bridge", [ArticleInput(text="  " + ONE.replace("\n", "\r\n") + "\n\n", raw="<p>as sent</p>")])
    article = story.versions.get()
    assert article.text == ONE
    assert article.raw == "<p>as sent</p>"


def test_it_marks_junk_unless_the_caller_already_did():
    text = ONE + "\n\nAdvertisement"
    story = create_story("Bridge", [ArticleInput(text=text), ArticleInput(text=TWO, junk=[(0, 1, "given")])])
    detected, given = story.versions.all()
    assert detected.junk_spans == [[len(ONE) + 2, len(text), "advertisement"]]
    assert given.junk_spans == [[0, 1, "given"]]


def test_slugs_are_unique_and_never_shadow_the_add_page():
    first = create_story("Harbour bridge", [ArticleInput(text=ONE)])
    second = create_story("Harbour bridge", [ArticleInput(text=ONE)])
    new = create_story("New", [ArticleInput(text=ONE)])
    assert (first.slug, second.slug) == ("harbour-bridge", "harbour-bridge-2")
    assert new.slug == "new-2"


def test_a_title_written_as_html_gives_the_slug_of_its_visible_words_and_is_kept_as_typed():
    story = create_story("<b>Ferry &amp; port</b> strike", [ArticleInput(text=ONE)])
    again = create_story("Ferry & port strike", [ArticleInput(text=ONE)])
    assert (story.slug, again.slug) == ("ferry-port-strike", "ferry-port-strike-2")
    assert story.title == "<b>Ferry &amp; port</b> strike"


def test_a_story_needs_a_title():
    with pytest.raises(IngestError, match="needs a title"):
        create_story("   ", [ArticleInput(text=ONE)])
    assert not Story.objects.exists()


@pytest.mark.parametrize("text", ["", "   \n\n  ", "\x00\x00"])
def test_it_rejects_an_empty_article(text):
    with pytest.raises(IngestError, match="the text is empty"):
        create_story("Bridge", [ArticleInput(text=text, filename="blank.txt")])
    assert not Story.objects.exists()


def test_an_empty_version_from_the_command_line_is_told_to_give_a_file_not_to_paste():
    with pytest.raises(IngestError, match="blank.txt: the text is empty. Give a file that holds the article's words."):
        create_story("Bridge", [ArticleInput(text=" ", filename="blank.txt", source=Article.Source.COMMAND)])


def test_it_rejects_a_text_of_two_words():
    with pytest.raises(IngestError, match="fewer than three words"):
        create_story("Bridge", [ArticleInput(text="Bridge open")])


def test_it_rejects_an_article_over_the_size_limit_counting_characters(settings):
    settings.VERSUS_MAX_ARTICLE_CHARACTERS = 2_000_000
    with pytest.raises(IngestError, match=r"the text is 2,499,999 characters long, more than the limit of 2,000,000"):
        create_story("Bridge", [ArticleInput(text="word " * 500_000)])


def test_the_size_limit_counts_characters_so_chinese_gets_as_long_an_article_as_english(settings):
    settings.VERSUS_MAX_ARTICLE_CHARACTERS = 1000
    chinese = "港口的旋转桥周二因电机故障一直开着。" * 55  # 990 characters, 2,970 bytes of UTF-8
    story = create_story("Bridge", [ArticleInput(text=chinese)])
    assert story.versions.get().text == chinese
    with pytest.raises(IngestError, match="1,004 characters long"):
        create_story("Bridge", [ArticleInput(text=chinese + "港口的旋转桥周二因电机故障一")])


def test_one_bad_version_leaves_nothing_behind():
    with pytest.raises(IngestError):
        create_story("Bridge", [ArticleInput(text=ONE), ArticleInput(text=TWO), ArticleInput(text="")])
    assert not Story.objects.exists()
    assert not Article.objects.exists()


def test_a_failed_addition_leaves_the_story_as_it_was():
    story = create_story("Bridge", [ArticleInput(text=ONE)])
    with pytest.raises(IngestError, match="same text"):
        add_articles(story, [ArticleInput(text=TWO), ArticleInput(text=ONE.replace("\n\n", "\n"))])
    assert [a.text for a in story.versions.all()] == [ONE]


def test_the_same_text_twice_in_one_go_names_both():
    with pytest.raises(IngestError, match="b.txt has the same text as a.txt"):
        create_story("Bridge", [ArticleInput(text=ONE, filename="a.txt"), ArticleInput(text=ONE, filename="b.txt")])


def test_the_version_limit_counts_what_the_story_already_has(settings):
    settings.VERSUS_MAX_VERSIONS_PER_STORY = 2
    story = create_story("Bridge", [ArticleInput(text=ONE)])
    add_article(story, ArticleInput(text=TWO))
    with pytest.raises(IngestError, match="at most 2 versions; this one has 2 and you tried to add 1"):
        add_article(story, ArticleInput(text=THREE))


def test_added_versions_go_after_the_last_one_even_after_a_deletion():
    story = create_story("Bridge", [ArticleInput(text=ONE), ArticleInput(text=TWO)])
    delete_article(story.versions.get(position=0))
    added = add_article(story, ArticleInput(text=THREE))
    assert added.position == 2


def test_deleting_a_story_deletes_its_versions():
    story = create_story("Bridge", [ArticleInput(text=ONE), ArticleInput(text=TWO)])
    delete_story(story)
    assert not Story.objects.exists()
    assert not Article.objects.exists()


def test_clean_text_unifies_line_endings_and_trims_the_ends():
    assert clean_text("\r\n  One.\r\nTwo.\rThree.  \n") == "One.\nTwo.\nThree."


@pytest.mark.parametrize(
    ("size", "said"), [(1, "1 KB"), (850_000, "850 KB"), (2_000_000, "2.0 MB"), (2_450_000, "2.5 MB")]
)
def test_sizes_are_said_the_way_people_say_them(size, said):
    assert readable_size(size) == said


def test_sentence_vectors_are_computed_once_per_version():
    from articles.services import store_sentence_vectors

    story = create_story("Bridge", [ArticleInput(text=ONE), ArticleInput(text=TWO)])
    versions = list(story.versions.all())
    assert store_sentence_vectors(versions) == 2
    assert all(article.has_current_vectors() for article in story.versions.all())
    assert store_sentence_vectors(list(story.versions.all())) == 0  # nothing stale: nothing computed again


def test_stale_sentence_vectors_are_recomputed_after_the_text_is_edited():
    from articles.services import store_sentence_vectors

    story = create_story("Bridge", [ArticleInput(text=ONE), ArticleInput(text=TWO)])
    store_sentence_vectors(list(story.versions.all()))
    edited = story.versions.get(text=TWO)
    old_key = edited.vectors_key
    edited.text = TWO + " " + THREE
    edited.save()
    assert store_sentence_vectors(list(story.versions.all())) == 1  # only the edited one
    edited.refresh_from_db()
    assert edited.vectors_key != old_key and edited.has_current_vectors()
    assert edited.engine_document().vectors.shape[0] == 3


def test_vectors_are_not_written_over_a_text_edited_while_they_were_computed():
    from articles.services import save_vectors

    article = add_article(create_story("Bridge", [ArticleInput(text=ONE)]), ArticleInput(text=TWO))
    Article.objects.filter(pk=article.pk).update(text=THREE, content_hash="edited meanwhile")
    assert not save_vectors(article, b"\x00" * 768, "key of the old text")
    article.refresh_from_db()
    assert article.vectors is None and article.vectors_key == ""


def test_a_story_whose_versions_together_pass_the_size_limit_is_refused_and_nothing_is_stored(settings):
    settings.VERSUS_MAX_STORY_CHARACTERS = 600
    first = "The ferry to Marrow Island will not sail for twelve days, the harbour said. " * 4
    story = create_story("Ferry", [ArticleInput(text=first)])
    second = "Engineers will inspect the damaged pier on Monday, the council said today. " * 5
    with pytest.raises(IngestError, match="at most 600"):
        add_articles(story, [ArticleInput(text=second)])
    assert story.versions.count() == 1
    with pytest.raises(IngestError, match="characters long"):
        create_story("Both at once", [ArticleInput(text=first), ArticleInput(text=second)])
    assert not Story.objects.filter(title="Both at once").exists()
