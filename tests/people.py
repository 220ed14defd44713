"""The people and small stories that many test files share (the fixtures built on them are in conftest.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from articles.models import Story
from articles.services import ArticleInput, create_story

PASSWORD = "harbour-ferry-timetable-42"

# Two versions of a fictional news item: the agency's and a light rewrite of it.
BRIDGE_AGENCY = (
    "The harbour swing bridge stayed open on Tuesday after a motor failed, the council said.\n\n"
    "Commuters queued for the foot ferry, which will run every ten minutes until Friday."
)
BRIDGE_REWRITE = (
    "A broken motor left the harbour swing bridge open on Tuesday, the council said.\n\n"
    "Commuters queued for the foot ferry, which will run every ten minutes until Friday."
)


def make_user(name: str, password: str | None = None) -> User:
    """A user; without a password they are logged in with force_login or an API token."""
    return get_user_model().objects.create_user(name, password=password)


def bridge_story(owner: User | None, visibility: str = Story.Visibility.PRIVATE) -> Story:
    return create_story(
        "Harbour bridge stuck",
        [
            ArticleInput(text=BRIDGE_AGENCY, outlet="Valley Wire"),
            ArticleInput(text=BRIDGE_REWRITE, outlet="Coast Radio"),
        ],
        owner=owner,
        visibility=visibility,
    )
