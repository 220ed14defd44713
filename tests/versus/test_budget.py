"""Time budgets (versus/budget.py): a step that runs too long is interrupted with OverBudget."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest

from versus.budget import Deadline, OverBudget, time_limit


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_a_loop_that_outlives_its_budget_is_interrupted():
    began = time.monotonic()
    with pytest.raises(OverBudget, match="too long"), time_limit(0.05, "too long"):
        spin(5)
    assert time.monotonic() - began < 2


def test_a_step_that_swallows_the_timer_still_ends_over_budget():
    # Libraries catch what they should not (lxml's C callbacks, finalisers): the block then
    # returns part of its work, which must not pass for a result.
    with (
        pytest.raises(OverBudget, match="too long"),
        time_limit(0.05, "too long"),
        contextlib.suppress(BaseException),
    ):
        spin(5)


def test_a_step_inside_its_budget_is_left_alone_and_the_timer_is_disarmed():
    with time_limit(0.5) as deadline:
        spin(0.01)
    assert deadline.remaining() > 0
    spin(0.6)  # nothing fires afterwards


def test_an_inner_budget_never_outlasts_the_outer_one():
    with pytest.raises(OverBudget, match="outer"), time_limit(0.05, "outer"), time_limit(5, "inner"):
        spin(5)


def test_an_outer_budget_still_holds_after_an_inner_one_ended():
    with pytest.raises(OverBudget, match="outer"), time_limit(0.2, "outer"):
        with time_limit(0.05, "inner"):
            spin(0.01)
        spin(5)


def test_outside_the_main_thread_the_deadline_is_checked_between_steps():
    seen: list[BaseException] = []

    def work() -> None:
        try:
            with time_limit(0.05, "late") as deadline:
                for _ in range(100):
                    spin(0.01)
                    deadline.check("late")
        except OverBudget as error:
            seen.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(10)
    assert seen and seen[0].message == "late"


def test_a_deadline_knows_when_it_has_passed():
    deadline = Deadline.after(0.02)
    assert not deadline.expired()
    spin(0.03)
    assert deadline.expired()
    with pytest.raises(OverBudget):
        deadline.check()
