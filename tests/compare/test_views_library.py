"""The library page: stories with their versions, outlets and dates; search; the way to add one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from articles.services import ArticleInput, create_story

pytestmark = pytest.mark.django_db

TEXT = "The harbour ferry will stop running on Sunday after forty years of service, the council said."


@pytest.fixture
def stories():
    ferry = create_story(
        "Harbour ferry to stop",
        [
            ArticleInput(text=TEXT, outlet="Valley Wire", published_on=dt.date(2026, 3, 2)),
            ArticleInput(text=TEXT + " Passengers were sad.", outlet="Millbrook Echo", headline="Ferry's last trip"),
        ],
    )
    library = create_story(
        "Village library reopens",
        [ArticleInput(text="The village library reopened on Monday after a flood in the summer.", outlet="Dale Post")],
    )
    return ferry, library


def test_the_library_lists_stories_with_their_versions_outlets_and_dates(client, stories):
    response = client.get(reverse("compare:library"))
    html = response.content.decode()
    assert response.status_code == 200
    for words in ("Harbour ferry to stop", "Village library reopens", "Valley Wire", "Millbrook Echo", "Dale Post"):
        assert words in html
    assert "2 versions" in html and "1 version " in html
    assert '<time datetime="2026-03-02">2 Mar 2026</time>' in html
    assert "Ferry&#x27;s last trip" in html
    assert f'href="{stories[0].get_absolute_url()}"' in html


def test_searching_by_title_finds_the_story(client, stories):
    html = client.get(reverse("compare:library"), {"q": "ferry"}).content.decode()
    assert "Harbour ferry to stop" in html
    assert "Village library reopens" not in html


def test_searching_by_outlet_finds_the_story_once(client, stories):
    html = client.get(reverse("compare:library"), {"q": "echo"}).content.decode()
    assert html.count("<h2><a") == 1
    assert "Harbour ferry to stop" in html


def test_a_search_with_no_match_says_so(client, stories):
    html = client.get(reverse("compare:library"), {"q": "volcano"}).content.decode()
    assert "No story has “volcano” in its title or outlets." in html


def test_an_htmx_search_gets_only_the_results(client, stories):
    response = client.get(reverse("compare:library"), {"q": "dale"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="results"')
    assert "Village library reopens" in html
    assert "Harbour ferry to stop" not in html


def test_the_search_form_works_with_and_without_javascript(client, stories):
    html = client.get(reverse("compare:library")).content.decode()
    assert 'method="get"' in html and 'hx-get="/"' in html
    assert 'hx-trigger="input changed delay:300ms' in html
    assert '<label for="q">' in html


def test_the_library_offers_to_add_a_story(client):
    html = client.get(reverse("compare:library")).content.decode()
    assert f'href="{reverse("articles:story_new")}"' in html
    assert "No stories yet." in html


def test_story_titles_and_outlets_are_shown_as_text(client):
    create_story("<script>alert(1)</script>", [ArticleInput(text=TEXT, outlet="<img src=x onerror=alert(1)>")])
    html = client.get(reverse("compare:library")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
