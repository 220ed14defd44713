"""The story page's rows, built from a real alignment of the demo stories: nothing lost, nothing twice."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from articles.models import Story
from compare import layout, services

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0, reset=True)
        results = []
        for story in Story.objects.all():
            articles = services.versions_of(story)
            results.append((articles, services.load_alignment(services.get_or_compute(story, articles))))
        yield results
        Story.objects.all().delete()


def test_every_sentence_of_every_version_is_shown_exactly_once_whatever_the_base(demo):
    for articles, alignment in demo:
        versions = layout.build_versions(articles)
        ids = list(versions)
        for base in ids:
            comparison = layout.build_comparison(alignment, versions, base, [i for i in ids if i != base])
            for version in ids:
                shown = Counter(
                    segment
                    for row in comparison.rows
                    for piece in row.pieces
                    if piece.version.id == version and piece.gap is None
                    for segment in piece.covers
                )
                expected = range(len(alignment.segments[version]))
                assert sorted(shown) == list(expected), (base, version)
                assert all(count == 1 for count in shown.values()), (base, version)


def test_rows_follow_the_base_in_its_own_order(demo):
    for articles, alignment in demo:
        versions = layout.build_versions(articles)
        base = next(iter(versions))
        comparison = layout.build_comparison(alignment, versions, base, [i for i in versions if i != base])
        order = [row.cells[0].pieces[0].segment for row in comparison.rows if not row.extra]
        assert order == sorted(order)


def test_share_percentages_add_up_to_a_full_bar(demo):
    for articles, alignment in demo:
        versions = layout.build_versions(articles)
        ids = list(versions)
        for bar in layout.share_bars(alignment, versions, ids[0], ids):
            assert sum(percent for _, percent, _ in bar.parts) == 100
            assert all(offset + percent <= 100 for _, percent, offset in bar.parts)


def test_a_pair_out_of_order_in_the_other_version_counts_as_moved():
    # Pairs in base order whose other-side positions go 0, 5, 1, 2: the one at 5 is out of order.
    from compare.engine import Pair

    def pair(a: int, b: int) -> Pair:
        return Pair(a=(a,), b=(b,), a_span=(0, 1), b_span=(0, 1), kind="verbatim", score=1.0)

    kept = layout._in_order([pair(0, 0), pair(1, 5), pair(2, 1), pair(3, 2)])
    assert kept == {0, 2, 3}


def test_text_outside_every_sentence_is_found_as_gaps():
    from compare.engine import Segment

    text = "Share this\n\nFirst sentence. Second one.\n\nPost a comment"
    first = text.index("First")
    segments = [
        Segment(index=0, start=first, end=first + 15, paragraph=0),
        Segment(index=1, start=first + 16, end=first + 27, paragraph=0),
    ]
    gaps = layout.text_gaps(text, segments)
    assert [(after, text[s:e]) for after, s, e in gaps] == [(-1, "Share this"), (1, "Post a comment")]
