"""Stored results of the alignment engine, so a story page does not recompute on every visit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from articles.models import Story
from versus.jobs import BackgroundJob, new_token


class StoredAlignment(models.Model):
    """The engine's result for one exact set of versions of a story.

    ``key`` hashes the versions' ids and content hashes together with the engine version and
    the mode: adding, changing or removing a version (or upgrading the engine, or installing
    the sentence model) gives a new key, so a stale result is never shown; it is simply not
    found and the story is aligned again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Computing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="alignments")
    key = models.CharField(max_length=64)
    engine_version = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    data = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Each start of the computation (a worker taking the row) counts one attempt; a worker writes
    # progress and the result only while the attempt is still its own, so one that was given up
    # for dead and comes back cannot overwrite the work of the worker that took over.
    attempt = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True, help_text="The background task queued for this row.")
    seconds = models.FloatField(null=True, blank=True, help_text="How long the computation took.")
    # "semantic" when every version was compared with its sentence vectors, else "lexical"
    # (the model is not installed); empty until done.
    mode = models.CharField(max_length=10, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # Also the heartbeat: a running worker touches it every few seconds (see compare/tasks.py).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["story", "key"], name="one_alignment_per_story_key")]

    def __str__(self) -> str:
        return f"{self.story} [{self.status}]"

    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)


# The first migration of TraceJob names its token's default by this name.
new_trace_token = new_token


class TraceJob(BackgroundJob):
    """A text longer than one request may trace, traced by the background worker.

    Only for logged-in users (the job is theirs); its page (``get_absolute_url``) shows that
    it is running and then the result, read back with ``compare.trace.service.result_from_dict``.
    """

    text = models.TextField()
    asked = models.JSONField(default=dict, blank=True)  # headline, outlet, source_url as sent
    result = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"trace {self.token} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("compare:trace_job", args=[self.token])

    def stale_seconds(self) -> float:
        # A trace says nothing while it works: it is lost only once its whole budget has passed.
        return settings.VERSUS_TRACE_BACKGROUND_SECONDS + settings.VERSUS_ALIGN_STALE_SECONDS
