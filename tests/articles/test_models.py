"""The article library's models and their derived values."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from articles.models import Article, Story, content_hash
from articles.services import ArticleInput, create_story
from compare.services import versions_of


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
def test_a_version_is_labelled_by_outlet_else_by_its_number_with_its_headline_or_file():
    story = make_story()
    assert Article(story=story, outlet="The Lantern", headline="Bridge").label() == "The Lantern"
    assert Article(story=story, headline="Bridge reopens").label() == "Version 1 (Bridge reopens)"
    assert Article(story=story, filename="harbour_wire-copy.txt").label() == "Version 1 (Harbour wire copy)"
    assert Article(story=story, position=2).label() == "Version 3"


@pytest.mark.django_db
def test_a_version_is_never_labelled_by_a_file_name_with_its_hash():
    story = make_story()
    assert Article(story=story, filename="001_730206c4979a7c63.txt", position=1).label() == "Version 2"


@pytest.mark.django_db
def test_a_long_headline_is_cut_at_a_word_in_a_label():
    headline = "US officials say Russia has asked China for military and economic assistance for the war"
    label = Article(story=make_story(), headline=headline).label()
    assert label == "Version 1 (US officials say Russia has asked China…)"


@pytest.mark.django_db
def test_two_versions_without_an_outlet_under_one_headline_are_named_apart():
    story = make_story()
    headline = "Harbour bridge to reopen on Friday after three weeks of repairs to its motor"
    first, second = Article(story=story, headline=headline), Article(story=story, headline=headline, position=1)
    assert first.label() != second.label()
    assert (first.short_label(), second.short_label()) == ("Version 1", "Version 2")
    # Where there is room the headline is shown beside the name, unless the name holds it whole.
    assert first.headline_aside() == headline
    assert Article(story=story, headline="Bridge reopens").headline_aside() == ""


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


VECTOR_TEXT = (
    "The swing bridge stayed open on Tuesday after a motor failed. Commuters took the ferry.\n\n"
    "Engineers will fit a spare motor by Thursday, the harbour master said."
)


def stored_article(text: str = VECTOR_TEXT) -> Article:
    """An article whose sentence vectors were computed and written as the alignment task does it."""
    from articles.services import store_sentence_vectors

    article = Article.objects.create(story=make_story(), raw=text, text=text, junk_spans=[[0, 0, "test"]])
    assert store_sentence_vectors([article]) == 1
    return Article.objects.get(pk=article.pk)  # read back from the database


@pytest.mark.django_db
def test_sentence_vectors_come_back_from_the_database_bit_for_bit():
    from compare.engine import embed

    article = stored_article()
    fresh = embed.document_vectors(article.engine_document(with_vectors=False))
    loaded = article.engine_document().vectors
    assert loaded is not None
    assert loaded.dtype == fresh.dtype and loaded.shape == fresh.shape
    assert loaded.tobytes() == fresh.tobytes()
    assert article.has_current_vectors()


@pytest.mark.django_db
def test_the_engine_document_carries_the_articles_text_junk_and_id():
    article = stored_article()
    document = article.engine_document()
    assert (document.id, document.text, document.junk) == (str(article.pk), VECTOR_TEXT, ((0, 0),))


@pytest.mark.django_db
def test_vectors_of_an_earlier_text_are_not_given_to_the_engine():
    article = stored_article()
    article.text = VECTOR_TEXT.replace("Thursday", "Friday")
    article.save()
    assert article.engine_document().vectors is None
    assert not article.has_current_vectors()


@pytest.mark.django_db
def test_a_damaged_vectors_column_gives_no_vectors_rather_than_wrong_ones():
    article = stored_article()
    Article.objects.filter(pk=article.pk).update(vectors=bytes(article.vectors)[:-2])
    assert Article.objects.get(pk=article.pk).engine_document().vectors is None


@pytest.mark.django_db
def test_an_article_never_embedded_is_compared_lexically():
    article = Article.objects.create(story=make_story(), raw=VECTOR_TEXT, text=VECTOR_TEXT)
    assert article.vectors is None and article.vectors_key == ""
    assert article.engine_document().vectors is None
    assert not article.has_current_vectors()


FERRY = "The island ferry will cost a euro more from April, the harbour board said on Monday."
FERRY_AGAIN = "From April the island ferry will cost one euro more, according to the harbour board."
FERRY_BRIEF = "Ferry fares rise by a euro in April."


def ferry_story() -> Story:
    return create_story(
        "Ferry fares",
        [
            ArticleInput(text=FERRY, outlet="Harbour Herald"),
            ArticleInput(text=FERRY_AGAIN, outlet="Island Post"),
            ArticleInput(text=FERRY_BRIEF, outlet="harbour  herald"),
        ],
    )


@pytest.mark.django_db
def test_two_versions_from_the_same_outlet_are_named_apart_and_the_others_by_their_outlet_alone():
    first, post, second = ferry_story().versions.all()
    assert [first.label(), post.label(), second.label()] == [
        "Harbour Herald (version 1)",
        "Island Post",
        "harbour  herald (version 3)",
    ]
    assert first.short_label() == "Harbour Herald (1)" and post.short_label() == "Island Post"
    assert first.public_dict()["label"] == "Harbour Herald (version 1)"


@pytest.mark.django_db
def test_renaming_the_repeated_outlet_names_the_version_by_its_outlet_alone_again():
    first, _, second = ferry_story().versions.all()
    assert second.label() == "harbour  herald (version 3)"
    second.outlet = "Ferry Times"
    assert second.label() == "Ferry Times"


@pytest.mark.django_db
def test_a_storys_versions_loaded_for_its_page_are_named_without_a_query_each(django_assert_num_queries):
    story = ferry_story()
    with django_assert_num_queries(1):
        versions = versions_of(story)
        labels = [(version.label(), version.short_label()) for version in versions]
    assert labels[0] == ("Harbour Herald (version 1)", "Harbour Herald (1)")
