"""Throttling: logins (django-axes), traces, sign-ups and imports, per account and per client address."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from library_texts import ORCHARD, paragraphs

from accounts.tokens import create_api_token
from articles.services import ArticleInput, create_story
from articles.throttle import client_address

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase 7"
TRACED = "\n\n".join(paragraphs(ORCHARD)[1:3])


@pytest.fixture
def teacher():
    return get_user_model().objects.create_user("teacher", password=PASSWORD)


@pytest.fixture
def library():
    return create_story("Orchard", [ArticleInput(text=ORCHARD)])


def log_in(client, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


# --- logins ---------------------------------------------------------------------------------


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused_for_a_while(client, teacher, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "teacher", "wrong").status_code == 200
    assert log_in(client, "teacher", "wrong").status_code == 429  # the last failure allowed locks
    locked = log_in(client, "teacher", PASSWORD)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.VERSUS_LOGIN_LOCKOUT_MINUTES * 60
    assert "Too many failed attempts to log in" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_for_the_user_name_from_another_address_too(client, teacher, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "teacher", "wrong", address=f"198.51.100.{n + 1}")
    assert log_in(client, "teacher", PASSWORD, address="203.0.113.9").status_code == 429


def test_one_address_trying_many_accounts_is_locked_out(client, teacher, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"guess{n}", "wrong")
    assert log_in(client, "teacher", PASSWORD).status_code == 429
    assert log_in(client, "teacher", PASSWORD, address="203.0.113.9").status_code == 302  # another address is fine


def test_a_right_password_before_the_limit_logs_in_and_clears_the_count(client, teacher, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "teacher", "wrong")
    assert log_in(client, "teacher", PASSWORD).status_code == 302


# --- sign-ups -------------------------------------------------------------------------------


def sign_up(client, name: str, address: str = "192.0.2.10"):
    data = {"username": name, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("signup"), data, REMOTE_ADDR=address)


def test_sign_ups_from_one_address_are_limited_and_the_form_is_kept(client, settings):
    settings.VERSUS_SIGNUPS_PER_HOUR_PER_ADDRESS = 2
    assert sign_up(client, "ana").status_code == 302
    client.logout()
    assert sign_up(client, "ben").status_code == 302
    client.logout()
    refused = sign_up(client, "cleo")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 3000
    html = refused.content.decode()
    assert "make accounts at most 2 times an hour from one network address" in html
    assert 'value="cleo"' in html
    assert not get_user_model().objects.filter(username="cleo").exists()
    assert sign_up(client, "cleo", address="203.0.113.9").status_code == 302


# --- traces ---------------------------------------------------------------------------------


def test_traces_from_one_address_are_limited_with_retry_after(client, library, settings):
    settings.VERSUS_TRACES_PER_MINUTE_PER_ADDRESS = 2
    for _ in range(2):
        assert client.post("/trace/", {"text": TRACED}, REMOTE_ADDR="192.0.2.10").status_code == 200
    refused = client.post("/trace/", {"text": TRACED}, REMOTE_ADDR="192.0.2.10")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "trace texts at most 2 times a minute from one network address" in refused.content.decode()
    assert refused.context["asked"].text == TRACED  # the text is kept
    assert client.post("/trace/", {"text": TRACED}, REMOTE_ADDR="192.0.2.11").status_code == 200


def test_traces_of_one_account_are_limited_whatever_the_address(client, library, teacher, settings):
    settings.VERSUS_TRACES_PER_MINUTE = 2
    client.force_login(teacher)
    for n in range(2):
        assert client.post("/trace/", {"text": TRACED}, REMOTE_ADDR=f"192.0.2.{n + 1}").status_code == 200
    assert client.post("/trace/", {"text": TRACED}, REMOTE_ADDR="192.0.2.99").status_code == 429


def test_api_traces_are_limited_too_with_a_json_error(client, library, teacher, settings):
    settings.VERSUS_TRACES_PER_MINUTE = 1
    _, token = create_api_token(teacher, "script")
    auth = {"Authorization": f"Bearer {token}"}
    post = {"path": "/api/trace", "data": {"text": TRACED}, "content_type": "application/json", "headers": auth}
    assert client.post(**post, REMOTE_ADDR="192.0.2.1").status_code == 200
    refused = client.post(**post, REMOTE_ADDR="192.0.2.2")
    assert refused.status_code == 429
    assert "from one account" in refused.json()["error"]
    assert int(refused["Retry-After"]) > 0


# --- imports --------------------------------------------------------------------------------


def test_adding_versions_is_limited_per_account_and_keeps_the_typed_text(client, teacher, settings):
    settings.VERSUS_IMPORTS_PER_MINUTE = 1
    client.force_login(teacher)
    first = {"title": "Orchard", "text": ORCHARD}
    assert client.post(reverse("articles:story_new"), first).status_code == 302
    second = {"title": "Orchard again", "text": ORCHARD.replace("forty-one", "forty")}
    refused = client.post(reverse("articles:story_new"), second)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    assert "add versions at most 1 times a minute from one account" in html
    assert "Orchard again" in html


# --- addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "counted"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
    ],
)
def test_a_client_is_counted_by_its_address_and_ipv6_by_its_64(remote, counted):
    assert client_address(RequestFactory().get("/", REMOTE_ADDR=remote)) == counted


def test_behind_a_proxy_the_configured_header_names_the_client(settings):
    settings.VERSUS_CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.4")
    assert client_address(request) == "198.51.100.4"
