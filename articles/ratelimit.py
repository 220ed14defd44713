"""How many web pages one user may have Versus fetch per minute.

Each fetch is a row of ``UrlImport``; the rows of the last minute are the user's count.
The count lives in the database, not in a per-process cache, so it holds across every
server worker, and a user's rows are checked and written under a lock on the user's row
so that two requests at once cannot both take the last places.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from versus.text import plural

from .models import UrlImport
from .services import IngestError

WINDOW = dt.timedelta(minutes=1)


@transaction.atomic
def reserve_url_imports(user: User, count: int, now: dt.datetime | None = None) -> None:
    """Count ``count`` fetches for ``user`` now, or raise IngestError saying when to try again."""
    if count <= 0:
        return
    limit = settings.VERSUS_URL_IMPORTS_PER_MINUTE
    pages = plural(limit, "web page")
    now = now or timezone.now()
    # Postgres holds concurrent requests of the same user here until this one commits
    # (SQLite serialises every writing transaction anyway).
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    UrlImport.objects.filter(user=user, created_at__lte=now - WINDOW).delete()
    recent = list(UrlImport.objects.filter(user=user).order_by("created_at").values_list("created_at", flat=True))
    if count > limit:
        raise IngestError(
            f"You can import at most {pages} a minute; you gave {count} addresses. "
            "Give fewer at a time and add the rest with “Add a version”."
        )
    if len(recent) + count > limit:
        # The oldest fetches leave the window first; wait until enough of them have.
        frees_at = recent[len(recent) + count - limit - 1] + WINDOW
        wait = max(1, math.ceil((frees_at - now).total_seconds()))
        raise IngestError(f"You can import at most {pages} a minute; try again in {plural(wait, 'second')}.")
    UrlImport.objects.bulk_create([UrlImport(user=user, created_at=now) for _ in range(count)])
