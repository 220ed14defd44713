"""Trace a text: finds the stored sources of its passages, ranks them, says what is new."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from library_texts import FERRY, NEW_PASSAGE, OBSERVATORY, ORCHARD, paragraphs

from articles.access import visible_articles
from articles.models import Article
from articles.services import ArticleInput, create_story
from compare.engine import PairAlignment, reuse
from compare.kinds import TABLE
from compare.trace import service
from compare.trace.service import TracedSource, TraceError, source_percents, trace_text

pytestmark = pytest.mark.django_db


def store(title: str, text: str) -> Article:
    return create_story(title, [ArticleInput(text=text, outlet=title)]).versions.get()


@pytest.fixture
def library() -> dict[str, Article]:
    return {"ferry": store("Ferry", FERRY), "orchard": store("Orchard", ORCHARD), "sky": store("Sky", OBSERVATORY)}


def test_it_finds_the_source_of_a_verbatim_copy(library):
    result = trace_text(FERRY, articles=Article.objects.all())
    assert [s.article for s in result.sources] == [library["ferry"]]
    assert result.sources[0].shares["verbatim"] == pytest.approx(1.0)
    assert result.traced_share == pytest.approx(1.0)
    assert result.new_share == pytest.approx(0.0)


def test_it_ranks_sources_by_how_much_of_the_text_each_accounts_for(library):
    # Three paragraphs from the orchard story, one from the observatory, and a new passage.
    text = "\n\n".join(paragraphs(ORCHARD)[1:4] + paragraphs(OBSERVATORY)[2:3] + [NEW_PASSAGE])
    result = trace_text(text, articles=Article.objects.all())
    assert [s.article for s in result.sources] == [library["orchard"], library["sky"]]
    orchard, sky = result.sources
    assert orchard.share > sky.share > 0
    assert 0 < result.new_share < 0.5
    assert result.traced_share == pytest.approx(orchard.share + sky.share)
    new_text = " ".join(result.text[s.start : s.end] for s in result.new_segments())
    assert "night trains" in new_text
    assert "pear orchard" not in new_text


def test_pairs_point_into_the_traced_text_and_the_source(library):
    text = "\n\n".join(paragraphs(ORCHARD)[1:3])
    result = trace_text(text, articles=Article.objects.all())
    source = result.sources[0]
    for pair in source.pairs:
        assert result.text[pair.a_span[0] : pair.a_span[1]] in ORCHARD
    # Every sentence copied is found verbatim; the source's headline may also correspond to
    # the lead it summarises (a second correspondence), which is not copied text.
    copied = [p for p in source.pairs if source.article.text[p.b_span[0] : p.b_span[1]] in text]
    assert {i for p in copied for i in p.a} == {s.index for s in result.segments}
    assert all(p.kind == "verbatim" for p in copied)


def test_it_finds_an_edited_and_reordered_copy(library):
    edited = FERRY.replace("ninety passengers", "ninety-five passengers").replace("on Tuesday", "on Wednesday")
    reordered = "\n\n".join(reversed(paragraphs(edited)))
    result = trace_text(reordered, articles=Article.objects.all())
    assert result.sources[0].article == library["ferry"]
    assert result.sources[0].shares["edited"] > 0
    assert result.traced_share == pytest.approx(1.0)


def test_a_sources_figures_are_the_story_pages_figures_even_where_two_kinds_tie():
    # Four sixths verbatim, one sixth edited, one paraphrased: 66.7, 16.7 and 16.7 leave two points
    # to give out among three equal remainders. The story page gives them in the kinds' order; working
    # out "not found" as 1 minus the rest gave them by the last bit of a float instead (66, 17, 17).
    sixths = {"verbatim": 4 / 6, "edited": 1 / 6, "paraphrase": 1 / 6, "unique": 0.0}
    alignment = PairAlignment("traced", "article-1", [], [], [], [], [], shares_a=sixths)
    source = TracedSource(article=Article(), share=1.0, shares={}, pairs=[], alignment=alignment, keys_matched=2)
    figures = reuse(alignment)
    assert source_percents(source) == [figures.verbatim, figures.edited, figures.paraphrased] == [67, 17, 16]


def test_a_text_sharing_nothing_is_all_new(library):
    result = trace_text(NEW_PASSAGE, articles=Article.objects.all())
    assert result.sources == []
    assert result.new_share == 1.0


def test_only_the_articles_the_caller_may_see_are_searched(library):
    visible = Article.objects.exclude(pk=library["ferry"].pk)
    result = trace_text(FERRY + "\n\n" + paragraphs(ORCHARD)[1], articles=visible)
    assert library["ferry"] not in [s.article for s in result.sources]
    assert [s.article for s in result.sources] == [library["orchard"]]


def test_the_limit_caps_the_sources_but_not_the_traced_share(library):
    text = "\n\n".join(paragraphs(ORCHARD)[1:3] + paragraphs(OBSERVATORY)[1:2])
    everything = trace_text(text, articles=Article.objects.all())
    top = trace_text(text, articles=Article.objects.all(), limit=1)
    assert len(top.sources) == 1
    assert top.sources[0].article == everything.sources[0].article
    assert top.traced_share == pytest.approx(everything.traced_share)


@pytest.mark.parametrize("text", ["", "   \n\n  \t "])
def test_an_empty_text_gets_a_clear_error(library, text):
    with pytest.raises(TraceError, match="no text to trace"):
        trace_text(text, articles=Article.objects.all())


def test_a_text_without_a_real_sentence_gets_a_clear_error(library):
    with pytest.raises(TraceError, match="no sentence of at least 5 words"):
        trace_text("Ferry. Orchard! ??? 12 34", articles=Article.objects.all())


def test_junk_only_text_gets_a_clear_error(library):
    junk = "Accept all cookies\nSkip to main content\nShare on Facebook\nAll rights reserved."
    with pytest.raises(TraceError, match="page clutter"):
        trace_text(junk, articles=Article.objects.all())


def test_other_users_private_stories_are_never_traced_against(django_user_model):
    author = django_user_model.objects.create_user("author", password="not-used-here-1")
    reader = django_user_model.objects.create_user("reader", password="not-used-here-2")
    private = create_story("Private ferry", [ArticleInput(text=FERRY)], owner=author).versions.get()
    public = create_story("Public orchard", [ArticleInput(text=ORCHARD)]).versions.get()
    text = FERRY + "\n\n" + ORCHARD
    assert [s.article for s in trace_text(text, articles=visible_articles(reader)).sources] == [public]
    assert [s.article for s in trace_text(text, articles=visible_articles(AnonymousUser())).sources] == [public]
    by_author = {s.article for s in trace_text(text, articles=visible_articles(author)).sources}
    assert by_author == {private, public}


def test_a_rewrite_is_traced_to_the_other_versions_of_its_source_story():
    # The spun copy shares few exact word sequences with the agency original, which the
    # index does not bring up; its story does (beside the reprint the index finds).
    call_command("load_demo", verbosity=0)
    spun = (settings.BASE_DIR / "articles" / "demo" / "harbour-bridge" / "3-headline-hive-spun.txt").read_text()
    result = trace_text(spun, articles=Article.objects.all())
    outlets = [source.article.outlet for source in result.sources]
    assert "Northwire Press Agency" in outlets and "The Daily Lantern" in outlets
    # A story's other versions count as sources only where they share copied wording with the text.
    assert all(any(TABLE[p.kind].copied for p in source.pairs) for source in result.sources)


def test_the_best_candidates_story_gives_its_other_versions_first(monkeypatch):
    older = create_story(
        "Orchard", [ArticleInput(text=ORCHARD, outlet="A"), ArticleInput(text=OBSERVATORY, outlet="B")]
    )
    newer = create_story("Ferry", [ArticleInput(text=FERRY, outlet="C"), ArticleInput(text=NEW_PASSAGE, outlet="D")])
    weak, best = older.versions.get(outlet="A"), newer.versions.get(outlet="C")
    monkeypatch.setattr(service, "SIBLING_CANDIDATES", 1)
    found = service._other_versions([(best.pk, 12), (weak.pk, 2)], Article.objects.all())
    assert found == [(newer.versions.get(outlet="D").pk, 0)]
    # Only what the caller may search: none of a story the caller cannot see.
    assert service._other_versions([(best.pk, 12)], Article.objects.exclude(story=newer)) == []
