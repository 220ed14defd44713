"""Who may see and change which story, on every address Versus has.

The rules are one table: each URL name is a reader's page (needs the story to be visible),
an owner's action (needs its owner; everybody else gets "not found", a visitor without an
account the login page) or a share-link page (needs a live token). A URL missing from the
table fails ``test_every_address_has_a_rule``, so a new page cannot skip the question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from people import BRIDGE_AGENCY, bridge_story, make_user

from accounts.tokens import create_api_token
from articles.models import Article, PassageNote, ShareLink, Story
from articles.services import add_note, create_share_link, revoke_share_link
from compare import services
from compare.exports import FORMATS

pytestmark = pytest.mark.django_db

THIRD = "A ferry will carry people across the harbour while the bridge is repaired, the council said on Tuesday."


@dataclass
class World:
    story: Story
    article: Article
    link: ShareLink
    revoked: ShareLink
    note: PassageNote


Args = Callable[[World], list[object]]
Post = Callable[[World], dict[str, str]]


@dataclass(frozen=True)
class Page:
    """A page of one story that readers open: the owner always, others only if the story is public."""

    args: Args


@dataclass(frozen=True)
class Action:
    """Something only the owner may do. ``get``: the page can be opened (a form or a confirmation)."""

    args: Args
    post: Post
    get: bool


@dataclass(frozen=True)
class ApiRead:
    """A read through the JSON API: the caller is whoever the API token belongs to (never the session)."""

    args: Args


@dataclass(frozen=True)
class Shared:
    """A page opened by a share link's token, by anyone, until the link is revoked."""

    args: Callable[[World, ShareLink], list[object]]


def by_slug(world: World) -> list[object]:
    return [world.story.slug]


def opposite(visibility: str) -> str:
    return "private" if visibility == "public" else "public"


def passage_args(world: World) -> list[object]:
    return [world.story.slug, world.article.pk, "at-0"]


RULES: dict[str, Page | Action | Shared | ApiRead] = {
    "compare:story": Page(by_slug),
    "compare:passage": Page(passage_args),
    **{f"compare:export_{fmt}": Page(by_slug) for fmt in FORMATS},
    "articles:version_add": Action(by_slug, lambda w: {"text": THIRD, "outlet": "Ferry News"}, get=True),
    "articles:story_delete": Action(by_slug, lambda w: {}, get=True),
    "articles:version_delete": Action(lambda w: [w.story.slug, w.article.pk], lambda w: {}, get=True),
    "articles:story_edit": Action(by_slug, lambda w: {"title": "Bridge stuck open", "notes": "For 9B"}, get=True),
    "articles:version_edit": Action(
        lambda w: [w.story.slug, w.article.pk], lambda w: {"outlet": "Harbour Wire", "headline": "Bridge"}, get=True
    ),
    "articles:note_add": Action(
        by_slug, lambda w: {"article": w.article.pk, "start": 0, "end": 20, "body": "Look at this."}, get=False
    ),
    "articles:note_edit": Action(lambda w: [w.story.slug, w.note.pk], lambda w: {"body": "Look again."}, get=True),
    "articles:note_delete": Action(lambda w: [w.story.slug, w.note.pk], lambda w: {}, get=False),
    "articles:story_visibility": Action(by_slug, lambda w: {"visibility": opposite(w.story.visibility)}, get=False),
    "articles:share_link_create": Action(by_slug, lambda w: {}, get=False),
    "articles:share_link_revoke": Action(lambda w: [w.story.slug, w.link.pk], lambda w: {}, get=False),
    "compare:shared_story": Shared(lambda w, link: [link.token]),
    "compare:shared_passage": Shared(lambda w, link: [link.token, w.article.pk, "at-0"]),
    **{f"compare:shared_export_{fmt}": Shared(lambda w, link: [link.token]) for fmt in FORMATS},
    "api:get_story": ApiRead(by_slug),
    "api:get_alignment": ApiRead(by_slug),
    "api:get_version": ApiRead(lambda w: [w.article.pk]),
}

# Addresses that show no particular story: the library lists only visible stories (tested in
# tests/accounts/test_accounts.py), adding a story needs a login, and Django's own account pages.
NOT_ABOUT_ONE_STORY = {
    "compare:library",
    "compare:kinds_css",  # the kinds' stylesheet, the same for everyone
    "articles:story_new",
    "signup",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "api:api-root",
    "api:openapi-json",
    "api:openapi-view",
    "api:unknown",  # any other address under /api/: a JSON 404 for everyone
}


# Pages that search the whole library: they may only ever find what the caller may see
# (tested below with someone else's private story).
# A user's own account things (API tokens): a login, and nobody else's (tested below).
# An import's or a background trace's page (or its API address): its owner's only, anyone else
# gets "not found" (tests/articles/test_jobs.py, tests/compare/trace/test_jobs.py,
# tests/compare/api/test_trace_jobs.py).
OWN_ACCOUNT = {"api_tokens", "api_token_revoke", "articles:import_job", "compare:trace_job", "api:trace_job"}

LIBRARY_WIDE = {"compare:trace", "compare:trace_story", "api:list_stories", "api:trace", "api:trace_job_create"}


def url_names(patterns: list, namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":  # the admin checks staff status itself
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name
        elif isinstance(pattern, URLPattern):
            yield f"(unnamed) {pattern.pattern}"


def test_every_address_has_a_rule():
    names = set(url_names(get_resolver().url_patterns))
    ruled = set(RULES) | NOT_ABOUT_ONE_STORY | LIBRARY_WIDE | OWN_ACCOUNT
    missing = names - ruled
    assert not missing, f"URLs without a permission rule in tests/articles/test_permissions.py: {sorted(missing)}"
    gone = ruled - names
    assert not gone, f"Rules for URLs that no longer exist: {sorted(gone)}"


@pytest.fixture
def owner(db: None) -> User:
    return make_user("owner")


@pytest.fixture
def other(db: None) -> User:
    return make_user("other")


def make_world(owner: User, visibility: str, *, aligned: bool = False) -> World:
    """The owner's story with its share links and a note. ``aligned``: with its alignment stored,
    as its first visit leaves it, for the exports and the API to read (a request made inside the
    test's transaction, which never commits, never runs the task it queues)."""
    story = bridge_story(owner, visibility)
    if aligned:
        services.get_or_compute(story)
    revoked = create_share_link(story)
    revoke_share_link(revoked)
    article = story.versions.first()
    note = add_note(article, 4, 30, "Look at how this changed.")
    return World(story=story, article=article, link=create_share_link(story), revoked=revoked, note=note)


def client_for(actor: str, owner: User, other: User) -> Client:
    client = Client()
    if actor == "owner":
        client.force_login(owner)
    elif actor == "other":
        client.force_login(other)
    return client


def state(world: World) -> tuple:
    """Everything an owner's action could change."""
    story = Story.objects.filter(pk=world.story.pk).first()
    if story is None:
        return ("deleted",)
    links = tuple(story.share_links.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    versions = tuple(story.versions.values_list("pk", "outlet", "headline", "published_on", "source_url"))
    notes = tuple(PassageNote.objects.filter(article__story=story).values_list("pk", "start", "end", "body"))
    return (story.visibility, story.title, story.notes, versions, links, notes)


def cases(kind: type) -> list:
    return [name for name, rule in RULES.items() if isinstance(rule, kind)]


ACTORS = ["owner", "other", "anonymous"]


@pytest.mark.parametrize("visibility", ["private", "public"])
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", cases(Page))
def test_a_story_page_is_open_to_its_owner_and_to_others_only_when_public(name, actor, visibility, owner, other):
    world = make_world(owner, visibility, aligned=True)
    url = reverse(name, args=RULES[name].args(world))
    client = client_for(actor, owner, other)
    allowed = actor == "owner" or visibility == "public"
    for headers in ({}, {"HX-Request": "true"}):  # the page and its HTMX fragment
        response = client.get(url, headers=headers)
        assert response.status_code == (200 if allowed else 404), (url, headers)
        if not allowed:
            assert world.story.title not in response.content.decode()


@pytest.mark.parametrize("visibility", ["private", "public"])
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", cases(Action))
def test_only_the_owner_may_change_a_story(name, actor, visibility, owner, other):
    world = make_world(owner, visibility)
    rule = RULES[name]
    url = reverse(name, args=rule.args(world))
    client = client_for(actor, owner, other)
    before = state(world)

    if rule.get:
        page = client.get(url)
        expected = {"owner": 200, "other": 404, "anonymous": 302}[actor]
        assert page.status_code == expected
    else:
        assert client.get(url).status_code == 405  # a change is never made by following a link

    response = client.post(url, rule.post(world))
    if actor == "owner":
        assert response.status_code == 302
        assert state(world) != before, "the owner's action changed nothing"
        return
    if actor == "other":
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    assert state(world) == before
    assert world.story.title not in response.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", cases(Shared))
def test_a_share_link_opens_a_private_story_for_anyone_until_revoked(name, actor, owner, other):
    world = make_world(owner, "private", aligned=True)
    client = client_for(actor, owner, other)
    for headers in ({}, {"HX-Request": "true"}):
        live = client.get(reverse(name, args=RULES[name].args(world, world.link)), headers=headers)
        assert live.status_code == 200, headers
        revoked = client.get(reverse(name, args=RULES[name].args(world, world.revoked)), headers=headers)
        assert revoked.status_code == 404
        assert world.story.title not in revoked.content.decode()
    guessed = ShareLink(story=world.story)  # a fresh random token that was never saved
    assert client.get(reverse(name, args=RULES[name].args(world, guessed))).status_code == 404


@pytest.mark.parametrize("actor", ["other", "anonymous"])
@pytest.mark.parametrize("name", cases(Page) + [n for n in cases(Action) if RULES[n].get])
def test_someone_elses_private_story_looks_exactly_like_no_story(name, actor, owner, other):
    world = make_world(owner, "private")
    client = client_for(actor, owner, other)
    real = client.get(reverse(name, args=RULES[name].args(world)))
    world.story.slug = "no-such-story-anywhere"
    made_up = client.get(reverse(name, args=RULES[name].args(world)))
    assert real.status_code == made_up.status_code
    assert real.get("Location", "").replace("harbour-bridge-stuck", "no-such-story-anywhere") == made_up.get(
        "Location", ""
    )
    assert without_tokens(real.content.replace(b"harbour-bridge-stuck", b"no-such-story-anywhere")) == without_tokens(
        made_up.content
    )


def without_tokens(html: bytes) -> bytes:
    """CSRF tokens are masked afresh on every page."""
    return re.sub(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]*"', rb"\1", html)


def test_a_version_of_someone_elses_story_cannot_be_deleted_through_ones_own(owner, other):
    theirs = make_world(owner, "public")
    mine = make_world(other, "private")
    client = client_for("other", owner, other)
    url = reverse("articles:version_delete", args=[mine.story.slug, theirs.article.pk])
    assert client.post(url).status_code == 404
    assert Article.objects.filter(pk=theirs.article.pk).exists()


def test_a_share_link_of_someone_elses_story_cannot_be_revoked_through_ones_own(owner, other):
    theirs = make_world(owner, "private")
    mine = make_world(other, "private")
    client = client_for("other", owner, other)
    url = reverse("articles:share_link_revoke", args=[mine.story.slug, theirs.link.pk])
    assert client.post(url).status_code == 404
    theirs.link.refresh_from_db()
    assert theirs.link.revoked_at is None


def test_an_unknown_visibility_is_refused(owner):
    world = make_world(owner, "private")
    client = client_for("owner", owner, owner)
    response = client.post(reverse("articles:story_visibility", args=[world.story.slug]), {"visibility": "secret"})
    assert response.status_code == 404
    world.story.refresh_from_db()
    assert world.story.visibility == "private"


def test_owner_actions_need_the_csrf_token(owner):
    world = make_world(owner, "private")
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    for name in ("articles:story_visibility", "articles:share_link_create", "articles:story_delete"):
        response = client.post(reverse(name, args=[world.story.slug]), {"visibility": "public"})
        assert response.status_code == 403
    assert state(world)[0] == "private" and Story.objects.filter(pk=world.story.pk).exists()


@pytest.mark.parametrize("visibility", ["private", "public"])
@pytest.mark.parametrize("actor", ACTORS)
def test_tracing_a_text_finds_only_stories_the_tracer_may_see(actor, visibility, owner, other):
    world = make_world(owner, visibility)
    client = client_for(actor, owner, other)
    response = client.post(reverse("compare:trace"), {"text": BRIDGE_AGENCY})
    html = response.content.decode()
    found = world.story.title in html or world.story.get_absolute_url() in html
    assert found == (actor == "owner" or visibility == "public"), html[-3000:]


@pytest.mark.parametrize("actor", ["other", "anonymous"])
def test_a_story_cannot_be_made_from_someone_elses_private_text(actor, owner, other):
    make_world(owner, "private")
    client = client_for(actor, owner, other)
    before = Story.objects.count()
    response = client.post(reverse("compare:trace_story"), {"text": BRIDGE_AGENCY})
    if actor == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 400
        assert "Harbour bridge stuck" not in response.content.decode()
    assert Story.objects.count() == before


def api_caller(actor: str, owner: User, other: User) -> tuple[Client, dict[str, str]]:
    """A client and the headers it sends: an API token for "owner"/"other"; "owner's browser" has only the session."""
    client = Client()
    if actor == "owner's browser":
        client.force_login(owner)
        return client, {}
    if actor in ("owner", "other"):
        _, token = create_api_token(owner if actor == "owner" else other, "permission test")
        return client, {"Authorization": f"Bearer {token}"}
    return client, {}


API_ACTORS = [*ACTORS, "owner's browser"]


@pytest.mark.parametrize("visibility", ["private", "public"])
@pytest.mark.parametrize("actor", API_ACTORS)
@pytest.mark.parametrize("name", cases(ApiRead))
def test_the_api_gives_a_story_to_its_owners_token_and_to_others_only_when_public(
    name, actor, visibility, owner, other
):
    world = make_world(owner, visibility, aligned=True)
    client, headers = api_caller(actor, owner, other)
    response = client.get(reverse(name, args=RULES[name].args(world)), headers=headers)
    allowed = actor == "owner" or visibility == "public"
    assert response.status_code == (200 if allowed else 404)
    if not allowed:
        assert world.story.title not in response.content.decode()


@pytest.mark.parametrize("actor", API_ACTORS)
def test_the_api_lists_and_traces_only_stories_the_caller_may_see(actor, owner, other):
    private, public = make_world(owner, "private"), make_world(owner, "public")
    client, headers = api_caller(actor, owner, other)
    listed = {s["slug"] for s in client.get(reverse("api:list_stories"), headers=headers).json()["stories"]}
    traced = client.post(
        reverse("api:trace"), {"text": BRIDGE_AGENCY}, content_type="application/json", headers=headers
    )
    sources = {source["story"] for source in traced.json()["sources"]}
    if actor == "owner":
        assert listed == sources == {private.story.slug, public.story.slug}
    else:
        assert listed == sources == {public.story.slug}


@pytest.mark.parametrize("actor", ACTORS)
def test_api_tokens_are_managed_only_by_their_user(actor, owner, other):
    row, _ = create_api_token(owner, "Harbour desk robot")
    client = client_for(actor, owner, other)
    page = client.get(reverse("api_tokens"))
    response = client.post(reverse("api_token_revoke", args=[row.pk]))
    row.refresh_from_db()
    if actor == "anonymous":
        assert page.status_code == 302 and page["Location"].startswith(reverse("login"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif actor == "other":
        assert page.status_code == 200 and "Harbour desk robot" not in page.content.decode()
        assert response.status_code == 404
    else:
        assert page.status_code == 200 and "Harbour desk robot" in page.content.decode()
        assert response.status_code == 302
    assert (row.revoked_at is not None) == (actor == "owner")


def test_a_note_of_someone_elses_story_cannot_be_deleted_through_ones_own(owner, other):
    theirs = make_world(owner, "public")
    mine = make_world(other, "private")
    client = client_for("other", owner, other)
    url = reverse("articles:note_delete", args=[mine.story.slug, theirs.note.pk])
    assert client.post(url).status_code == 404
    assert PassageNote.objects.filter(pk=theirs.note.pk).exists()


def test_a_note_of_someone_elses_story_cannot_be_edited_through_ones_own(owner, other):
    theirs = make_world(owner, "public")
    mine = make_world(other, "private")
    client = client_for("other", owner, other)
    url = reverse("articles:note_edit", args=[mine.story.slug, theirs.note.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Hijacked."}).status_code == 404
    assert not PassageNote.objects.filter(body="Hijacked.").exists()


def test_a_note_cannot_be_put_on_someone_elses_version_through_ones_own_story(owner, other):
    theirs = make_world(owner, "public")
    mine = make_world(other, "private")
    client = client_for("other", owner, other)
    data = {"article": theirs.article.pk, "start": 0, "end": 20, "body": "Hijacked."}
    assert client.post(reverse("articles:note_add", args=[mine.story.slug]), data).status_code == 404
    assert not PassageNote.objects.filter(body="Hijacked.").exists()
