"""Load test: gunicorn (2 workers) on Postgres, many readers of one story at once.

Makes its own database ``versus_bench_<pid>`` on the Postgres server of DATABASE_URL,
migrates it, loads the demo stories, computes and stores their alignments, collects the
static files into a temporary STATIC_ROOT, and starts gunicorn on a free loopback port with
production settings (DEBUG off, whitenoise, the database task backend; plain http, so no SSL
redirect). Then ``wrk`` (Debian package ``wrk``) keeps N connections busy for the given time
on the story page and its HTMX fragments: the comparison with another base, with a filter,
and passage panels. A short run on the stylesheet first (served by whitenoise through the
same gunicorn) is the baseline: the cheapest request this server can answer.

Prints requests per second, p50 and p99 latency and the errors (non-2xx answers, socket
errors and timeouts), which must be zero, and how much CPU wrk itself used (two cores are
shared with gunicorn and Postgres). Everything stays on 127.0.0.1, stops by itself, and the
database is dropped at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py
    ... bench/load.py --duration 10 --connections 8     # a quick look
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import re
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
WRK = shutil.which("wrk") or "/usr/bin/wrk"

# Each wrk thread goes round the list of requests; every answer not 2xx is counted.
WRK_SCRIPT = """
local requests = {}
errors = 0  -- global: done() reads it from each thread
local threads = {}

init = function(args)
  for i = 1, #args, 2 do
    local headers = {}
    if args[i + 1] == "htmx" then headers["HX-Request"] = "true" end
    requests[#requests + 1] = wrk.format("GET", args[i], headers)
  end
  -- Threads start at different places in the list (id is set by setup()).
  counter = ((id or 1) * 7) % #requests
end

setup = function(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

request = function()
  counter = counter % #requests + 1
  return requests[counter]
end

response = function(status, headers, body)
  if status < 200 or status > 299 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (thread:get("errors") or 0) end
  io.write(string.format(
    "RESULT {\\"requests\\": %d, \\"seconds\\": %.3f, \\"p50_ms\\": %.2f, \\"p99_ms\\": %.2f, " ..
    "\\"max_ms\\": %.2f, \\"non_2xx\\": %d, \\"connect\\": %d, \\"read\\": %d, \\"write\\": %d, " ..
    "\\"timeout\\": %d, \\"status\\": %d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def admin_sql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(sql)


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


STORE_ALIGNMENTS = textwrap.dedent(
    """
    from articles.models import Story
    from compare import services
    for story in Story.objects.all():
        print(story.slug, story.versions.count(), services.get_or_compute(story).status)
    """
)


def get(port: int, path: str, htmx: bool = False) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"HX-Request": "true"} if htmx else {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def wait_until_serving(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {server.returncode})")
        try:
            if get(port, "/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer within {seconds:.0f} s")


def story_requests(port: int, slug: str, panels: int) -> list[tuple[str, bool]]:
    """The story page and its fragments, with real ids read from the page itself."""
    page = f"/stories/{slug}/"
    status, _, body = get(port, page)
    if status != 200:
        sys.exit(f"{page} answered {status}")
    bases = re.findall(r'<option value="(\d+)"', body.split('id="base"', 1)[1].split("</select>", 1)[0])
    panel_urls = [html.unescape(url) for url in re.findall(r'data-panel="([^"]+)"', body)]
    if len(bases) < 2 or not panel_urls:
        sys.exit("the story page shows no versions or passages: was the alignment stored?")
    step = max(1, len(panel_urls) // panels)
    chosen_panels = panel_urls[::step][:panels]
    requests: list[tuple[str, bool]] = [(page, False)]
    requests += [(f"{page}?base={base}", True) for base in bases[1:]]
    requests += [(f"{page}?show={show}", True) for show in ("changed", "unique", "paraphrase")]
    requests += [(f"{page}?base={bases[-1]}&compare={bases[0]}", True)]
    requests += [(url, True) for url in chosen_panels]
    return requests


def kind(path: str) -> str:
    if "/passages/" in path:
        return "panel"
    if "show=" in path:
        return "filter"
    if "compare=" in path:
        return "two columns"
    return "base switch" if "base=" in path else "full page"


def single_requests(port: int, requests: list[tuple[str, bool]], rounds: int = 3) -> str:
    """Median time of each kind of request with no other load (from this process: includes http.client)."""
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        for path, htmx in requests:
            started = time.perf_counter()
            get(port, path, htmx)
            times.setdefault(kind(path), []).append((time.perf_counter() - started) * 1000)
    return ", ".join(f"{name} {statistics.median(values):.0f} ms" for name, values in times.items())


def run_wrk(port: int, requests: list[tuple[str, bool]], seconds: int, connections: int, script: Path) -> dict:
    args = [arg for path, htmx in requests for arg in (path, "htmx" if htmx else "page")]
    command = [
        WRK, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s",
        "-s", str(script), f"http://127.0.0.1:{port}", "--", *args,
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((line for line in done.stdout.splitlines() if line.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        sys.exit(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    result = json.loads(line.removeprefix("RESULT "))
    result["wrk_cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["errors"] = sum(result[k] for k in ("non_2xx", "connect", "read", "write", "timeout"))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def show(name: str, result: dict, baseline: dict | None = None) -> None:
    line = (
        f"{name:<34} {result['rps']:8.1f} req/s   p50 {result['p50_ms']:7.1f} ms   p99 {result['p99_ms']:7.1f} ms"
        f"   errors {result['errors']}   ({result['requests']} requests in {result['seconds']:.1f} s;"
        f" wrk used {result['wrk_cpu_seconds'] / result['seconds']:.2f} of a core)"
    )
    if baseline:
        line += f"   {result['rps'] / baseline['rps']:.2f}x the baseline's req/s"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load on the story (default 60)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--baseline", type=int, default=10, help="seconds on the stylesheet first (0: none)")
    parser.add_argument("--panels", type=int, default=12, help="different passage panels in the mix (default 12)")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a Postgres server (postgres://user@host:port/any): the bench makes its own db")
    if not os.path.exists(WRK):
        sys.exit("wrk is missing: apt-get install wrk")

    name = f"versus_bench_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="versus-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": with_database(url, name),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain http on loopback; everything else as in production
        "STATIC_ROOT": str(work / "static"),
        "VERSUS_TASKS_BACKEND": "database",
        "LOG_LEVEL": "WARNING",
    }
    admin_sql(url, f'CREATE DATABASE "{name}"')
    server = None
    try:
        print(f"database {name}: migrate, load_demo, store alignments, collectstatic", flush=True)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo", "-v", "0")
        stored = [line.split() for line in manage(env, "shell", "-c", STORE_ALIGNMENTS).splitlines()]
        stored = [(slug, int(count), status) for slug, count, status in (line for line in stored if len(line) == 3)]
        if not stored or any(status != "done" for *_, status in stored):
            sys.exit(f"the demo alignments were not all stored: {stored}")
        slug = max(stored, key=lambda story: story[1])[0]  # the story with the most versions
        manage(env, "collectstatic", "--noinput", "-v", "0")

        port = free_port()
        log = open(work / "gunicorn.log", "w")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            [GUNICORN, "versus.wsgi:application", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until_serving(port, server)
        body = get(port, "/")[2]
        requests = story_requests(port, slug, args.panels)
        for path, htmx in requests:  # every URL answers, under the CSP, before the clock starts
            status, headers, _ = get(port, path, htmx)
            if status != 200 or "Content-Security-Policy" not in headers:
                sys.exit(f"{path} answered {status} (CSP header: {'Content-Security-Policy' in headers})")
        print(f"gunicorn: {args.workers} workers on 127.0.0.1:{port}; {len(requests)} URLs on /stories/{slug}/")
        print(f"one request at a time: {single_requests(port, requests)}", flush=True)
        print(f"load average before the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)

        script = work / "mix.lua"
        script.write_text(WRK_SCRIPT)
        baseline = None
        if args.baseline:
            css = re.search(r'href="(/static/css/versus[^"]*\.css)"', body).group(1)
            baseline = run_wrk(port, [(css, False)], args.baseline, args.connections, script)
            show(f"baseline: {css.rsplit('/', 1)[1]}", baseline)
        result = run_wrk(port, requests, args.duration, args.connections, script)
        show(f"story page + fragments, {args.connections} conns", result, baseline)
        print("RESULT " + json.dumps({"baseline": baseline, "story": result}))
        if result["errors"]:
            log.flush()
            print((work / "gunicorn.log").read_text()[-4000:], file=sys.stderr)
            sys.exit(f"{result['errors']} errors (gunicorn's log above)")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        admin_sql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
