"""The account's API tokens page: make a token (shown once), see when each was last used, revoke one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from versus.http import AuthenticatedHttpRequest

from .models import ApiToken
from .tokens import create_api_token, revoke_api_token

TEMPLATE = "registration/api_tokens.html"


def _page(request: AuthenticatedHttpRequest, status: int = 200, **context: object) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, TEMPLATE, {"tokens": tokens, **context}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    name = request.POST.get("name", "").replace("\x00", "").strip()
    if not name:
        return _page(request, status=400, problem="Give the token a name, e.g. “newsroom script”, to tell it apart.")
    row, token = create_api_token(request.user, name)
    # Shown in this response only: the database keeps just its hash. Not a redirect, so it is never in a URL.
    response = _page(request, new_token=token, new_row=row)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def api_token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(ApiToken, pk=pk, user=request.user)  # someone else's token: not found
    revoke_api_token(row)
    return redirect("api_tokens")
