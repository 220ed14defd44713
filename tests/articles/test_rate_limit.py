"""The limit on web pages one user may import per minute (VERSUS_URL_IMPORTS_PER_MINUTE)."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pages_server import serve

from articles.models import Story, UrlImport
from articles.ratelimit import reserve_url_imports
from articles.services import IngestError

PASTED = "The ferry timetable changes on Monday, and the first boat now leaves the north quay at six."


@pytest.fixture
def importing(settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True  # the pages come from our own server on 127.0.0.1
    settings.VERSUS_URL_IMPORTS_PER_MINUTE = 2


def new_story(client, **data):
    return client.post(reverse("articles:story_new"), {"title": "Harbour ferry", **data})


@pytest.mark.django_db(transaction=True)
def test_a_user_imports_up_to_the_limit_and_is_then_told_when_to_try_again(client, teacher, importing):
    client.force_login(teacher)
    with serve() as base:
        assert new_story(client, urls=f"{base}/article\n{base}/plain").status_code == 302
        story = Story.objects.get()
        response = client.post(reverse("articles:version_add", args=[story.slug]), {"urls": f"{base}/latin1"})
    html = response.content.decode()
    assert response.status_code == 400
    wait = re.search(r"You can import at most 2 web pages a minute; try again in (\d+) seconds?\. Nothing", html)
    assert wait, html
    assert 1 <= int(wait.group(1)) <= 60
    assert story.versions.count() == 2


@pytest.mark.django_db
def test_the_wait_is_until_the_oldest_import_is_a_minute_old(teacher, settings):
    settings.VERSUS_URL_IMPORTS_PER_MINUTE = 2
    start = timezone.now()
    reserve_url_imports(teacher, 1, now=start)
    reserve_url_imports(teacher, 1, now=start + dt.timedelta(seconds=20))
    with pytest.raises(IngestError, match=r"try again in 30 seconds\.$"):
        reserve_url_imports(teacher, 1, now=start + dt.timedelta(seconds=30))
    with pytest.raises(IngestError, match=r"try again in 50 seconds\.$"):  # two places: both must have freed
        reserve_url_imports(teacher, 2, now=start + dt.timedelta(seconds=30))
    reserve_url_imports(teacher, 1, now=start + dt.timedelta(seconds=61))
    assert UrlImport.objects.filter(user=teacher).count() == 2  # the old row was cleared, the new one counted


@pytest.mark.django_db
def test_more_addresses_at_once_than_the_limit_are_refused_before_fetching(client, teacher, importing):
    client.force_login(teacher)
    with serve() as base:
        response = new_story(client, urls=f"{base}/article\n{base}/plain\n{base}/latin1")
    assert "You can import at most 2 web pages a minute; you gave 3 addresses" in response.content.decode()
    assert not UrlImport.objects.exists()
    assert not Story.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_page_that_fails_to_import_still_counts(client, teacher, importing, settings):
    settings.VERSUS_URL_IMPORTS_PER_MINUTE = 1
    client.force_login(teacher)
    with serve() as base:
        assert new_story(client, urls=f"{base}/missing").status_code == 400
        response = new_story(client, urls=f"{base}/plain")
    assert "You can import at most 1 web page a minute; try again in" in response.content.decode()


@pytest.mark.django_db
def test_each_user_has_their_own_allowance(client, teacher, importing, django_user_model):
    reserve_url_imports(teacher, 2)
    colleague = django_user_model.objects.create_user("colleague")
    client.force_login(colleague)
    with serve() as base:
        assert new_story(client, urls=f"{base}/plain").status_code == 302


@pytest.mark.django_db
def test_pasting_is_not_limited(client, teacher, importing):
    reserve_url_imports(teacher, 2)
    client.force_login(teacher)
    assert new_story(client, text=PASTED).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_time_cannot_take_more_than_the_limit(teacher, settings):
    """Each thread has its own database connection, as each server worker process does."""
    settings.VERSUS_URL_IMPORTS_PER_MINUTE = 3
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def one_request() -> None:
        try:
            barrier.wait()
            reserve_url_imports(teacher, 1)
            outcomes.append("allowed")
        except IngestError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=one_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["allowed"] * 3 + ["refused"] * 5
    assert UrlImport.objects.filter(user=teacher).count() == 3
