"""Who is calling the API: a token's owner, or anonymous. See the package's docstring."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from ninja.security import HttpBearer

from accounts.tokens import token_owner


@dataclass
class Caller:
    """Who a request is from: a token's user, or anonymous (no Authorization header)."""

    user: User | AnonymousUser


class BadToken(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TokenAuth(HttpBearer):
    """Bearer (or Token) authentication that lets a caller without a header through as anonymous."""

    def __call__(self, request: HttpRequest) -> Caller:
        header = request.headers.get("Authorization", "")
        if not header.strip():
            return Caller(AnonymousUser())
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() not in ("bearer", "token") or not token.strip():
            raise BadToken("Send the token as the header “Authorization: Bearer <token>”.")
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        user = token_owner(token)
        if user is None:
            raise BadToken("This API token is not valid: it is unknown or was revoked.")
        return Caller(user)


def caller(request: HttpRequest) -> User | AnonymousUser:
    return request.auth.user  # type: ignore[attr-defined]
