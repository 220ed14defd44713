"""manage.py prune_jobs: old background imports and traces are deleted, recent ones kept."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from articles.models import ImportFile, ImportJob
from compare.models import TraceJob

pytestmark = pytest.mark.django_db


def test_it_deletes_jobs_older_than_the_given_days_with_their_files():
    owner = get_user_model().objects.create_user("teacher")
    old_import = ImportJob.objects.create(owner=owner, title="Old")
    ImportFile.objects.create(job=old_import, position=0, name="a.html", data=b"<p>a</p>")
    recent_import = ImportJob.objects.create(owner=owner, title="Recent")
    old_trace = TraceJob.objects.create(owner=owner, text="old text")
    recent_trace = TraceJob.objects.create(owner=owner, text="recent text")
    long_ago = timezone.now() - dt.timedelta(days=15)
    ImportJob.objects.filter(pk=old_import.pk).update(created_at=long_ago)
    TraceJob.objects.filter(pk=old_trace.pk).update(created_at=long_ago)

    out = io.StringIO()
    call_command("prune_jobs", stdout=out)

    assert list(ImportJob.objects.all()) == [recent_import]
    assert list(TraceJob.objects.all()) == [recent_trace]
    assert not ImportFile.objects.exists()
    assert "older than 14 days" in out.getvalue()
