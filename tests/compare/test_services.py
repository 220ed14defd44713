"""Stored alignments: computed once, kept, and recomputed only when the versions change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.services import ArticleInput, add_article, create_story
from compare import services, tasks
from compare.models import StoredAlignment

pytestmark = pytest.mark.django_db

AGENCY = (
    "The Millbrook ferry will stop running on Sunday after forty years, the council said on Tuesday.\n\n"
    "Councillor Edna Pruitt said the boat needed repairs costing 80,000 pounds. "
    "A footbridge upstream will stay open."
)
REPRINT = (
    "The Millbrook ferry will stop running on Sunday after 40 years, the council said on Tuesday.\n\n"
    "Councillor Edna Pruitt said the boat needed repairs costing 90,000 pounds. "
    "A footbridge upstream will stay open. Regular passengers said they were sad."
)


def make_story():
    return make_story_named("Millbrook ferry to stop")


def make_story_named(title: str):
    return create_story(
        title,
        [ArticleInput(text=AGENCY, outlet="Valley Wire"), ArticleInput(text=REPRINT, outlet="Millbrook Echo")],
    )


def test_the_alignment_is_computed_once_and_then_reused():
    story = make_story()
    first = services.get_or_compute(story)
    again = services.get_or_compute(story)
    assert first.status == StoredAlignment.Status.DONE
    assert again.pk == first.pk
    assert again.updated_at == first.updated_at  # not written again: nothing was recomputed
    assert StoredAlignment.objects.filter(story=story).count() == 1


def test_the_stored_result_loads_back_into_the_engines_dataclasses():
    story = make_story()
    alignment = services.load_alignment(services.get_or_compute(story))
    ids = {str(article.pk) for article in story.versions.all()}
    assert set(alignment.documents) == ids
    assert alignment.pairwise  # there is something to show


def test_adding_a_version_recomputes_the_alignment():
    story = make_story()
    first = services.get_or_compute(story)
    add_article(story, ArticleInput(text=AGENCY + " The last crossing is at noon.", outlet="Radio Mill"))
    second = services.get_or_compute(story)
    assert second.key != first.key
    assert len(services.load_alignment(second).documents) == 3
    assert not StoredAlignment.objects.filter(pk=first.pk).exists()  # the stale result is gone


def test_changing_a_versions_text_recomputes_the_alignment():
    story = make_story()
    first = services.get_or_compute(story)
    article = story.versions.get(outlet="Millbrook Echo")
    article.text = REPRINT.replace("sad", "upset")
    article.save()
    second = services.get_or_compute(story)
    assert second.key != first.key
    assert second.status == StoredAlignment.Status.DONE


def test_changing_only_an_outlet_name_keeps_the_alignment():
    story = make_story()
    first = services.get_or_compute(story)
    story.versions.filter(outlet="Millbrook Echo").update(outlet="The Millbrook Echo")
    assert services.get_or_compute(story).pk == first.pk


def test_removing_a_version_recomputes_the_alignment():
    story = make_story()
    add_article(story, ArticleInput(text=AGENCY + " The last crossing is at noon.", outlet="Radio Mill"))
    first = services.get_or_compute(story)
    story.versions.get(outlet="Radio Mill").delete()
    second = services.get_or_compute(story)
    assert second.key != first.key
    assert len(services.load_alignment(second).documents) == 2


def test_the_key_does_not_depend_on_the_order_of_the_versions():
    story = make_story()
    articles = list(story.versions.all())
    assert services.alignment_key(articles) == services.alignment_key(list(reversed(articles)))


def test_a_computation_running_elsewhere_is_not_started_twice():
    story = make_story()
    articles = services.versions_of(story)
    running, mine = services.claim_alignment(story, services.alignment_key(articles), total=1)
    assert mine
    seen = services.get_or_compute(story)
    assert seen.pk == running.pk
    assert seen.status == StoredAlignment.Status.RUNNING
    assert seen.data is None


def test_a_computation_abandoned_long_ago_is_taken_over():
    story = make_story()
    articles = services.versions_of(story)
    running, _ = services.claim_alignment(story, services.alignment_key(articles), total=1)
    long_ago = timezone.now() - services.stale_after() - timedelta(seconds=5)
    StoredAlignment.objects.filter(pk=running.pk).update(updated_at=long_ago)
    assert services.get_or_compute(story).status == StoredAlignment.Status.DONE


def test_progress_is_recorded_while_computing():
    story = make_story()
    add_article(story, ArticleInput(text=AGENCY + " The last crossing is at noon.", outlet="Radio Mill"))
    stored = services.get_or_compute(story)
    assert stored.progress_total == 3  # three pairs of versions
    assert stored.progress_done == 3
    assert stored.progress_percent() == 100


@pytest.mark.django_db(transaction=True)
def test_a_page_visit_queues_the_task_which_with_the_immediate_backend_is_done_at_once():
    story = make_story()
    stored = tasks.ensure_alignment(story)
    assert stored.status == StoredAlignment.Status.DONE
    assert stored.task_id  # it went through the task queue
    assert tasks.ensure_alignment(story).pk == stored.pk


def test_a_second_visit_while_the_alignment_is_pending_queues_nothing():
    story = make_story()
    articles = services.versions_of(story)
    key = services.alignment_key(articles)
    first = services.request_alignment(story, key, total=1)
    second = services.request_alignment(story, key, total=1)
    assert first.must_queue
    assert not second.must_queue
    assert second.stored.pk == first.stored.pk


def test_a_running_alignment_whose_heartbeat_stopped_is_queued_again():
    story = make_story()
    articles = services.versions_of(story)
    key = services.alignment_key(articles)
    running, _ = services.claim_alignment(story, key, total=1)
    long_ago = timezone.now() - services.stale_after() - timedelta(seconds=5)
    StoredAlignment.objects.filter(pk=running.pk).update(updated_at=long_ago)
    request = services.request_alignment(story, key, total=1)
    assert request.must_queue
    assert request.stored.status == StoredAlignment.Status.PENDING


def test_a_worker_given_up_for_dead_cannot_write_its_result_over_the_new_attempt():
    story = make_story()
    articles = services.versions_of(story)
    key = services.alignment_key(articles)
    lost, _ = services.claim_alignment(story, key, total=1)
    StoredAlignment.objects.filter(pk=lost.pk).update(updated_at=timezone.now() - services.stale_after())
    taken_over, mine = services.claim_alignment(story, key, total=1)
    assert mine and taken_over.attempt == lost.attempt + 1
    assert not services.record_progress(lost, 1, 1)
    services.store_result(lost, {"not": "this"}, 1.0)
    row = StoredAlignment.objects.get(pk=lost.pk)
    assert row.status == StoredAlignment.Status.RUNNING
    assert row.data is None


def test_a_lexical_result_stored_before_the_model_was_there_is_not_shown_once_it_is():
    story = make_story()
    articles = services.versions_of(story)
    lexical = StoredAlignment.objects.create(
        story=story,
        key=services.alignment_key(articles, services.LEXICAL),
        status=StoredAlignment.Status.DONE,
        data={"computed": "without the model"},
        mode=services.LEXICAL,
    )
    assert services.alignment_key(articles) != lexical.key
    stored = services.get_or_compute(story)
    assert stored.pk != lexical.pk and stored.mode == services.SEMANTIC
    assert not StoredAlignment.objects.filter(pk=lexical.pk).exists()


def test_a_result_computed_with_stored_vectors_says_semantic_and_one_without_says_lexical():
    from compare.engine import Document

    with_vectors = [article.engine_document() for article in make_story().versions.all()]
    assert services.alignment_mode(with_vectors) == services.LEXICAL  # none computed yet
    assert services.alignment_mode([Document("a", "text")]) == services.LEXICAL
    story = services.get_or_compute(make_story_named("Ferry, again")).story
    documents = services.documents_for(services.versions_of(story))
    assert services.alignment_mode(documents) == services.SEMANTIC
