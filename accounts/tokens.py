"""API tokens: making one (shown once), revoking it, and finding whose a presented token is.

A token is ``vs_`` and 32 random bytes (URL-safe base64); the database keeps only its SHA-256
(``ApiToken.key_hash``), so comparing a presented token is one indexed lookup of its hash.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from articles.models import ApiToken, hash_api_token

TOKEN_PREFIX = "vs_"  # noqa: S105 - a visible marker, not a secret
# last_used_at is written at most this often per token, not on every request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


@transaction.atomic
def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row, and the token itself (to show once; it is not stored)."""
    name = name.replace("\x00", "").strip()[:100] or "API token"
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, key_hash=hash_api_token(token), prefix=token[:10])
    return row, token


@transaction.atomic
def revoke_api_token(row: ApiToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])


def token_owner(token: str) -> User | None:
    """The active user a presented token belongs to, or None for an unknown or revoked token."""
    token = token.strip()
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = (
        ApiToken.objects.select_related("user").filter(key_hash=hash_api_token(token), revoked_at__isnull=True).first()
    )
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
