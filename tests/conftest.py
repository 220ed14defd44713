"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.test.utils import override_settings
from django_tasks import TaskResult
from export_texts import make_story
from people import PASSWORD, make_user

from articles.models import Story

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
DATASETS = REPO.parent / "shared" / "datasets"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium as root on a closed network: no sandbox, no background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the browser is marked ``browser``, so ``-m "not browser"`` (the fast
    lane) never starts Chromium, whether or not its file remembered the mark."""
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing() -> Iterator[None]:
    # The production hasher is slow on purpose; the tests are about pages and rules, not the hash.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def teacher(db: None) -> User:
    """A signed-up user who logs in as "teacher" with ``people.PASSWORD``."""
    return make_user("teacher", PASSWORD)


@pytest.fixture
def teacher_client(teacher: User) -> Client:
    client = Client()
    client.force_login(teacher)
    return client


@pytest.fixture
def story(db: None) -> Story:
    """The Marlow Bay story (tests/export_texts.py) in three versions, owned by nobody and public.
    Files that need another story define their own ``story``."""
    return make_story()


@pytest.fixture
def enqueued_tasks() -> Iterator[list[str]]:
    """The tasks queued while the test runs, by their module path, as the task backend reports them."""
    from django_tasks.signals import task_enqueued

    queued: list[str] = []

    def note(sender: object, task_result: TaskResult, **kwargs: object) -> None:
        queued.append(task_result.task.module_path)

    task_enqueued.connect(note)
    yield queued
    task_enqueued.disconnect(note)


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not next to the repository")
    return SEEDS


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One headless Chromium for the session, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: bin/test installs Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself (creating fixtures) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def generous_throttles(settings) -> None:
    """One test client makes many requests in a moment (hypothesis, above all): the throttles
    are raised out of the way, and tests/articles/test_throttle.py sets the ones it checks."""
    for name in (
        "VERSUS_TRACES_PER_MINUTE",
        "VERSUS_TRACES_PER_MINUTE_PER_ADDRESS",
        "VERSUS_IMPORTS_PER_MINUTE",
        "VERSUS_IMPORTS_PER_MINUTE_PER_ADDRESS",
        "VERSUS_SIGNUPS_PER_HOUR_PER_ADDRESS",
    ):
        setattr(settings, name, 1_000_000)
