"""A Content-Security-Policy on every response: our own scripts and styles only.

No inline <script> or <style> anywhere in the app (htmx is told not to inject its indicator
styles: see the htmx-config meta tag in templates/base.html), so article text that slipped
past escaping still could not run anything. JavaScript may set element styles through the
DOM; that is not an inline style attribute and needs no exception.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view may send its own policy: a downloaded report, self-contained by design,
        # carries its styles inline and says so with a policy of its own.
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


class PrivateCacheMiddleware:
    """``Cache-Control: private`` on what a shared cache must never keep or hand to someone else:
    every page seen logged in (it names the user and may show private stories) and every page
    opened through a share link. Public pages seen without an account stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        shared = match is not None and (match.url_name or "").startswith("shared_")
        no_store = "no-store" in response.get("Cache-Control", "")  # stricter already: left as it is
        if ((user is not None and user.is_authenticated) or shared) and not no_store:
            patch_cache_control(response, private=True)
        return response
