"""Who may see and change which story. Every view that shows or changes a story asks here.

A story is private to its owner unless the owner made it public; a share link opens it
read-only for anyone holding the token until it is revoked. Anything a user may not see
is "not found" (404), never "forbidden", so guessing slugs or ids tells nothing about
which stories exist.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from .models import ShareLink, Story

NOT_FOUND = "No story here, or not one you may open."


def visible_stories(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Story]:
    """The user's own stories and the public ones; for a visitor without an account, public ones only."""
    public = Q(visibility=Story.Visibility.PUBLIC)
    if user.is_authenticated:
        return Story.objects.filter(public | Q(owner=user))
    return Story.objects.filter(public)


def story_for_reading(request: HttpRequest, slug: str) -> Story:
    story = visible_stories(request.user).filter(slug=slug).first()
    if story is None:
        raise Http404(NOT_FOUND)
    return story


def story_for_editing(request: HttpRequest, slug: str) -> Story:
    """The story if the request's user owns it. Views using this are also @login_required."""
    if not request.user.is_authenticated:
        raise Http404(NOT_FOUND)
    story = Story.objects.filter(slug=slug, owner=request.user).first()
    if story is None:
        raise Http404(NOT_FOUND)
    return story


def story_for_share_token(token: str) -> Story:
    link = ShareLink.objects.select_related("story").filter(token=token, revoked_at__isnull=True).first()
    if link is None:
        raise Http404("This share link does not exist or was revoked.")
    return link.story
