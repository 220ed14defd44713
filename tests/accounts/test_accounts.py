"""Accounts: log in, log out, sign up; stories belong to whoever adds them; the library shows what one may see."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from people import PASSWORD

from articles.models import Story
from articles.services import ArticleInput, create_story

pytestmark = pytest.mark.django_db

TEXT = "The harbour ferry will stop running on Sunday after forty years of service, the council said."


def test_the_login_page_is_ours_with_labelled_fields(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<header class="site-header">' in html  # our layout, not the admin's
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_logging_in_shows_who_is_logged_in_and_a_log_out_button(client, teacher):
    response = client.post(reverse("login"), {"username": "teacher", "password": PASSWORD}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("compare:library")
    assert "Signed in as <strong>teacher</strong>" in html
    logout = re.search(r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrfmiddlewaretoken"', html)
    assert logout and logout.group(1) == reverse("logout")


def test_a_wrong_password_is_refused_with_a_message(client, teacher):
    response = client.post(reverse("login"), {"username": "teacher", "password": "not it"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logging_out_is_a_post(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("compare:library")
    assert "Log in" in client.get(reverse("compare:library")).content.decode()


def test_adding_a_story_sends_a_visitor_to_log_in_and_back(client, teacher):
    response = client.get(reverse("articles:story_new"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('articles:story_new')}"
    login = client.post(
        reverse("login"), {"username": "teacher", "password": PASSWORD, "next": reverse("articles:story_new")}
    )
    assert login["Location"] == reverse("articles:story_new")
    assert client.get(reverse("articles:story_new")).status_code == 200


def test_a_story_added_in_the_browser_belongs_to_its_author_and_is_private(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("articles:story_new"), {"title": "Ferry to stop", "text": TEXT})
    story = Story.objects.get()
    assert response["Location"] == story.get_absolute_url()
    assert story.owner == teacher
    assert story.visibility == Story.Visibility.PRIVATE


def test_signing_up_makes_an_account_and_logs_in(client):
    response = client.post(
        reverse("signup"), {"username": "journalist", "password1": PASSWORD, "password2": PASSWORD}, follow=True
    )
    assert User.objects.filter(username="journalist").exists()
    html = response.content.decode()
    assert "Welcome, journalist" in html
    assert "Signed in as <strong>journalist</strong>" in html


def test_signing_up_with_a_weak_password_says_why_and_keeps_the_name(client):
    response = client.post(reverse("signup"), {"username": "journalist", "password1": "1234", "password2": "1234"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "This password is too short" in html
    assert 'value="journalist"' in html
    assert not User.objects.filter(username="journalist").exists()


def test_signing_up_does_not_follow_a_next_address_to_another_site(client):
    data = {"username": "journalist", "password1": PASSWORD, "password2": PASSWORD, "next": "https://evil.example/"}
    response = client.post(reverse("signup"), data)
    assert response["Location"] == reverse("compare:library")


def test_sign_up_can_be_closed(client, settings):
    settings.VERSUS_OPEN_SIGNUP = False
    assert client.get(reverse("signup")).status_code == 404
    assert 'href="/accounts/signup/"' not in client.get(reverse("login")).content.decode()


@pytest.fixture
def library(teacher, django_user_model):
    other = django_user_model.objects.create_user("other")
    create_story("Mine, private ferry", [ArticleInput(text=TEXT, outlet="Valley Wire")], owner=teacher)
    create_story("Theirs, private ferry", [ArticleInput(text=TEXT, outlet="Dale Post")], owner=other)
    create_story(
        "Theirs, public ferry", [ArticleInput(text=TEXT, outlet="Millbrook Echo")], owner=other, visibility="public"
    )
    create_story("Demo ferry", [ArticleInput(text=TEXT, outlet="Coast Radio")])  # no owner: public


def titles(html: str) -> set[str]:
    return set(re.findall(r'<h2><a href="[^"]+">([^<]+)</a>', html))


def test_the_library_shows_a_visitor_only_public_stories(client, library):
    html = client.get(reverse("compare:library")).content.decode()
    assert titles(html) == {"Theirs, public ferry", "Demo ferry"}


def test_the_library_shows_a_user_their_own_stories_too_marked_private(client, teacher, library):
    client.force_login(teacher)
    html = client.get(reverse("compare:library")).content.decode()
    assert titles(html) == {"Mine, private ferry", "Theirs, public ferry", "Demo ferry"}
    assert html.count('class="badge badge-private"') == 1


def test_searching_finds_only_stories_one_may_see(client, teacher, library):
    client.force_login(teacher)
    by_title = client.get(reverse("compare:library"), {"q": "ferry"}, headers={"HX-Request": "true"}).content.decode()
    assert titles(by_title) == {"Mine, private ferry", "Theirs, public ferry", "Demo ferry"}
    by_outlet = client.get(reverse("compare:library"), {"q": "Dale Post"}).content.decode()
    assert titles(by_outlet) == set()
    assert "No story has “Dale Post”" in by_outlet
    assert not titles(Client().get(reverse("compare:library"), {"q": "Valley Wire"}).content.decode())


def test_an_admin_manages_owners_visibility_and_share_links_in_the_admin(client, teacher, library, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin"))
    listing = client.get(reverse("admin:articles_story_changelist")).content.decode()
    assert "Theirs, private ferry" in listing and "Private: only you" in listing
    story = Story.objects.get(title="Mine, private ferry")
    change = client.get(reverse("admin:articles_story_change", args=[story.pk]))
    assert change.status_code == 200
    assert "Share links" in change.content.decode()


def test_a_user_changes_their_password_on_our_page(client, teacher):
    client.force_login(teacher)
    page = client.get(reverse("password_change")).content.decode()
    assert '<header class="site-header">' in page and "Change your password" in page
    new = "a-new-and-longer-ferry-password"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}, follow=True
    )
    assert "Your password was changed" in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.check_password(new)


def test_there_is_no_password_reset_by_email(client):
    assert client.get("/accounts/password_reset/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_stories_made_before_accounts_existed_stay_public_after_the_upgrade():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("articles", "0002_library_index")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_story = executor.loader.project_state(before).apps.get_model("articles", "Story")
    old_story.objects.create(title="From last term", slug="from-last-term")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    story = Story.objects.get(slug="from-last-term")
    assert story.visibility == Story.Visibility.PUBLIC and story.owner is None


def test_an_admin_sees_and_revokes_api_tokens_but_never_their_keys(client, teacher, django_user_model):
    from django.core.management import call_command

    from articles.models import ApiToken

    call_command("create_api_token", teacher.username, "--name", "newsroom script", stdout=io.StringIO())
    token = ApiToken.objects.get(user=teacher)
    client.force_login(django_user_model.objects.create_superuser("admin"))
    listing = client.get(reverse("admin:articles_apitoken_changelist")).content.decode()
    assert "newsroom script" in listing
    change = client.get(reverse("admin:articles_apitoken_change", args=[token.pk])).content.decode()
    assert token.key_hash not in change
    assert client.get(reverse("admin:articles_apitoken_add")).status_code == 403


def described_by_missing(html: str) -> list[str]:
    """The ids an input's aria-describedby names that no element on the page has."""
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    named = [name for names in re.findall(r'aria-describedby="([^"]+)"', html) for name in names.split()]
    return [name for name in named if name not in ids]


def test_it_gives_screen_readers_the_help_each_sign_up_field_points_to(client):
    html = client.get(reverse("signup")).content.decode()
    # Django's widgets point at <auto_id>_helptext: the password rules must be that element.
    assert 'aria-describedby="id_password1_helptext"' in html
    assert re.search(r'<div class="help" id="id_password1_helptext">\s*<ul>', html)
    assert described_by_missing(html) == []


def test_it_gives_the_help_an_id_on_the_pages_that_share_the_sign_up_fields_too(client, teacher):
    assert described_by_missing(client.get(reverse("login")).content.decode()) == []
    client.force_login(teacher)
    html = client.get(reverse("password_change")).content.decode()
    assert 'aria-describedby="id_new_password1_helptext"' in html
    assert described_by_missing(html) == []
