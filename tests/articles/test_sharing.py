"""The owner shares a story: public or private, read-only share links made and revoked."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from people import bridge_story, make_user

from articles.models import ShareLink, Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(teacher_client: Client) -> Client:
    return teacher_client


@pytest.fixture
def story(teacher) -> Story:
    return bridge_story(teacher)


def share(owner_client: Client, story: Story) -> str:
    """Create a share link through the story page's form; return its address as the page shows it."""
    response = owner_client.post(reverse("articles:share_link_create", args=[story.slug]), follow=True)
    assert "A share link was made" in response.content.decode()
    addresses = re.findall(r'class="share-address" type="text" readonly value="([^"]+)"', response.content.decode())
    return addresses[-1]


def test_a_new_story_is_private_to_its_owner(story, owner_client):
    assert story.visibility == Story.Visibility.PRIVATE
    assert owner_client.get(story.get_absolute_url()).status_code == 200
    assert Client().get(story.get_absolute_url()).status_code == 404


def test_the_owner_sees_the_sharing_section_and_nobody_else_does(story, owner_client, django_user_model):
    html = owner_client.get(story.get_absolute_url()).content.decode()
    assert 'id="sharing"' in html
    assert "Sharing: private" in html
    assert "Make it public" in html and "Create a share link" in html
    assert html.count('name="csrfmiddlewaretoken"') >= 3  # every action is a POST form with its token
    for version in story.versions.all():
        assert reverse("articles:version_delete", args=[story.slug, version.pk]) in html
    story.visibility = Story.Visibility.PUBLIC
    story.save()
    colleague = Client()
    colleague.force_login(django_user_model.objects.create_user("colleague"))
    for client in (colleague, Client()):
        page = client.get(story.get_absolute_url()).content.decode()
        assert 'id="sharing"' not in page
        assert "Add a version" not in page and "Delete the story" not in page and "/delete/" not in page


def test_making_a_story_public_lets_everyone_read_it_and_private_again_closes_it(story, owner_client):
    url = reverse("articles:story_visibility", args=[story.slug])
    response = owner_client.post(url, {"visibility": "public"}, follow=True)
    assert "is now public" in response.content.decode()
    visitor = Client()
    assert visitor.get(story.get_absolute_url()).status_code == 200
    assert "Harbour bridge stuck" in visitor.get(reverse("compare:library")).content.decode()

    owner_client.post(url, {"visibility": "private"})
    assert visitor.get(story.get_absolute_url()).status_code == 404
    assert "Harbour bridge stuck" not in visitor.get(reverse("compare:library")).content.decode()


def test_a_share_link_is_long_and_random(story, owner_client):
    first, second = share(owner_client, story), share(owner_client, story)
    assert first != second
    tokens = [link.token for link in ShareLink.objects.filter(story=story)]
    assert all(len(token) >= 32 for token in tokens)  # 24 random bytes
    assert first.startswith("http://testserver/s/")


@pytest.mark.django_db(transaction=True)
def test_a_share_link_opens_the_story_read_only_without_an_account(story, owner_client):
    address = share(owner_client, story).removeprefix("http://testserver")
    student = Client()
    response = student.get(address)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Harbour bridge stuck" in html and "Coast Radio" in html
    assert "you can read and explore it, but not change it" in html
    for control in ('id="sharing"', "Add a version", "Delete the story", "/delete/", "/add/", "share-links"):
        assert control not in html
    # Every link the page makes stays under the share link: the form, each passage's panel.
    form = re.search(r'<form class="controls[^>]*>', html).group(0)
    assert f'action="{address}"' in form and f'hx-get="{address}"' in form
    panels = re.findall(r'<a class="panel-link[^"]*" href="([^"]+)" hx-get="([^"]+)"', html)
    assert panels
    assert all(href.startswith(address + "?") and hx.startswith(address + "passages/") for href, hx in panels)
    assert story.slug not in "".join(href + hx for href, hx in panels)


@pytest.mark.django_db(transaction=True)
def test_the_shared_panel_and_fragments_work_without_an_account(story, owner_client):
    address = share(owner_client, story).removeprefix("http://testserver")
    student = Client()
    page = student.get(address).content.decode()
    panel_link = re.search(r'<a class="panel-link[^"]*" href="[^"]+" hx-get="([^"]+)"', page)
    panel_url = panel_link.group(1).replace("&amp;", "&")
    panel = student.get(panel_url, headers={"HX-Request": "true"})
    assert panel.status_code == 200
    assert 'id="panel-body"' in panel.content.decode() and "<html" not in panel.content.decode()
    full_panel = student.get(panel_url).content.decode()
    assert f'href="{address}' in full_panel  # "back to the story" stays under the share link
    fragment = student.get(address, {"show": "changed"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.content.decode().lstrip().startswith('<div id="comparison"')


def test_a_revoked_link_shows_a_friendly_not_found_page(story, owner_client):
    address = share(owner_client, story).removeprefix("http://testserver")
    link = ShareLink.objects.get(story=story)
    response = owner_client.post(reverse("articles:share_link_revoke", args=[story.slug, link.pk]), follow=True)
    assert "was revoked" in response.content.decode()
    assert "share-address" not in response.content.decode()

    gone = Client().get(address)
    assert gone.status_code == 404
    html = gone.content.decode()
    assert "This share link does not open a story" in html
    assert "Harbour bridge stuck" not in html
    assert Client().get(address + f"passages/{story.versions.first().pk}/at-0/").status_code == 404


def test_revoking_one_link_leaves_the_others_working(story, owner_client):
    first = share(owner_client, story).removeprefix("http://testserver")
    second = share(owner_client, story).removeprefix("http://testserver")
    link = ShareLink.objects.get(token=first.strip("/").split("/")[-1])
    owner_client.post(reverse("articles:share_link_revoke", args=[story.slug, link.pk]))
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


def test_a_share_link_dies_with_its_story(story, owner_client):
    address = share(owner_client, story).removeprefix("http://testserver")
    owner_client.post(reverse("articles:story_delete", args=[story.slug]))
    assert not ShareLink.objects.exists()
    assert Client().get(address).status_code == 404


def test_the_owner_reading_through_a_share_link_sees_what_students_see(story, owner_client):
    address = share(owner_client, story).removeprefix("http://testserver")
    html = owner_client.get(address).content.decode()
    assert 'id="sharing"' not in html and "Add a version" not in html


def test_a_share_link_opens_only_its_own_storys_passages(story, owner_client):
    address = share(owner_client, story).removeprefix("http://testserver")
    other = bridge_story(make_user("someone"))  # someone else's private story
    for article in other.versions.all():
        response = Client().get(f"{address}passages/{article.pk}/at-0/")
        assert response.status_code == 404
        assert "Someone else" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_passage_link_by_sentence_index_from_before_stays_under_the_share_link(story, owner_client):
    address = share(owner_client, story).removeprefix("http://testserver")
    article = story.versions.first()
    response = Client().get(f"{address}passages/{article.pk}/0/")
    assert response.status_code == 302
    assert re.fullmatch(rf"{re.escape(address)}passages/{article.pk}/at-\d+/", response["Location"])
    assert 'id="panel-body"' in Client().get(response["Location"]).content.decode()
