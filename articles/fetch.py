"""Fetching a web page on a user's behalf, without letting them reach our own network.

A URL typed into a form makes *our server* connect somewhere. So before every connection
(the first one and each redirect) the host is resolved and every address it resolves to
is checked: only public addresses are allowed unless ``VERSUS_URL_IMPORT_ALLOW_PRIVATE``
is on (for an intranet, or tests on 127.0.0.1). Link-local (cloud metadata services live
at 169.254.169.254), multicast, unspecified and reserved addresses are refused even then:
no news site lives there. The connection goes to the very address that was checked, so a
second DNS answer cannot swap in another one (DNS rebinding). Redirects are followed by
hand, a limited number of times; the whole fetch has one deadline and a size cap that
is enforced while reading.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings

from versus.budget import Deadline

from .documents import DOCX_TYPES, PDF_TYPES, looks_like_pdf, read_docx, read_pdf
from .extract import article_from_document, article_from_html, decode
from .models import Article
from .services import ArticleInput, IngestError

HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "Versus/0.1 (compares versions of a news story for teaching)"
_CHUNK = 64 * 1024
_PATH_SAFE = "/%:@!$&'()*+,;=~-._"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(IngestError):
    """A page could not be fetched; the message says why, for the person who asked."""


@dataclass
class Page:
    url: str  # where the page was found, after redirects
    content_type: str  # "text/html" or "text/plain"
    charset: str  # as declared by the server, maybe empty
    body: bytes

    def is_html(self) -> bool:
        return self.content_type in HTML_TYPES


def address_problem(ip: IPAddress, allow_private: bool) -> str:
    """Why our server must not connect to ``ip`` ("" if it may)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address) and ip.sixtofour is not None:
        # 6to4 (2002::/16) carries an IPv4 address inside and is routed to it by relays; it was
        # retired years ago (RFC 7526), so no news site needs it and it is refused outright.
        return "a special network address"
    private = "" if allow_private else "a private or local network address"
    if ip.is_loopback:
        return private
    if ip.is_unspecified or ip.is_multicast or ip.is_link_local or ip.is_reserved:
        return "a special network address"
    if ip.is_private or not ip.is_global:
        return private
    return ""


def _not_found(shown: str) -> FetchError:
    # One message for a name that does not exist and for one that exists on a network we do
    # not fetch from: anything more would tell a stranger which internal names exist.
    return FetchError(
        f"We could not find a public website at “{shown}”. Check the address for typing mistakes "
        "(for safety Versus fetches pages only from public websites)."
    )


def resolve(host: str, port: int, shown: str = "") -> list[IPAddress]:
    """Every address ``host`` resolves to; ``shown`` is the name as the person typed it."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise _not_found(shown or host) from error
    addresses = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def _literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def checked_address(url: str) -> tuple[str, int, IPAddress]:
    """Host, port and the address to connect to, or FetchError if the URL may not be fetched."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"“{url}” is not a web address. Only addresses starting with http:// or https:// work.")
    if not parts.hostname:
        raise FetchError(f"“{url}” has no website name in it.")
    if parts.username or parts.password:
        raise FetchError("Web addresses with a user name or password in them are not fetched.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise FetchError(f"“{url}” has an impossible port number.") from error
    host = _ascii_host(parts.hostname)
    allow_private = settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE
    literal = _literal_address(host)
    if literal is not None:
        # An address typed (or redirected to) as such: saying what it is reveals nothing new.
        problem = address_problem(literal, allow_private)
        if problem:
            raise FetchError(
                f"“{parts.hostname}” is {problem}. For safety Versus only fetches pages from public websites."
            )
        return host, port, literal
    addresses = resolve(host, port, shown=parts.hostname)
    if not addresses or any(address_problem(ip, allow_private) for ip in addresses):
        raise _not_found(parts.hostname)
    return host, port, addresses[0]


def _ascii_host(host: str) -> str:
    """The host as DNS and the Host header spell it: "bücher.example" becomes "xn--bcher-kva.example"."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise FetchError(f"“{host}” is not a possible website name.") from error


def fetch(url: str, request_deadline: Deadline | None = None) -> Page:
    """The page at ``url`` (HTML or plain text), or FetchError with a reason a teacher understands.

    The whole fetch, redirects and the reading of headers included, ends by
    ``VERSUS_URL_IMPORT_TIMEOUT`` or by ``request_deadline`` (what is left of the time all the
    pages of one request may take together), whichever comes first.
    """
    timeout = settings.VERSUS_URL_IMPORT_TIMEOUT
    deadline = time.monotonic() + timeout
    request_ends_first = request_deadline is not None and request_deadline.expires < deadline
    if request_deadline is not None and request_ends_first:
        deadline = request_deadline.expires
    for _hop in range(settings.VERSUS_URL_IMPORT_MAX_REDIRECTS + 1):
        try:
            status, location, page = _get_once(url, deadline)
        except TimeoutError as error:
            if request_ends_first:
                raise FetchError(
                    f"The web pages took more than the {settings.VERSUS_URL_IMPORT_REQUEST_TIMEOUT:g} seconds "
                    "one request may spend fetching. Give fewer addresses at a time, or save the pages from your "
                    "browser and upload the files."
                ) from error
            raise FetchError(
                f"The website did not answer within {timeout:g} seconds. Try again later, or save the page from "
                "your browser and upload the file."
            ) from error
        except ssl.SSLError as error:
            raise FetchError(
                "The website's security certificate could not be checked, so it was not fetched."
            ) from error
        except http.client.InvalidURL as error:
            raise FetchError(f"“{url}” contains characters that cannot be sent to a website.") from error
        except (ConnectionError, OSError, http.client.HTTPException) as error:
            raise FetchError(
                "The website could not be reached (the connection failed). Check the address, or save the page "
                "from your browser and upload the file."
            ) from error
        if page is not None:
            return page
        if not location:
            raise FetchError(f"The website answered with a redirect ({status}) but did not say where to.")
        url = urljoin(url, location)
    raise FetchError(
        f"The website sent us to another address more than {settings.VERSUS_URL_IMPORT_MAX_REDIRECTS} times. "
        "Open it in your browser and use the address you end up at."
    )


class _Watchdog:
    """Cuts the connection when the deadline passes, whatever the socket is waiting for.

    A socket timeout bounds each wait, not their sum: a server that sends a header line every
    half second never trips it. The watchdog's timer shuts the socket down at the deadline,
    which ends any read in progress (plain or TLS); ``fired`` then tells it was a timeout.
    """

    def __init__(self, deadline: float) -> None:
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            if self.fired:
                self._cut()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._cut()

    def _cut(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):  # already closed
                self._sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self._timer.cancel()


def _get_once(url: str, deadline: float) -> tuple[int, str, Page | None]:
    """One request: (status, redirect location, None) or (200, "", the page)."""
    host, port, ip = checked_address(url)
    watchdog = _Watchdog(deadline)
    try:
        answer = _exchange(url, host, port, ip, deadline, watchdog)
        if watchdog.fired:  # a read cut short by the watchdog ends like the page did: not a page
            raise TimeoutError
        return answer
    except (OSError, http.client.HTTPException, ssl.SSLError, FetchError):
        if watchdog.fired:  # whatever a cut connection looked like (an error, missing headers…)
            raise TimeoutError from None
        raise
    finally:
        watchdog.stop()


def _exchange(
    url: str, host: str, port: int, ip: IPAddress, deadline: float, watchdog: _Watchdog
) -> tuple[int, str, Page | None]:
    parts = urlsplit(url)
    remaining = _remaining(deadline)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(host, port, timeout=remaining)

    # Connect to the address that was checked; Host header and TLS name still use the host.
    def connect_to_checked(address, timeout=None, source_address=None):
        sock = socket.create_connection((str(ip), address[1]), timeout, source_address)
        watchdog.watch(sock)
        return sock

    connection._create_connection = connect_to_checked  # type: ignore[attr-defined]  # http.client's own hook
    try:
        # Letters like "é" in an address are sent percent-encoded; what is encoded already stays.
        path = quote(parts.path or "/", safe=_PATH_SAFE)
        if parts.query:
            path += "?" + quote(parts.query, safe=_PATH_SAFE + "?")
        connection.request(
            "GET",
            path,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5,application/pdf;q=0.5,"
                + DOCX_TYPES[0]
                + ";q=0.5",
                "Accept-Encoding": "identity",
            },
        )
        response = connection.getresponse()
        if response.status in REDIRECTS:
            return response.status, response.getheader("Location", ""), None
        if response.status != 200:
            raise FetchError(_status_message(response.status, response.reason))
        content_type, charset = _content_type(response.getheader("Content-Type", ""))
        if content_type not in HTML_TYPES + TEXT_TYPES + PDF_TYPES + DOCX_TYPES:
            raise FetchError(
                f"That address gives {_describe_type(content_type)}, not a web page. Versus can only import "
                "articles from web pages (HTML), plain text, PDF and Word (.docx) documents."
            )
        body = _decompressed(_read_capped(response, connection, deadline), response.getheader("Content-Encoding", ""))
        return 200, "", Page(url=url, content_type=content_type, charset=charset, body=body)
    finally:
        connection.close()


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    return remaining


def _read_capped(response: http.client.HTTPResponse, connection: http.client.HTTPConnection, deadline: float) -> bytes:
    limit = settings.VERSUS_URL_IMPORT_MAX_BYTES
    too_big = FetchError(
        f"The page is larger than {limit / 1_000_000:g} MB, too big to be a single article. Save the article from "
        "your browser and upload it as a file instead."
    )
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_big
    chunks, size = [], 0
    while True:
        # One deadline for the whole fetch: a server dripping a byte at a time still times out.
        if connection.sock is not None:
            connection.sock.settimeout(_remaining(deadline))
        chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
        _remaining(deadline)
    return b"".join(chunks)


def _decompressed(body: bytes, encoding: str) -> bytes:
    """The body as sent before compression. We ask for none, but some servers compress anyway.

    The size cap holds for the unpacked page too, so a small "zip bomb" cannot fill memory.
    """
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"The website sent the page packed in a way Versus cannot unpack ({encoding}).")
    limit = settings.VERSUS_URL_IMPORT_MAX_BYTES
    wbits = zlib.MAX_WBITS | 16 if "gzip" in encoding else zlib.MAX_WBITS
    unpacker = zlib.decompressobj(wbits)
    try:
        page = unpacker.decompress(body, limit + 1)
    except zlib.error as error:
        raise FetchError("The website sent a damaged compressed page.") from error
    if len(page) > limit or unpacker.unconsumed_tail:
        raise FetchError(
            f"The page is larger than {limit / 1_000_000:g} MB once unpacked, too big to be a single article."
        )
    return page


def _content_type(header: str) -> tuple[str, str]:
    main, _, params = header.partition(";")
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    return main.strip().lower(), charset


def _describe_type(content_type: str) -> str:
    if content_type == "application/pdf":
        return "a PDF file"
    if content_type.startswith("image/"):
        return "an image"
    if content_type.startswith(("video/", "audio/")):
        return "a video or audio file"
    if content_type in ("application/json", "application/xml", "text/xml"):
        return "data for programs"
    return f"a file of type “{content_type or 'unknown'}”"


def _status_message(status: int, reason: str) -> str:
    if status == 404:
        return "The website says this page does not exist (error 404). Check the address."
    if status in (401, 403):
        return (
            f"The website refused to give us this page (error {status}); it may be behind a paywall or a login. "
            "Save the article from your browser and upload the file instead."
        )
    if status >= 500:
        return f"The website had a problem of its own (error {status}). Try again later."
    return f"The website answered with error {status} ({reason})."


def article_from_url(url: str, request_deadline: Deadline | None = None) -> ArticleInput:
    """Fetch a page and reduce it to an article (text, headline, outlet, date)."""
    page = fetch(url, request_deadline)
    name = urlsplit(page.url).hostname or url
    if page.content_type in PDF_TYPES or looks_like_pdf(page.body):
        return article_from_document(read_pdf(page.body, name), name=name, source=Article.Source.URL, url=page.url)
    if page.content_type in DOCX_TYPES:
        return article_from_document(read_docx(page.body, name), name=name, source=Article.Source.URL, url=page.url)
    text = decode(page.body, name, declared=page.charset)
    if page.is_html():
        return article_from_html(text, name=name, url=page.url, source=Article.Source.URL)
    return ArticleInput(text=text, raw=text, source_url=page.url, source=Article.Source.URL)
