"""The JSON API: who sees what (token or none), the stories, versions, alignment and trace endpoints."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from library_texts import FERRY, NEW_PASSAGE, OBSERVATORY, ORCHARD, paragraphs
from people import make_user

from accounts.tokens import create_api_token, revoke_api_token
from articles.models import ApiToken, Story, hash_api_token
from articles.services import ArticleInput, create_story

pytestmark = pytest.mark.django_db


def make_story(title: str, texts: list[str], owner=None, public: bool = True) -> Story:
    visibility = Story.Visibility.PUBLIC if public else Story.Visibility.PRIVATE
    items = [ArticleInput(text=t, outlet=f"{title} outlet {i}") for i, t in enumerate(texts, start=1)]
    return create_story(title, items, owner=owner, visibility=visibility)


@pytest.fixture
def alice():
    return make_user("alice")


@pytest.fixture
def bob():
    return make_user("bob")


@pytest.fixture
def stories(alice, bob) -> dict[str, Story]:
    edited = FERRY.replace("ninety passengers", "ninety-five passengers")
    return {
        "public": make_story("Orchard rescue", [ORCHARD, ORCHARD.replace("forty-one", "forty")]),
        "alices": make_story("Alice ferry", [FERRY, edited], owner=alice, public=False),
        "bobs": make_story("Bob observatory", [OBSERVATORY], owner=bob, public=False),
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def slugs(response) -> set[str]:
    return {s["slug"] for s in response.json()["stories"]}


# --- tokens -----------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_hash(alice):
    row, token = create_api_token(alice, "newsroom script")
    assert token.startswith("vs_") and len(token) > 40
    assert row.key_hash == hash_api_token(token)
    stored = ApiToken.objects.filter(pk=row.pk).values()[0]
    assert token not in {str(v) for v in stored.values()}


def test_the_command_prints_a_working_token_once(client, alice, stories):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "alice", "--name", "laptop", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert ApiToken.objects.get(user=alice).name == "laptop"
    assert "shown only now" in err.getvalue()
    assert "alice-ferry" in slugs(client.get("/api/stories", headers=bearer(token)))


def test_the_command_names_an_unknown_user():
    with pytest.raises(CommandError, match="no user called “nobody”"):
        call_command("create_api_token", "nobody")


# --- the auth matrix ----------------------------------------------------------------------


def test_without_a_token_only_public_stories_are_listed(client, stories):
    response = client.get("/api/stories")
    assert response.status_code == 200
    assert slugs(response) == {"orchard-rescue"}
    assert response.json()["count"] == 1


def test_with_a_token_the_owners_stories_are_listed_too(client, alice, stories):
    _, token = create_api_token(alice, "script")
    response = client.get("/api/stories", headers=bearer(token))
    assert slugs(response) == {"orchard-rescue", "alice-ferry"}
    mine = next(s for s in response.json()["stories"] if s["slug"] == "alice-ferry")
    assert mine["yours"] is True and mine["visibility"] == "private" and mine["version_count"] == 2


def test_the_token_scheme_may_also_be_spelled_token(client, alice, stories):
    _, token = create_api_token(alice, "script")
    response = client.get("/api/stories/alice-ferry", headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer vs_not-a-real-token", "Bearer ", "Basic YWxpY2U6cGFzc3dvcmQ=", "vs_only-the-token"],
)
def test_a_bad_token_is_refused_with_401_json(client, stories, header):
    response = client.get("/api/stories", headers={"Authorization": header})
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()) == {"error"}
    assert response.json()["error"]


def test_a_revoked_token_is_refused(client, alice, stories):
    row, token = create_api_token(alice, "old laptop")
    assert client.get("/api/stories/alice-ferry", headers=bearer(token)).status_code == 200
    revoke_api_token(row)
    response = client.get("/api/stories/alice-ferry", headers=bearer(token))
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]


def test_a_token_of_a_deactivated_user_is_refused(client, alice, stories):
    _, token = create_api_token(alice, "script")
    alice.is_active = False
    alice.save()
    assert client.get("/api/stories", headers=bearer(token)).status_code == 401


def test_using_a_token_notes_when_it_was_last_used(client, alice, stories):
    row, token = create_api_token(alice, "script")
    assert row.last_used_at is None
    client.get("/api/stories", headers=bearer(token))
    row.refresh_from_db()
    assert row.last_used_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("who", "story", "status"),
    [
        ("nobody", "public", 200),
        ("nobody", "alices", 404),
        ("alice", "public", 200),
        ("alice", "alices", 200),
        ("alice", "bobs", 404),
        ("bob", "alices", 404),
    ],
)
def test_who_may_read_which_story(client, alice, bob, stories, who, story, status):
    headers = {}
    if who != "nobody":
        _, token = create_api_token({"alice": alice, "bob": bob}[who], "t")
        headers = bearer(token)
    slug = stories[story].slug
    for path in (f"/api/stories/{slug}", f"/api/stories/{slug}/alignment"):
        response = client.get(path, headers=headers)
        assert response.status_code == status, path
    version = stories[story].versions.first()
    assert client.get(f"/api/versions/{version.pk}", headers=headers).status_code == status
    if status == 404:
        # Not found, worded the same as a story that does not exist: nothing tells them apart.
        missing = client.get("/api/stories/no-such-story", headers=headers)
        assert response.json() == missing.json()
        assert set(response.json()) == {"error"}


def test_the_browser_session_is_not_used_by_the_api(client, alice, stories):
    client.force_login(alice)
    assert client.get("/api/stories/alice-ferry").status_code == 404
    assert slugs(client.get("/api/stories")) == {"orchard-rescue"}


# --- the endpoints ------------------------------------------------------------------------


def test_a_story_comes_with_its_versions_texts_and_junk(client, stories):
    story = stories["public"]
    data = client.get(f"/api/stories/{story.slug}").json()
    assert data["title"] == "Orchard rescue" and data["version_count"] == 2
    first = story.versions.order_by("position").first()
    assert data["versions"][0]["id"] == first.pk
    assert data["versions"][0]["text"] == first.text
    assert data["versions"][0]["outlet"] == "Orchard rescue outlet 1"
    assert data["versions"][0]["junk"] == [list(j) for j in first.junk_spans]


def test_junk_spans_are_given_as_start_end_reason(client):
    text = paragraphs(ORCHARD)[1] + "\n\nShare on Facebook\n\n" + paragraphs(ORCHARD)[2]
    story = make_story("Junky", [text])
    version = client.get(f"/api/stories/{story.slug}").json()["versions"][0]
    assert version["junk"], "the share line is page clutter"
    start, end, reason = version["junk"][0]
    assert "Share on Facebook" in version["text"][start:end] and reason


@pytest.mark.django_db(transaction=True)
def test_the_alignment_is_the_json_export(client, stories):
    story = stories["public"]
    response = client.get(f"/api/stories/{story.slug}/alignment")
    assert response.status_code == 200
    data = response.json()
    download = json.loads(client.get(f"/stories/{story.slug}/export.json").content)
    data["story"].pop("exported_at"), download["story"].pop("exported_at")
    assert data == download
    assert {p["kind"] for p in data["pairs"]} >= {"verbatim"}
    assert any(p["kind"] == "edited" for p in data["pairs"])


@pytest.mark.django_db(transaction=True)
def test_the_alignment_says_it_was_computed_with_the_sentence_model(client, stories):
    data = client.get(f"/api/stories/{stories['public'].slug}/alignment").json()
    assert data["mode"] == "semantic"  # bin/setup installs the model


@pytest.mark.django_db(transaction=True)
def test_the_alignment_against_one_base(client, stories):
    story = stories["public"]
    base = story.versions.order_by("position").last()
    data = client.get(f"/api/stories/{story.slug}/alignment?base={base.pk}").json()
    assert data["base"] == base.pk and data["pairs_of"] == "base"
    assert client.get(f"/api/stories/{story.slug}/alignment?base=999999").status_code == 404


def test_a_story_with_one_version_has_no_alignment(client, bob, stories):
    _, token = create_api_token(bob, "t")
    response = client.get(f"/api/stories/{stories['bobs'].slug}/alignment", headers=bearer(token))
    assert response.status_code == 409
    assert "at least two" in response.json()["error"]


def test_an_alignment_being_computed_answers_202_with_retry_after(client, stories, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    story = make_story("Queued", [OBSERVATORY, OBSERVATORY.replace("Saturday", "Sunday")])
    response = client.get(f"/api/stories/{story.slug}/alignment")
    assert response.status_code == 202
    assert response["Retry-After"] == "5"
    assert response.json()["status"] == "computing"


def test_a_version_on_its_own(client, stories):
    version = stories["public"].versions.first()
    data = client.get(f"/api/versions/{version.pk}").json()
    assert data["id"] == version.pk and data["story"] == "orchard-rescue" and data["text"] == version.text
    assert client.get("/api/versions/999999").status_code == 404


def test_trace_ranks_the_sources_with_spans_into_both_texts(client, stories):
    text = "\n\n".join(paragraphs(ORCHARD)[1:4] + [NEW_PASSAGE])
    response = client.post("/api/trace", {"text": text}, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert 0.5 < data["traced_share"] < 1 and data["new_share"] == pytest.approx(1 - data["traced_share"])
    new = " ".join(data["text"][start:end] for start, end in data["new_spans"])
    assert "night trains" in new and "pear orchard" not in new
    sources = data["sources"]
    assert {s["story"] for s in sources} == {"orchard-rescue"}
    assert [s["rank"] for s in sources] == list(range(1, len(sources) + 1))
    top = sources[0]
    source_text = client.get(f"/api/versions/{top['version']}").json()["text"]
    for passage in top["passages"]:
        (a0, a1), (b0, b1) = passage["text_span"], passage["source_span"]
        if passage["kind"] == "verbatim":
            assert data["text"][a0:a1] == source_text[b0:b1]


def test_trace_never_finds_another_users_private_story(client, alice, bob, stories):
    _, token = create_api_token(alice, "t")
    found = client.post("/api/trace", {"text": FERRY}, content_type="application/json", headers=bearer(token))
    assert {s["story"] for s in found.json()["sources"]} == {"alice-ferry"}
    _, token = create_api_token(bob, "t")
    for headers in ({}, bearer(token)):
        response = client.post("/api/trace", {"text": FERRY}, content_type="application/json", headers=headers)
        assert response.status_code == 200
        assert response.json()["sources"] == []
        assert response.json()["new_share"] == 1.0


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"text": ""}, 400, "There is no text to trace."),
        ({"text": "Share this. Like."}, 400, "no sentence of at least"),
        ({}, 422, "text"),
        ({"text": "Enough words in this one sentence to trace it.", "limit": 0}, 422, "limit"),
    ],
)
def test_trace_explains_bad_input(client, stories, body, status, message):
    response = client.post("/api/trace", body, content_type="application/json")
    assert response.status_code == status
    assert message in response.json()["error"]


def test_trace_refuses_a_body_that_is_not_json(client, stories):
    response = client.post("/api/trace", "text=hello", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.json()["error"]


def test_trace_with_a_bad_token_is_refused_even_for_public_text(client, stories):
    response = client.post("/api/trace", {"text": ORCHARD}, content_type="application/json", headers=bearer("vs_wrong"))
    assert response.status_code == 401


def test_trace_needs_no_csrf_token_and_acts_for_nobody_with_a_session(alice, stories):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post("/api/trace", {"text": FERRY}, content_type="application/json")
    assert response.status_code == 200
    # The session cookie gave nothing: Alice's private ferry story was not searched.
    assert response.json()["sources"] == []


def test_the_api_is_read_only(client, stories):
    slug = stories["public"].slug
    assert client.delete(f"/api/stories/{slug}").status_code == 405
    assert client.post("/api/stories", {}, content_type="application/json").status_code == 405
    assert client.get("/api/trace").status_code == 405
    assert Story.objects.filter(slug=slug).exists()


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/stories/a/b/c")
    assert response.status_code == 404
    assert "openapi.json" in response.json()["error"]


# --- bounds and caching -------------------------------------------------------------------


def test_an_offset_beyond_any_integer_column_is_an_empty_page_not_a_server_error(client, stories):
    response = client.get("/api/stories", {"offset": "99999999999999999999", "limit": "99999999999999999999"})
    assert response.status_code == 200
    assert response.json()["stories"] == []
    assert response.json()["limit"] == 100


def test_a_version_id_beyond_any_integer_column_is_not_found(client, stories):
    response = client.get("/api/versions/99999999999999999999")
    assert response.status_code == 404
    assert "error" in response.json()


@pytest.mark.parametrize("path", ["/api/stories", "/api/stories/no-such-story", "/api/nowhere"])
def test_every_api_answer_is_private_and_varies_with_the_authorization_header(client, stories, path):
    for headers in ({}, {"Authorization": "Bearer vs_wrong"}):
        response = client.get(path, headers=headers)
        assert "Authorization" in response["Vary"]
        assert "private" in response["Cache-Control"]


def test_a_trace_answer_is_private_too(client, stories):
    response = client.post("/api/trace", {"text": ""}, content_type="application/json")
    assert response.status_code == 400
    assert "private" in response["Cache-Control"] and "Authorization" in response["Vary"]


def test_a_trace_over_its_time_budget_is_a_503_with_retry_after(client, stories, settings):
    settings.VERSUS_TRACE_SECONDS = 0.0001
    text = "\n\n".join(paragraphs(ORCHARD)[1:4])
    response = client.post("/api/trace", {"text": text}, content_type="application/json")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "seconds one request may use" in response.json()["error"]


def test_a_text_too_long_to_trace_in_one_request_is_a_413(client, stories, settings):
    settings.VERSUS_TRACE_MAX_CHARACTERS = 100
    response = client.post("/api/trace", {"text": ORCHARD}, content_type="application/json")
    assert response.status_code == 413
    assert "at a time" in response.json()["error"]
