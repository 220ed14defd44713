"""What views know of their requests: django-htmx's details, a signed-in user; and the one question about htmx."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through ``django_htmx.middleware.HtmxMiddleware`` (every request does)."""

    htmx: HtmxDetails


def is_fragment(request: HtmxHttpRequest) -> bool:
    """An HTMX swap wants a fragment; a history restore after a cache miss wants the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request to a ``@login_required`` view: its user is signed in."""

    user: User


def go_to(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Send the browser to ``url``. An htmx request is told with HX-Redirect: a plain redirect
    would be followed by htmx and its page swapped into the current one."""
    if is_fragment(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
