"""Account pages: sign up, the answer to a locked-out login, and the API tokens page (make a token, shown
once; see when each was last used; revoke one). Log in, log out and password change are Django's own views."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import ApiToken
from articles.throttle import Rule, Throttled, take
from versus.http import AuthenticatedHttpRequest

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


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.VERSUS_OPEN_SIGNUP:
        raise Http404("Accounts are made by the administrator of this Versus.")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    form: UserCreationForm[User] = UserCreationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            take(Rule.named("signup"), request)
        except Throttled as error:
            form.add_error(None, str(error))
            response = render(request, "registration/signup.html", {"form": form, "next": next_url}, status=429)
            response["Retry-After"] = str(error.retry_after)
            return response
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.get_username()}. Your stories are private until you share them.")
        return redirect(next_url or "compare:library")
    status = 400 if form.is_bound else 200
    return render(request, "registration/signup.html", {"form": form, "next": next_url}, status=status)


def login_locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None):
    """What django-axes answers to a login from a locked-out user name or address."""
    minutes = settings.VERSUS_LOGIN_LOCKOUT_MINUTES
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    problem = (
        f"Too many failed attempts to log in, for this user name or from this network. Logging in is paused "
        f"for {minutes} minutes, even with the right password. Ask whoever runs this Versus if you forgot it."
    )
    context = {"form": form, "next": request.POST.get("next", ""), "problem": problem}
    locked = render(request, "registration/login.html", context, status=429)
    locked["Retry-After"] = str(minutes * 60)
    return locked
