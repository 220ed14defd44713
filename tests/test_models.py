"""The article library's models and their derived values."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from articles.models import Article, Story, content_hash


def make_story() -> Story:
    return Story.objects.create(title="The harbour bridge", slug="harbour-bridge")


def test_the_content_hash_ignores_line_endings_and_blank_lines():
    assert content_hash("One line.\r\n\r\nTwo lines.") == content_hash("One line.\n\nTwo lines.  ")


def test_the_content_hash_changes_with_a_single_word():
    assert content_hash("The bridge opened on Monday.") != content_hash("The bridge opened on Tuesday.")


@pytest.mark.django_db
def test_saving_an_article_stores_the_hash_of_its_text():
    article = Article.objects.create(story=make_story(), raw="Some words here.", text="Some words here.")
    assert article.content_hash == content_hash("Some words here.")


@pytest.mark.django_db
def test_the_database_refuses_the_same_text_twice_in_one_story():
    story = make_story()
    Article.objects.create(story=story, raw="Same words.", text="Same words.")
    with pytest.raises(IntegrityError):
        Article.objects.create(story=story, raw="Same words.", text="Same words.", position=1)


@pytest.mark.django_db
def test_a_version_is_labelled_by_outlet_then_headline_then_file():
    story = make_story()
    assert Article(story=story, outlet="The Lantern", headline="Bridge").label() == "The Lantern"
    assert Article(story=story, headline="Bridge reopens").label() == "Bridge reopens"
    assert Article(story=story, filename="harbour_wire-copy.txt").label() == "Harbour wire copy"
    assert Article(story=story, position=2).label() == "Version 3"


@pytest.mark.django_db
def test_a_version_is_never_labelled_by_a_file_name_with_its_hash():
    story = make_story()
    assert Article(story=story, filename="001_730206c4979a7c63.txt", position=1).label() == "Version 2"


@pytest.mark.django_db
def test_a_long_headline_is_cut_at_a_word_in_a_label():
    headline = "US officials say Russia has asked China for military and economic assistance for the war"
    label = Article(story=make_story(), headline=headline).label()
    assert label == "US officials say Russia has asked China for military and…"


@pytest.mark.django_db
def test_junk_characters_add_up_the_marked_spans():
    article = Article(text="x" * 100, junk_spans=[[0, 10, "share buttons"], [50, 55, "photo credit"]])
    assert article.junk_characters() == 15


@pytest.mark.django_db
def test_deleting_a_story_deletes_its_versions():
    story = make_story()
    Article.objects.create(story=story, raw="Words of a version.", text="Words of a version.")
    story.delete()
    assert Article.objects.count() == 0


def test_junk_marks_and_ranges_are_plain_offsets_whatever_json_made_of_them():
    # JSON gives lists back; the engine wants tuples of ints.
    article = Article(text="x" * 100, junk_spans=[[0, 10, "share buttons"], [50.0, 55, "photo credit"]])
    assert article.junk_marks() == [(0, 10, "share buttons"), (50, 55, "photo credit")]
    assert article.junk_ranges() == ((0, 10), (50, 55))


def test_the_engine_sees_the_text_and_its_junk_under_the_articles_id():
    article = Article(pk=7, text="The bridge opened. Share this.", junk_spans=[[19, 30, "share buttons"]])
    document = article.engine_document()
    assert (document.id, document.text, document.junk) == ("7", article.text, ((19, 30),))
    assert article.engine_document("article-7").id == "article-7"


@pytest.mark.django_db
def test_the_public_dict_has_what_a_reader_may_know_and_not_the_raw_submission():
    story = make_story()
    article = Article.objects.create(
        story=story, outlet="The Lantern", raw="<html>secret markup</html>", text="The bridge opened on Monday."
    )
    public = article.public_dict()
    assert public["id"] == article.pk and public["outlet"] == "The Lantern"
    assert public["characters"] == len(article.text) and public["junk"] == []
    assert "raw" not in public and "<html>" not in str(public)
