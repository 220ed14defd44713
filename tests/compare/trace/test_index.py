"""The library index: kept in step with saves and deletes, rebuilt by a command, searched by key."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from library_texts import FERRY, OBSERVATORY, ORCHARD

from articles.models import Article, IndexedArticle, IndexKey
from articles.services import ArticleInput, create_story, delete_article, delete_story
from compare.engine import FINGERPRINT_SCHEME, fingerprint_keys, fingerprint_sentences
from compare.trace import index

pytestmark = pytest.mark.django_db


def keys_of(article: Article) -> set[int]:
    return set(IndexKey.objects.filter(article=article).values_list("key", flat=True))


def make_story(title: str, *texts: str):
    return create_story(title, [ArticleInput(text=t, outlet=f"Outlet {n}") for n, t in enumerate(texts)])


def test_an_article_is_indexed_when_it_is_saved():
    story = make_story("Ferry", FERRY)
    article = story.versions.get()
    assert keys_of(article) == fingerprint_keys(article.text)
    entry = IndexedArticle.objects.get(article=article)
    assert entry.scheme == FINGERPRINT_SCHEME
    assert entry.content_hash == article.content_hash
    assert entry.sentences == len(fingerprint_sentences(article.text))


def test_saving_without_changing_the_text_keeps_the_keys():
    article = make_story("Ferry", FERRY).versions.get()
    before = set(IndexKey.objects.filter(article=article).values_list("pk", flat=True))
    article.headline = "A new headline"
    article.save()
    assert set(IndexKey.objects.filter(article=article).values_list("pk", flat=True)) == before


def test_changing_the_text_replaces_the_keys():
    article = make_story("Ferry", FERRY).versions.get()
    article.text = ORCHARD
    article.save()
    assert keys_of(article) == fingerprint_keys(ORCHARD)
    assert IndexedArticle.objects.get(article=article).content_hash == article.content_hash


def test_junk_spans_are_not_indexed():
    clutter = "Subscribe to our newsletter for the latest local headlines every single morning."
    text = FERRY + "\n\n" + clutter
    start = text.index(clutter)
    story = create_story("Ferry", [ArticleInput(text=text, junk=[(start, start + len(clutter), "promo")])])
    assert keys_of(story.versions.get()) == fingerprint_keys(FERRY)


def test_deleting_an_article_or_its_story_removes_its_keys():
    story = make_story("Two", FERRY, ORCHARD)
    ferry, orchard = story.versions.order_by("position")
    delete_article(ferry)
    assert not IndexKey.objects.filter(article_id=ferry.pk).exists()
    assert keys_of(orchard)
    delete_story(story)
    assert IndexKey.objects.count() == 0
    assert IndexedArticle.objects.count() == 0


def test_rebuild_index_command_restores_a_wiped_index(capsys):
    make_story("Three", FERRY, ORCHARD, OBSERVATORY)
    expected = {a.pk: fingerprint_keys(a.text) for a in Article.objects.all()}
    IndexKey.objects.all().delete()
    IndexedArticle.objects.all().delete()
    call_command("rebuild_index", "--quiet")
    assert {a.pk: keys_of(a) for a in Article.objects.all()} == expected
    assert "Indexed 3 articles" in capsys.readouterr().out


def test_rebuild_stale_only_touches_articles_missing_or_out_of_date():
    story = make_story("Three", FERRY, ORCHARD, OBSERVATORY)
    ferry, orchard, observatory = story.versions.order_by("position")
    IndexedArticle.objects.filter(article=ferry).delete()
    IndexKey.objects.filter(article=ferry).delete()
    # A bulk update bypasses the save signal: the stored keys are now stale.
    Article.objects.filter(pk=orchard.pk).update(text=FERRY + " Updated.", content_hash="changed")
    untouched = set(IndexKey.objects.filter(article=observatory).values_list("pk", flat=True))
    report = index.rebuild_index(stale_only=True)
    assert report.articles == 2
    assert keys_of(ferry) == fingerprint_keys(FERRY)
    assert keys_of(orchard) == fingerprint_keys(FERRY + " Updated.")
    assert set(IndexKey.objects.filter(article=observatory).values_list("pk", flat=True)) == untouched


def test_rebuild_with_worker_processes_gives_the_same_index():
    make_story("Three", FERRY, ORCHARD, OBSERVATORY)
    index.rebuild_index()
    single = set(IndexKey.objects.values_list("article_id", "key"))
    index.rebuild_index(workers=2)
    assert set(IndexKey.objects.values_list("article_id", "key")) == single


def test_candidates_are_ranked_by_shared_keys_and_limited_to_the_given_articles():
    first = make_story("Ferry", FERRY).versions.get()
    half = "\n\n".join(FERRY.split("\n\n")[:3] + ORCHARD.split("\n\n")[3:])
    second = make_story("Half", half).versions.get()
    make_story("Observatory", OBSERVATORY)
    found = index.find_candidates(fingerprint_keys(FERRY), Article.objects.all())
    assert [pk for pk, _ in found] == [first.pk, second.pk]
    only_second = index.find_candidates(fingerprint_keys(FERRY), Article.objects.filter(pk=second.pk))
    assert [pk for pk, _ in only_second] == [second.pk]
    assert index.find_candidates(fingerprint_keys(FERRY), Article.objects.none()) == []


def test_candidates_below_the_minimum_of_shared_keys_are_left_out():
    ferry = make_story("Ferry", FERRY).versions.get()
    one_sentence = paragraphs_of(FERRY)[2]
    keys = fingerprint_keys(one_sentence)
    assert index.find_candidates(keys, None, min_hits=len(keys)) == [(ferry.pk, len(keys))]
    assert index.find_candidates(keys, None, min_hits=len(keys) + 1) == []


def test_many_candidates_are_checked_against_the_allowed_articles_page_by_page(monkeypatch):
    monkeypatch.setattr(index, "CHECK_PAGE", 2)
    stored = [make_story(f"Copy {n}", FERRY + f"\n\nCopy number {n} of the ferry story ends here.") for n in range(5)]
    last = stored[-1].versions.get()
    found = index.find_candidates(fingerprint_keys(FERRY), Article.objects.filter(pk=last.pk), limit=3)
    assert [pk for pk, _ in found] == [last.pk]


def paragraphs_of(text: str) -> list[str]:
    return text.split("\n\n")


def test_rebuild_index_shows_progress_on_stderr():
    make_story("Two", FERRY, ORCHARD)
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_index", "--workers", "1", stdout=out, stderr=err)
    assert "\r2/2 articles (100%)\n" in err.getvalue()
    assert "Indexed 2 articles" in out.getvalue()
