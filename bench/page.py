"""Page-speed bench for the story page: is the demo story answered in under 150 ms?

Loads the demo stories into a temporary SQLite database (or the database named by
``--use-configured-db``), times the first visit (which computes and stores the alignment),
then times N visits answered from the stored result through the Django test client, and
prints p50/p95 against the 150 ms target. The library page is timed in the same process as
a baseline, so the ratio says how much heavier the story page is than a plain page here.

    .venv/bin/python bench/page.py            # 50 requests per page
    .venv/bin/python bench/page.py -n 200
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_MS = 150.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(client, url: str, n: int, **headers: str) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def report(name: str, times: list[float], baseline: float | None = None) -> None:
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    verdict = "under" if p95 < TARGET_MS else "OVER"
    line = f"{name:<38} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({verdict} the {TARGET_MS:.0f} ms target at p95)"
    if baseline:
        line += f"   {p50 / baseline:5.1f}x the library page"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--use-configured-db", action="store_true", help="use DATABASE_URL instead of a temp SQLite")
    args = parser.parse_args()

    tmp = None
    if not args.use_configured_db:
        tmp = tempfile.TemporaryDirectory(prefix="versus-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "versus.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")  # noqa: S105 - DEBUG off needs one
    sys.path.insert(0, str(REPO))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from articles.models import Story
    from compare import services
    from compare.models import StoredAlignment

    setup_test_environment()  # allows the test client's host name
    # Production settings without what needs a deployment: plain static files (no collectstatic
    # manifest) and no redirect to HTTPS, which the test client does not speak.
    override_settings(
        SECURE_SSL_REDIRECT=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    call_command("migrate", verbosity=0)
    call_command("load_demo", reset=True, stdout=io.StringIO())
    story = max(Story.objects.all(), key=lambda s: s.versions.count())
    StoredAlignment.objects.filter(story=story).delete()
    services._DECODED.clear()
    client = Client()
    url = story.get_absolute_url()
    print(f"Story: {story.title} ({story.versions.count()} versions), database: {os.environ.get('DATABASE_URL')}")

    first = timed(client, url, 1)[0]
    stored = StoredAlignment.objects.get(story=story)
    print(f"{'first visit (aligns and stores)':<38} {first:7.1f} ms   (engine {1000 * (stored.seconds or 0):.0f} ms)")

    timed(client, url, 3)  # warm-up: template loading, caches
    library = timed(client, "/", args.n)
    report("library page (baseline)", library)
    base = statistics.median(library)
    report("story page, stored alignment", timed(client, url, args.n), base)
    report("story page, HTMX fragment", timed(client, url, args.n, HX_Request="true"), base)
    report("story page, changed only", timed(client, url + "?show=changed&hide_trivial=1", args.n), base)
    versions = list(story.versions.all())
    report("two-version mode", timed(client, f"{url}?base={versions[0].pk}&compare={versions[1].pk}", args.n), base)
    third = services.load_alignment(stored).segments[str(versions[0].pk)][2]  # a passage, by its address
    panel = f"{url}passages/{versions[0].pk}/at-{third.start}/"
    report("passage panel (fragment)", timed(client, panel, args.n, HX_Request="true"), base)

    services._DECODED.clear()  # a fresh worker process: decode the stored JSON again
    cold = timed(client, url, 1)[0]
    print(f"{'story page, stored but not decoded':<38} {cold:7.1f} ms")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
