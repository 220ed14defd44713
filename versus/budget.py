"""Time budgets for the heavy parts of a request: the engine, the HTML extractor, the fetcher.

gunicorn's sync workers serve one request each; a request that computes for 30 s holds a
worker for 30 s and is then killed with a 500, while every other visitor waits. So each
heavy step runs inside a budget and gives up cleanly when it is spent, raising
``OverBudget``; views turn that into a 503 with Retry-After (or a form that says what to
do), never a 500.

Two ways of enforcing it, used together:

- ``Deadline.check()`` between units of work (one candidate aligned, one page fetched):
  cooperative, works in any thread.
- ``time_limit()`` arms a timer signal (SIGALRM) around a step whose inner loops we do not
  control (the engine's candidate search, trafilatura): when the budget is spent the signal
  handler raises ``OverBudget`` inside that code. Python delivers signals to the main
  thread only, which is where gunicorn's sync workers, the task worker and the test client
  run requests; in another thread (``runserver``) only the cooperative checks apply. Only
  pure computation is wrapped, never a database write, so nothing is left half done.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType


class OverBudget(Exception):
    """A step ran out of its time budget; ``message`` says so to the person who asked."""

    def __init__(self, message: str = "", retry_after: int = 30) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Deadline:
    expires: float  # time.monotonic() value

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        return self.expires - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def check(self, message: str = "") -> None:
        if self.expired():
            raise OverBudget(message)


class _Expired(BaseException):
    """Raised by the timer inside the interrupted code; a BaseException so that the many
    ``except Exception`` of libraries (trafilatura has some) do not swallow it. ``time_limit``
    turns it into OverBudget where the block ends."""

    def __init__(self, limit: object) -> None:
        super().__init__()
        self.limit = limit


def _can_use_signals() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextmanager
def time_limit(seconds: float, message: str = "") -> Iterator[Deadline]:
    """Run the block for at most ``seconds`` (see the module's notes); raises OverBudget(message).

    Nests: an inner limit never extends an outer one that expires sooner.
    """
    deadline = Deadline.after(seconds)
    if not _can_use_signals():
        yield deadline
        return
    previous_handler = signal.getsignal(signal.SIGALRM)
    previous_delay, _ = signal.getitimer(signal.ITIMER_REAL)
    outer_expires = time.monotonic() + previous_delay if previous_delay else math.inf
    this = object()
    fired = False

    def expire(signum: int, frame: FrameType | None) -> None:
        nonlocal fired
        fired = True
        if time.monotonic() >= outer_expires and callable(previous_handler):
            previous_handler(signum, frame)  # the outer budget is spent too: it ends first
        raise _Expired(this)

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(0.000_001, min(seconds, outer_expires - time.monotonic())))
    try:
        yield deadline
        if fired:
            # The timer's exception was swallowed (inside lxml's C code, a finaliser): the block
            # carried on and returned what it had, part of its work. That is not a result.
            raise OverBudget(message)
    except _Expired as expired:
        if expired.limit is not this:
            raise  # an outer limit's: it ends there
        raise OverBudget(message) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_expires is not math.inf:
            signal.setitimer(signal.ITIMER_REAL, max(0.001, outer_expires - time.monotonic()))
