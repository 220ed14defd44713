"""Availability under attack: what an ordinary reader of a story page gets while two attackers
try to take the site down.

Starts gunicorn (2 sync workers, production settings, plain http on loopback) and one
background worker (``manage.py db_worker``) on its own database: Postgres if DATABASE_URL
names one (a database ``versus_attack_<pid>`` is made and dropped), else a temporary SQLite
file. Loads the demo stories and stores their alignments, and starts a slow web server on
127.0.0.1 for the URL imports. Then, for ``--duration`` seconds, all at once:

- **readers** (``--readers`` threads; first ``--baseline`` seconds alone, as the baseline):
  the story page and its HTMX fragments, one request after another, each timed;
- **attacker 1**, anonymous: large traces, on the API and the trace page (1.9 million characters,
  and 99,000, just under what a request may trace, made of repeated words);
- **attacker 2**, with an account: large uploads (an 8 MB .html file; 2 MB ones) and URL
  imports of pages that trickle their headers and take 8 s each.

Prints the readers' p50 / p99 / max latency, every status code seen by each party, and the
number of 5xx answers (must be 0; reader p99 must stay under 2 s). Every loop is bounded
in count and time; everything stays on 127.0.0.1.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/attack.py
    .venv/bin/python bench/attack.py --duration 15 --readers 2     # a quick look, SQLite
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import (  # noqa: E402 - the load bench's helpers, next to this file
    GUNICORN,
    PYTHON,
    REPO,
    STORE_ALIGNMENTS,
    admin_sql,
    free_port,
    manage,
    story_requests,
    wait_until_serving,
    with_database,
)

TIMEOUT = 60  # seconds any one request of this bench may take before it counts as an error
MAX_REQUESTS = 100_000  # per loop: bounded in count as well as in time

WORDS = ["the", "council", "said", "bridge", "harbour", "ferry", "motor", "open", "closed", "engineers", "tuesday"]


def repeated_words(size: int, seed: int) -> str:
    rng = random.Random(seed)
    sentences, total = [], 0
    while total < size:
        sentence = " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "."
        sentences.append(sentence)
        total += len(sentence) + 1
    return " ".join(sentences)[:size]


# --- a slow website on loopback ---------------------------------------------------------------


class SlowSite(BaseHTTPRequestHandler):
    """Pages that trickle one header line every 0.5 s for 8 s, then a short article."""

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            for n in range(16):
                self.send_header(f"X-Slow-{n}", "x")
                self.flush_headers()
                time.sleep(0.5)
            body = (
                f"<html><body><article><h1>Slow page {self.path}</h1><p>The harbour council met on Tuesday "
                f"and agreed that the swing bridge would be repaired ({self.path}).</p></article></body></html>"
            ).encode()
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the fetcher gave up: expected


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


# --- a client with cookies and CSRF ------------------------------------------------------------


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)


class Browser:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            sent = dict(headers or {})
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if method == "POST" and "csrftoken" in self.cookies:
                sent.setdefault("Referer", f"http://127.0.0.1:{self.port}{path}")
            connection.request(method, path, body=body or None, headers=sent)
            response = connection.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, data
        finally:
            connection.close()

    def form_token(self, path: str) -> str:
        _, body = self.request("GET", path)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        return found.group(1).decode() if found else ""

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, bytes]:
        token = self.form_token(path)
        body = urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, path: str, fields: dict[str, str], files: list[tuple[str, bytes]]) -> tuple[int, bytes]:
        token = self.form_token(path)
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**fields, "csrfmiddlewaretoken": token}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for filename, data in files:
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
                "Content-Type: text/html\r\n\r\n"
            )
            parts.append(head.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def timed(tally: Tally, call) -> None:
    started = time.perf_counter()
    try:
        status, _ = call()
    except OSError as error:
        with tally.lock:
            tally.errors.append(f"{type(error).__name__}: {error}")
        status = 0
    tally.add(status, time.perf_counter() - started)


# --- the parties -----------------------------------------------------------------------------------


def reader(port: int, requests: list[tuple[str, bool]], end: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    browser = Browser(port)
    for _ in range(MAX_REQUESTS):
        if time.monotonic() >= end:
            return
        path, htmx = rng.choice(requests)
        timed(tally, lambda p=path, h=htmx: browser.request("GET", p, headers={"HX-Request": "true"} if h else {}))


def anonymous_tracer(port: int, end: float, tally: Tally) -> None:
    browser = Browser(port)
    huge = repeated_words(1_900_000, 1)
    largest = repeated_words(99_000, 2)
    kinds = [
        lambda: browser.request(
            "POST", "/api/trace", json.dumps({"text": huge}).encode(), {"Content-Type": "application/json"}
        ),
        lambda: browser.request(
            "POST", "/api/trace", json.dumps({"text": largest}).encode(), {"Content-Type": "application/json"}
        ),
        lambda: browser.post_form("/trace/", {"text": largest}),
    ]
    for n in range(MAX_REQUESTS):
        if time.monotonic() >= end:
            return
        timed(tally, kinds[n % len(kinds)])


def uploader(port: int, slow_site: str, end: float, tally: Tally, account: str) -> None:
    browser = Browser(port)
    status, _ = browser.post_form("/accounts/login/", {"username": account, "password": PASSWORD})
    if status != 302:
        tally.errors.append(f"attacker could not log in ({status})")
        return
    page = "<html><body><article>" + "".join(
        f"<p>{repeated_words(400, n)}</p>" for n in range(20_000)
    )  # ~8 MB of paragraphs
    big = (page[:8_000_000] + "</article></body></html>").encode()
    medium = (page[:2_000_000] + "</article></body></html>").encode()
    urls = "\n".join(f"{slow_site}/page-{n}" for n in range(4))
    kinds = [
        lambda n: browser.post_multipart("/stories/new/", {"title": f"Big {n}"}, [("big.html", big)]),
        lambda n: browser.post_multipart(
            "/stories/new/", {"title": f"Medium {n}"}, [(f"m{i}.html", medium) for i in range(4)]
        ),
        lambda n: browser.post_form("/stories/new/", {"title": f"Slow {n}", "urls": urls}),
    ]
    for n in range(MAX_REQUESTS):
        if time.monotonic() >= end:
            return
        timed(tally, lambda n=n: kinds[n % len(kinds)](n))


PASSWORD = "attack bench " + secrets.token_hex(8)
MAKE_ACCOUNTS = """
from django.contrib.auth import get_user_model
for name in ("attacker",):
    get_user_model().objects.create_user(name, password={password!r})
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def run(duration: float, readers: int, database_url: str, baseline: float = 10) -> dict:
    """The whole bench; returns the figures (also used by tests/versus/test_availability.py)."""
    work = Path(tempfile.mkdtemp(prefix="versus-attack-"))
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    name = f"versus_attack_{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": with_database(database_url, name) if postgres else f"sqlite:///{work / 'db.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STATIC_ROOT": str(work / "static"),
        "VERSUS_TASKS_BACKEND": "database",
        "VERSUS_URL_IMPORT_ALLOW_PRIVATE": "1",  # the slow site is on loopback
        "LOG_LEVEL": "ERROR",
    }
    if postgres:
        admin_sql(database_url, f'CREATE DATABASE "{name}"')
    processes: list[subprocess.Popen] = []
    site = QuietServer(("127.0.0.1", 0), SlowSite)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo", "-v", "0")
        stored = [line.split() for line in manage(env, "shell", "-c", STORE_ALIGNMENTS).splitlines()]
        stored = [(slug, int(count)) for slug, count, status in (x for x in stored if len(x) == 3) if status == "done"]
        if not stored:
            sys.exit("the demo alignments were not stored")
        slug = max(stored, key=lambda story: story[1])[0]  # the story with the most versions
        manage(env, "shell", "-c", MAKE_ACCOUNTS.format(password=PASSWORD))
        manage(env, "collectstatic", "--noinput", "-v", "0")
        port = free_port()
        log = open(work / "server.log", "w")  # noqa: SIM115 - closed with the processes
        processes.append(
            subprocess.Popen(
                [GUNICORN, "versus.wsgi:application", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        # The background worker runs niced, as the README recommends: on a small machine the
        # web workers' readers come first, the imports it does can wait a moment.
        processes.append(
            subprocess.Popen(
                ["nice", "-n", "10", PYTHON, "manage.py", "db_worker"],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        wait_until_serving(port, processes[0])
        requests = story_requests(port, slug, 6)
        load_before = os.getloadavg()[0]

        # Baseline: the same readers with nobody attacking, on the same server, just before.
        quiet = Tally()
        quiet_end = time.monotonic() + baseline
        quiet_threads = [
            threading.Thread(target=reader, args=(port, requests, quiet_end, quiet, 100 + n)) for n in range(readers)
        ]
        for thread in quiet_threads:
            thread.start()
        for thread in quiet_threads:
            thread.join(baseline + TIMEOUT + 30)

        end = time.monotonic() + duration
        tallies = {"reader": Tally(), "tracer": Tally(), "uploader": Tally()}
        threads = [
            threading.Thread(target=reader, args=(port, requests, end, tallies["reader"], n)) for n in range(readers)
        ]
        slow_site = f"http://127.0.0.1:{site.server_address[1]}"
        threads.append(threading.Thread(target=anonymous_tracer, args=(port, end, tallies["tracer"])))
        threads.append(threading.Thread(target=uploader, args=(port, slow_site, end, tallies["uploader"], "attacker")))
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(duration + TIMEOUT + 30)
        seconds = time.monotonic() - began
        log.flush()
        server_log = (work / "server.log").read_text(errors="replace")
        read = tallies["reader"].latencies
        figures = {
            "seconds": round(seconds, 1),
            "database": "postgres" if postgres else "sqlite",
            "load_average_before": round(load_before, 1),
            "reader_requests": len(read),
            "reader_p50_ms": round(1000 * statistics.median(read), 1) if read else None,
            "reader_p99_ms": round(1000 * percentile(read, 0.99), 1) if read else None,
            "reader_max_ms": round(1000 * max(read), 1) if read else None,
            "baseline_seconds": baseline,
            "baseline_requests": len(quiet.latencies),
            "baseline_p50_ms": round(1000 * statistics.median(quiet.latencies), 1) if quiet.latencies else None,
            "baseline_p99_ms": round(1000 * percentile(quiet.latencies, 0.99), 1) if quiet.latencies else None,
            "baseline_5xx": sum(n for s, n in quiet.statuses.items() if s >= 500),
            "statuses": {who: dict(sorted(t.statuses.items())) for who, t in tallies.items()},
            "errors": {who: t.errors[:5] for who, t in tallies.items() if t.errors},
            "server_5xx": sum(n for t in [*tallies.values(), quiet] for s, n in t.statuses.items() if s >= 500),
            "worker_timeouts": server_log.count("WORKER TIMEOUT"),
        }
        return figures
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        site.shutdown()
        site.server_close()
        if postgres:
            admin_sql(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of attack (default 60)")
    parser.add_argument("--readers", type=int, default=4, help="reader threads (default 4)")
    parser.add_argument("--baseline", type=float, default=10, help="seconds of readers alone first (default 10)")
    args = parser.parse_args()
    figures = run(args.duration, args.readers, os.environ.get("DATABASE_URL", ""), args.baseline)
    print(
        f"baseline, readers alone for {figures['baseline_seconds']} s: {figures['baseline_requests']} requests, "
        f"p50 {figures['baseline_p50_ms']} ms, p99 {figures['baseline_p99_ms']} ms"
    )
    print(
        f"{figures['database']}, {figures['seconds']} s, load average before {figures['load_average_before']}: "
        f"readers {figures['reader_requests']} requests, p50 {figures['reader_p50_ms']} ms, "
        f"p99 {figures['reader_p99_ms']} ms, max {figures['reader_max_ms']} ms; 5xx {figures['server_5xx']}; "
        f"worker timeouts {figures['worker_timeouts']}"
    )
    for who, statuses in figures["statuses"].items():
        print(f"  {who:<9} {statuses}")
    if figures["errors"]:
        print(f"  connection errors: {figures['errors']}")
    print("RESULT " + json.dumps(figures))
    if figures["server_5xx"] or figures["worker_timeouts"] or (figures["reader_p99_ms"] or 0) >= 2000:
        sys.exit("FAILED: 5xx answers, worker timeouts, or reader p99 of 2 s or more")


if __name__ == "__main__":
    main()
