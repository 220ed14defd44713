"""Every response carries our Content-Security-Policy; an HTMX POST needs the CSRF token from the page."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Story
from versus.middleware import POLICY

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_the_policy_allows_our_own_scripts_and_styles_only():
    policy = directives(POLICY)
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in POLICY and "unsafe-eval" not in POLICY


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "htmx-fragment"])
def test_pages_and_fragments_carry_the_policy(client, headers):
    response = client.get(reverse("compare:library"), headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == POLICY


def test_a_page_not_found_carries_the_policy_too(client):
    response = client.get("/stories/no-such-story-anywhere/")
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"] == POLICY


def test_the_pages_tell_htmx_not_to_inject_styles_or_evaluate_code(client):
    html = client.get(reverse("compare:library")).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert config is not None
    assert json.loads(config.group(1)) == {"includeIndicatorStyles": False, "allowEval": False}
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)  # every script is a file


def logged_in_client(django_user_model) -> tuple[Client, str]:
    """A client that checks CSRF like a browser, and the token the page puts in hx-headers."""
    user = django_user_model.objects.create_user("teacher", password="a long teacher password")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    html = client.get(reverse("articles:story_new")).content.decode()
    found = re.search(r"<body[^>]*hx-headers='([^']*)'", html)
    assert found is not None, "the page body carries no hx-headers"
    return client, json.loads(found.group(1))["X-CSRFToken"]


STORY = {
    "title": "Ferry timetable changes",
    "outlet": "Valley Wire",
    "text": "The Millbrook ferry will run every hour from Monday, the council said on Tuesday.",
}


def test_an_htmx_post_without_the_csrf_token_is_refused(django_user_model):
    client, _ = logged_in_client(django_user_model)
    response = client.post(reverse("articles:story_new"), STORY, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert not Story.objects.exists()


def test_an_htmx_post_with_the_token_from_hx_headers_goes_through(django_user_model):
    client, token = logged_in_client(django_user_model)
    response = client.post(reverse("articles:story_new"), STORY, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code in (200, 302)
    assert Story.objects.filter(title=STORY["title"]).exists()


# --- the HTML report's own policy, and private pages ----------------------------------------


@pytest.fixture
def owned_story(django_user_model):
    from articles.services import ArticleInput, create_story

    owner = django_user_model.objects.create_user("owner")
    first = "The harbour bridge stayed open on Tuesday after a motor failed, the council said."
    second = "The harbour bridge stayed open on Wednesday after a motor failed, the council said."
    story = create_story("Bridge", [ArticleInput(text=first), ArticleInput(text=second)], owner=owner)
    return owner, story


@pytest.mark.django_db(transaction=True)
def test_the_html_report_is_served_with_a_policy_that_allows_its_own_styles_and_nothing_else(client, owned_story):
    import base64
    import hashlib

    owner, story = owned_story
    client.force_login(owner)
    response = client.get(reverse("compare:export_html", args=[story.slug]))
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    (style,) = re.findall(rb"<style>(.*?)</style>", response.content, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style).digest()).decode()
    assert policy["style-src"] == f"'sha256-{digest}'"
    assert policy["default-src"] == "'none'"
    assert "script-src" not in policy and "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_exports_are_private_to_caches(client, owned_story, fmt):
    owner, story = owned_story
    client.force_login(owner)
    response = client.get(reverse(f"compare:export_{fmt}", args=[story.slug]))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_pages_seen_logged_in_or_through_a_share_link_are_private_to_caches(client, owned_story):
    from articles.services import create_share_link

    owner, story = owned_story
    link = create_share_link(story)
    anonymous = client.get(reverse("compare:shared_story", args=[link.token]))
    assert anonymous.status_code == 200 and "private" in anonymous["Cache-Control"]
    assert "private" not in client.get(reverse("compare:library")).get("Cache-Control", "")
    client.force_login(owner)
    for url in (reverse("compare:library"), story.get_absolute_url(), reverse("articles:story_new")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "private" in response["Cache-Control"], url
