"""What a first-time visitor meets: the library says what Versus does and where to start."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def library(client, **query) -> str:
    return client.get(reverse("compare:library"), query).content.decode()


def test_the_library_says_what_versus_does_and_points_to_the_demo_and_to_adding_a_story(client):
    call_command("load_demo", stdout=io.StringIO())
    html = library(client)
    assert "lays several published versions of one news story side by side" in html
    assert 'href="/stories/new/"' in html
    front = html[html.index('class="front-door"') :][:2000]
    assert "/stories/" in front and "a demo story" in front


def test_an_empty_library_explains_what_a_story_is_and_how_to_add_one(client, django_user_model):
    html = library(client)
    assert "No stories yet." in html and "Log in</a> to add one" in html
    client.force_login(django_user_model.objects.create_user("teacher"))
    html = library(client)
    assert "Add the first one</a>" in html
    assert "load_demo" in html


def test_a_search_without_results_suggests_what_to_try(client):
    call_command("load_demo", stdout=io.StringIO())
    html = library(client, q="zebra crossing")
    assert "No story has “zebra crossing”" in html
    assert "show every story" in html and reverse("compare:trace") in html


def test_the_add_story_form_separates_the_ways_in_and_has_a_place_for_chosen_file_names(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("teacher"))
    html = client.get(reverse("articles:story_new")).content.decode()
    for number, way in ((1, "Paste versions"), (2, "Upload files"), (3, "Import from the web")):
        assert f'<span class="way-number" aria-hidden="true">{number}</span> {way}' in html
    assert 'id="id_files-chosen"' in html
    assert ".pdf" in html and ".docx" in html
