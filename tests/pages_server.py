"""A real HTTP server on 127.0.0.1 serving the pages the URL-import tests need."""

from __future__ import annotations

import gzip
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARTICLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Swing bridge stuck open | The Harbour Gazette</title>
<meta property="og:site_name" content="The Harbour Gazette">
<meta property="og:title" content="Swing bridge stuck open for a second day">
<meta name="author" content="Priya Nandakumar">
<meta property="article:published_time" content="2025-03-04T08:30:00Z">
<script>fetch('/steal?c=' + document.cookie)</script>
</head><body>
<nav><a href="/">Home</a> <a href="/local">Local</a></nav>
<article>
<h1>Swing bridge stuck open for a second day</h1>
<p>The old swing bridge over the harbour mouth stayed open on Tuesday after a motor failed, cutting the town in two.</p>
<p onmouseover="alert('x')">Commuters queued for the foot ferry, which the council said would run every ten minutes.</p>
<p>Engineers expect to fit a spare motor by Thursday evening, the harbour master told reporters at the quay.</p>
</article>
<footer>Leave a Reply</footer>
</body></html>"""

# 20 MB of spaces packed into about 20 KB: made once, served fast.
GZIP_BOMB = gzip.compress(b"<p>" + b" " * 20_000_000 + b"</p>", compresslevel=1)

PLAIN = "The ferry timetable changes on Monday.\n\nBoats will leave every fifteen minutes from the north quay."


class Handler(BaseHTTPRequestHandler):
    # Extra documents a test serves: path -> (body, content type).
    routes: dict[str, tuple[bytes, str]] = {}

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def send(self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8", **headers) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Content_Length" not in headers and status != 204:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0]
        if path in self.routes:
            body, content_type = self.routes[path]
            self.send(200, body, content_type)
        elif path in ("/article", "/art%C3%ADculo"):
            self.send(200, ARTICLE.encode("utf-8"))
        elif path == "/latin1":
            page = ARTICLE.replace('<meta charset="utf-8">', "").replace("harbour master", "Hafenmeister Müßig")
            self.send(200, page.encode("latin-1"), "text/html; charset=iso-8859-1")
        elif path == "/plain":
            self.send(200, PLAIN.encode("utf-8"), "text/plain; charset=utf-8")
        elif path == "/pdf":
            self.send(200, b"%PDF-1.7 not really", "application/pdf")
        elif path == "/image":
            self.send(200, b"\x89PNG\r\n", "image/png")
        elif path == "/missing":
            self.send(404, b"<p>Not found</p>")
        elif path == "/slow":
            time.sleep(3)
            self.send(200, ARTICLE.encode("utf-8"))
        elif path == "/drip":
            # Headers at once, then a byte every 0.3 s: each read is quick, the whole is not.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for byte in ARTICLE.encode("utf-8")[:40]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.3)
        elif path == "/trickle-headers":
            # One header line every 0.2 s, never ending: each read is quick, the whole is not.
            self.send_response(200)
            for n in range(200):
                self.send_header(f"X-Trickle-{n}", "x")
                self.flush_headers()
                time.sleep(0.2)
            self.end_headers()
        elif path.startswith("/takes-"):
            # /takes-0.6: an article that is sent after that many seconds.
            time.sleep(float(path.removeprefix("/takes-")))
            self.send(200, ARTICLE.replace("Tuesday", path).encode("utf-8"))
        elif path == "/huge-declared":
            self.send(200, b"<p>" + b"word " * 50_000 + b"</p>")
        elif path == "/huge-streamed":
            # No Content-Length: the cap has to hold while reading.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"<p>" + b"word " * 2000 + b"</p>")
        elif path == "/gzip":
            self.send(200, gzip.compress(ARTICLE.encode("utf-8")), Content_Encoding="gzip")
        elif path == "/gzip-bomb":
            self.send(200, GZIP_BOMB, Content_Encoding="gzip")
        elif path == "/to-article":
            self.send(302, Location="/article")
        elif path == "/to-metadata":
            self.send(302, Location="http://169.254.169.254/latest/meta-data/")
        elif path == "/to-unspecified":
            self.send(301, Location="http://0.0.0.0/")
        elif path == "/to-ftp":
            self.send(302, Location="ftp://files.example/article.txt")
        elif path == "/loop":
            self.send(302, Location="/loop")
        else:
            self.send(404, b"<p>Not found</p>")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that give up (timeouts, size caps) close the socket mid-answer: expected here.
        pass


@contextmanager
def serve(tls: tuple[Path, Path] | None = None) -> Iterator[str]:
    """Run the server in a thread; yield its base URL, e.g. http://127.0.0.1:41234.

    With ``tls=(certificate, key)`` it speaks HTTPS and the URL names it ``localhost``,
    the name in the certificate.
    """
    server = QuietServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        yield f"https://localhost:{port}" if tls else f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost`` made with the openssl command."""
    certificate, key = folder / "localhost.pem", folder / "localhost.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key
