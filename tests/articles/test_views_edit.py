"""Editing a version's details and a story's title and notes: at once everywhere, without re-aligning."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from accounts.tokens import create_api_token
from articles.services import ArticleInput, create_story
from compare import services
from compare.models import StoredAlignment

pytestmark = pytest.mark.django_db

WIRE = (
    "The harbour swing bridge stayed open on Tuesday after a motor failed, the council said.\n\n"
    "Commuters queued for the foot ferry, which will run every ten minutes until Friday."
)
REWRITE = (
    "A broken motor left the harbour swing bridge open on Tuesday, the council said.\n\n"
    "Commuters queued for the foot ferry, which will run every ten minutes until Friday."
)


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("teacher", password="pw-teacher-1")


@pytest.fixture
def story(owner):
    return create_story(
        "Bridge",
        [
            ArticleInput(text=WIRE, filename="000_62deb5ae5fda74f9.txt", source="file"),
            ArticleInput(text=REWRITE, filename="001_730206c4979a7c63.txt", source="file"),
        ],
        owner=owner,
    )


@pytest.fixture
def client_in(client, owner):
    client.force_login(owner)
    return client


def edit_url(story, article) -> str:
    return reverse("articles:version_edit", args=[story.slug, article.pk])


def test_the_edit_form_shows_the_versions_details_and_its_file(client_in, story):
    article = story.versions.first()
    html = client_in.get(edit_url(story, article)).content.decode()
    assert "000_62deb5ae5fda74f9.txt" in html  # where it came from, said once
    assert 'name="outlet"' in html and 'name="published_on"' in html and 'name="source_url"' in html


def test_renaming_a_version_shows_everywhere_without_aligning_again(client_in, story):
    services.get_or_compute(story)  # the stored comparison of these texts
    before = StoredAlignment.objects.get(story=story)
    article = story.versions.first()
    response = client_in.post(
        edit_url(story, article),
        {
            "outlet": "Harbour Wire",
            "headline": "Bridge stuck open",
            "published_on": "2026-03-14",
            "source_url": "https://wire.example/bridge",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.outlet, article.headline, article.published_on) == (
        "Harbour Wire",
        "Bridge stuck open",
        dt.date(2026, 3, 14),
    )
    assert article.source_url == "https://wire.example/bridge"
    page = client_in.get(story.get_absolute_url()).content.decode()
    assert '<span class="version-name">Harbour Wire</span>' in page
    assert StoredAlignment.objects.filter(story=story).count() == 1
    assert StoredAlignment.objects.get(story=story).pk == before.pk  # not recomputed
    report = client_in.get(reverse("compare:export_json", args=[story.slug])).content
    assert any(doc.get("outlet") == "Harbour Wire" for doc in json.loads(report)["documents"])
    assert "Bridge" in client_in.get(reverse("compare:library"), {"q": "harbour wire"}).content.decode()
    _, token = create_api_token(story.owner, "newsroom script")
    api = client_in.get(reverse("api:get_story", args=[story.slug]), headers={"Authorization": f"Bearer {token}"})
    assert "Harbour Wire" in api.content.decode()


def test_the_library_search_finds_an_outlet_set_later(client_in, story):
    library = reverse("compare:library")
    assert "No story has" in client_in.get(library, {"q": "Bloomberg"}).content.decode()
    client_in.post(edit_url(story, story.versions.last()), {"outlet": "Bloomberg"})
    assert story.get_absolute_url() in client_in.get(library, {"q": "Bloomberg"}).content.decode()


def test_a_bad_date_is_refused_naming_the_field_and_keeping_what_was_typed(client_in, story):
    article = story.versions.first()
    response = client_in.post(edit_url(story, article), {"outlet": "Harbour Wire", "published_on": "31/02/2026"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Date published" in html and 'value="Harbour Wire"' in html
    article.refresh_from_db()
    assert article.outlet == ""


def test_emptying_the_outlet_falls_back_to_the_headline_never_the_file_name(client_in, story):
    article = story.versions.first()
    client_in.post(edit_url(story, article), {"outlet": "", "headline": "Bridge stuck open"})
    page = client_in.get(story.get_absolute_url()).content.decode()
    assert "Bridge stuck open" in page
    assert "62deb5ae5fda74f9" not in page


def test_a_version_of_another_story_cannot_be_edited_through_this_one(client_in, story, owner):
    other = create_story("Other", [ArticleInput(text=WIRE + " Extra words here.")], owner=owner)
    response = client_in.post(edit_url(story, other.versions.first()), {"outlet": "Hijacked"})
    assert response.status_code == 404
    assert other.versions.first().outlet == ""


def test_the_story_can_be_retitled_and_keeps_its_address(client_in, story):
    url = reverse("articles:story_edit", args=[story.slug])
    response = client_in.post(url, {"title": "Harbour bridge stuck open", "notes": "Year 9, week 3"})
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    story.refresh_from_db()
    assert (story.title, story.notes) == ("Harbour bridge stuck open", "Year 9, week 3")
    page = client_in.get(story.get_absolute_url()).content.decode()
    assert "Harbour bridge stuck open" in page and "Year 9, week 3" in page


def test_an_empty_title_is_refused_and_names_the_field(client_in, story):
    response = client_in.post(reverse("articles:story_edit", args=[story.slug]), {"title": "  ", "notes": "kept"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Title of the story" in html and "kept" in html


def test_the_owner_sees_a_list_of_versions_to_name_even_before_the_comparison(client_in, owner):
    single = create_story("One so far", [ArticleInput(text=WIRE, filename="001_730206c4979a7c63.txt")], owner=owner)
    html = client_in.get(single.get_absolute_url()).content.decode()
    assert 'id="versions-list" open' in html
    assert reverse("articles:version_edit", args=[single.slug, single.versions.first().pk]) in html


def test_a_new_date_can_name_the_other_of_two_near_equal_versions_the_source_without_aligning_again(client_in, story):
    # The two versions come equally close to being each other's source: by their texts the
    # first added is named; dated, the earlier one is, as soon as the dates are saved.
    services.get_or_compute(story)
    before = StoredAlignment.objects.get(story=story)
    first, second = story.versions.order_by("position")
    for article, outlet, day in ((first, "Harbour Wire", 14), (second, "Quay Courier", 13)):
        details = {"outlet": outlet, "headline": "", "published_on": f"2026-03-{day}", "source_url": ""}
        assert client_in.post(edit_url(story, article), details).status_code == 302
    page = client_in.get(story.get_absolute_url()).content.decode()
    source = re.search(r'<div class="source">.*?</div>', page, flags=re.S).group(0)
    assert "<strong>Quay Courier</strong>:" in source
    assert (
        "Harbour Wire comes almost as close, but was published later (14 March 2026, against 13 March 2026)" in source
    )
    assert StoredAlignment.objects.get(story=story).pk == before.pk  # not recomputed
    exported = json.loads(client_in.get(reverse("compare:export_json", args=[story.slug])).content)
    assert exported["source"]["document"] == second.pk
