"""The account's API tokens page: a token is shown once, works with the API, and can be revoked by its owner only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from articles.models import ApiToken, hash_api_token

pytestmark = pytest.mark.django_db

PAGE = "/accounts/api-tokens/"


@pytest.fixture
def reporter(client):
    user = get_user_model().objects.create_user("reporter")
    client.force_login(user)
    return user


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_new_token_is_shown_once_and_works(client, reporter):
    response = client.post(PAGE, {"name": "newsroom script"})
    assert response.status_code == 200
    token = response.context["new_token"]
    assert token in response.content.decode() and response["Cache-Control"] == "no-store"
    row = ApiToken.objects.get(user=reporter)
    assert row.name == "newsroom script" and row.key_hash == hash_api_token(token)
    listed = client.get(PAGE).content.decode()
    assert "newsroom script" in listed and token not in listed and "never used" in listed
    client.logout()
    assert client.get("/api/stories", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_token_needs_a_name(client, reporter):
    response = client.post(PAGE, {"name": "  "})
    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_and_it_stops_working(client, reporter):
    token = client.post(PAGE, {"name": "old laptop"}).context["new_token"]
    row = ApiToken.objects.get()
    assert client.post(f"{PAGE}{row.pk}/revoke/").status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert "revoked" in client.get(PAGE).content.decode()
    assert client.get("/api/stories", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_nobody_else_can_revoke_or_see_a_token(client, reporter):
    client.post(PAGE, {"name": "desk"})
    row = ApiToken.objects.get()
    other = get_user_model().objects.create_user("other")
    client.force_login(other)
    assert client.post(f"{PAGE}{row.pk}/revoke/").status_code == 404
    assert "desk" not in client.get(PAGE).content.decode()
    row.refresh_from_db()
    assert row.revoked_at is None
