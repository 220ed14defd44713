"""How often one account, and one client address, may do the costly things: trace, sign up, import.

Each use is a row of ``ThrottleHit`` (scope, key, time); the rows inside the window are the
count. The count lives in the database, so it holds across every server worker, and the
keys being counted are locked while they are checked and written (a transaction-scoped
advisory lock on Postgres; SQLite serialises writing transactions anyway), so two requests
at once cannot both take the last place. Logins are throttled by django-axes (settings.py).

A client address is REMOTE_ADDR, or the header named by ``VERSUS_CLIENT_ADDRESS_HEADER``
behind a proxy that sets it. IPv6 addresses are counted by their /64 network: one machine
usually holds a whole /64 and could otherwise change address at every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from versus.text import plural

from .models import ThrottleHit
from .services import IngestError


class Throttled(IngestError):
    """Too many uses; ``retry_after`` is the number of seconds until one is possible again."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Rule:
    scope: str  # what is counted: "trace", "signup", "import"
    per_account: int  # uses one account may make in the window (0: not counted by account)
    per_address: int  # uses from one client address in the window (0: not counted by address)
    window: dt.timedelta
    doing: str  # for the message: "trace texts"

    @classmethod
    def named(cls, scope: str) -> Rule:
        minute, hour = dt.timedelta(minutes=1), dt.timedelta(hours=1)
        if scope == "trace":
            return cls(
                scope,
                settings.VERSUS_TRACES_PER_MINUTE,
                settings.VERSUS_TRACES_PER_MINUTE_PER_ADDRESS,
                minute,
                "trace texts",
            )
        if scope == "signup":
            return cls(scope, 0, settings.VERSUS_SIGNUPS_PER_HOUR_PER_ADDRESS, hour, "make accounts")
        if scope == "import":
            return cls(
                scope,
                settings.VERSUS_IMPORTS_PER_MINUTE,
                settings.VERSUS_IMPORTS_PER_MINUTE_PER_ADDRESS,
                minute,
                "add versions",
            )
        raise ValueError(f"no throttle rule named {scope!r}")


def client_address(request: HttpRequest) -> str:
    """The address the request came from, as counted: an IPv6 address is replaced by the first
    address of its /64. Always a valid IP address (django-axes stores it as one)."""
    header = settings.VERSUS_CLIENT_ADDRESS_HEADER
    raw = (request.META.get(header, "") if header else "") or request.META.get("REMOTE_ADDR", "")
    raw = raw.split(",")[0].strip()  # a forwarded-for list: the first address is the client's
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return "0.0.0.0"  # noqa: S104 - no address known (a test client, a broken proxy): counted together
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def _lock(keys: list[str]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(keys):  # always in the same order: two requests cannot wait on each other
            number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


@transaction.atomic
def take(
    rule: Rule,
    request: HttpRequest,
    count: int = 1,
    *,
    user: User | AnonymousUser | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Count ``count`` uses of ``rule`` by the request's account and address, or raise Throttled.

    ``user``: the account to count (the API's token owner); by default ``request.user``.
    """
    now = now or timezone.now()
    limits: list[tuple[str, int, str]] = []
    user = user if user is not None else request.user
    if rule.per_account and user is not None and user.is_authenticated:
        limits.append((f"user:{user.pk}", rule.per_account, "from one account"))
    if rule.per_address:
        limits.append((f"ip:{client_address(request)}", rule.per_address, "from one network address"))
    if not limits:
        return
    _lock([f"{rule.scope}|{key}" for key, _, _ in limits])
    ThrottleHit.objects.filter(scope=rule.scope, at__lte=now - rule.window).delete()
    for key, limit, who in limits:
        recent = list(ThrottleHit.objects.filter(scope=rule.scope, key=key).order_by("at").values_list("at", flat=True))
        if len(recent) + count > limit:
            oldest_needed = recent[min(len(recent) - 1, max(0, len(recent) + count - limit - 1))] if recent else now
            wait = max(1, math.ceil((oldest_needed + rule.window - now).total_seconds()))
            period = "a minute" if rule.window <= dt.timedelta(minutes=1) else "an hour"
            raise Throttled(
                f"Too many at once: Versus lets people {rule.doing} at most {limit} times {period} {who}. "
                f"Try again in {plural(wait, 'second')}.",
                retry_after=wait,
            )
    ThrottleHit.objects.bulk_create(
        [ThrottleHit(scope=rule.scope, key=key, at=now) for key, _, _ in limits for _ in range(count)]
    )
