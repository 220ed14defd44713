"""Values every page's header needs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def accounts(request: HttpRequest) -> dict[str, object]:
    return {"open_signup": settings.VERSUS_OPEN_SIGNUP}
