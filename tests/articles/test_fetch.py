"""Importing by URL against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import time

import pytest
from pages_server import make_certificate, serve

from articles.fetch import FetchError, address_problem, article_from_url, fetch
from articles.services import IngestError


@pytest.fixture(scope="module")
def server():
    with serve() as base:
        yield base


@pytest.fixture
def allow_loopback(settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True
    settings.VERSUS_URL_IMPORT_TIMEOUT = 1.0
    return settings


def test_it_imports_an_article_with_its_headline_outlet_author_and_date(server, allow_loopback):
    item = article_from_url(f"{server}/article")
    assert "The old swing bridge over the harbour mouth stayed open" in item.text
    assert "Engineers expect to fit a spare motor" in item.text
    assert "cookie" not in item.text and "alert" not in item.text
    assert item.headline == "Swing bridge stuck open for a second day"
    assert item.outlet == "The Harbour Gazette"
    assert item.byline == "Priya Nandakumar"
    assert item.published_on == dt.date(2025, 3, 4)
    assert item.source_url == f"{server}/article"
    assert item.source == "url"


def test_it_follows_a_redirect_and_records_where_the_page_was_found(server, allow_loopback):
    page = fetch(f"{server}/to-article")
    assert page.url == f"{server}/article"
    assert b"swing bridge" in page.body


def test_it_decodes_a_page_in_the_charset_the_server_names(server, allow_loopback):
    assert "Hafenmeister Müßig" in article_from_url(f"{server}/latin1").text


def test_it_accepts_plain_text(server, allow_loopback):
    item = article_from_url(f"{server}/plain")
    assert item.text.startswith("The ferry timetable changes on Monday.")


def test_it_refuses_loopback_addresses_unless_the_setting_allows_them(server, settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = False
    with pytest.raises(FetchError, match="private or local network address"):
        fetch(f"{server}/article")


def test_it_refuses_a_host_name_that_resolves_to_loopback(server, settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = False
    port = server.rsplit(":", 1)[1]
    with pytest.raises(FetchError, match=r"could not find a public website at “localhost”") as refused:
        fetch(f"http://localhost:{port}/article")
    assert "127.0.0.1" not in str(refused.value)


def test_an_internal_name_is_answered_like_a_name_that_does_not_exist(server, settings):
    """The error must not tell a stranger which internal names exist, nor what they resolve to."""
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = False
    port = server.rsplit(":", 1)[1]
    with pytest.raises(FetchError) as internal:
        fetch(f"http://localhost:{port}/article")
    with pytest.raises(FetchError) as missing:
        fetch(f"http://no-such-host.invalid:{port}/article")
    assert str(internal.value) == str(missing.value).replace("no-such-host.invalid", "localhost")


@pytest.mark.parametrize("url", ["http://[2002:7f00:1::1]/", "http://[2002:5db8:d822::1]/"])
def test_6to4_addresses_are_refused_whatever_ipv4_address_they_carry(url, settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True
    with pytest.raises(FetchError, match="special network address"):
        fetch(url)


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/", "http://192.168.1.20/news", "http://[::1]/", "https://172.16.5.4/"]
)
def test_it_refuses_private_addresses_before_connecting(url, settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = False
    started = time.monotonic()
    with pytest.raises(FetchError, match="private or local network address"):
        fetch(url)
    assert time.monotonic() - started < 0.5  # refused at once, not after a connection attempt


def test_a_redirect_to_the_cloud_metadata_address_is_refused_even_when_private_addresses_are_allowed(
    server, allow_loopback
):
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"“169\.254\.169\.254” is a special network address"):
        fetch(f"{server}/to-metadata")
    assert time.monotonic() - started < 0.5


def test_a_redirect_to_the_unspecified_address_is_refused(server, allow_loopback):
    with pytest.raises(FetchError, match="special network address"):
        fetch(f"{server}/to-unspecified")


def test_a_redirect_to_another_scheme_is_refused(server, allow_loopback):
    with pytest.raises(FetchError, match="http:// or https://"):
        fetch(f"{server}/to-ftp")


def test_it_stops_following_redirects_after_the_limit(server, allow_loopback):
    allow_loopback.VERSUS_URL_IMPORT_MAX_REDIRECTS = 3
    with pytest.raises(FetchError, match="more than 3 times"):
        fetch(f"{server}/loop")


@pytest.mark.parametrize("url", ["ftp://example.org/a.txt", "file:///etc/passwd", "javascript:alert(1)", "example.org"])
def test_it_only_fetches_http_and_https(url):
    with pytest.raises(FetchError, match="http:// or https://"):
        fetch(url)


def test_it_gives_up_on_a_server_that_does_not_answer_in_time(server, allow_loopback):
    allow_loopback.VERSUS_URL_IMPORT_TIMEOUT = 0.5
    started = time.monotonic()
    with pytest.raises(FetchError, match="did not answer within 0.5 seconds"):
        fetch(f"{server}/slow")
    assert time.monotonic() - started < 2


def test_the_deadline_covers_a_server_that_sends_a_byte_at_a_time(server, allow_loopback):
    allow_loopback.VERSUS_URL_IMPORT_TIMEOUT = 1.0
    started = time.monotonic()
    with pytest.raises(FetchError, match="did not answer within 1 seconds"):
        fetch(f"{server}/drip")
    assert time.monotonic() - started < 3


def test_the_deadline_covers_a_server_that_trickles_header_lines(server, allow_loopback):
    allow_loopback.VERSUS_URL_IMPORT_TIMEOUT = 1.0
    started = time.monotonic()
    with pytest.raises(FetchError, match="did not answer within 1 seconds"):
        fetch(f"{server}/trickle-headers")
    assert time.monotonic() - started < 2


def test_one_deadline_covers_all_the_pages_of_a_request(server, allow_loopback):
    from versus.budget import Deadline

    allow_loopback.VERSUS_URL_IMPORT_TIMEOUT = 1.0
    allow_loopback.VERSUS_URL_IMPORT_REQUEST_TIMEOUT = 1.0
    started = time.monotonic()
    request = Deadline.after(1.0)
    assert "swing bridge" in article_from_url(f"{server}/takes-0.6", request).text  # each within its own limit
    with pytest.raises(FetchError, match="more than the 1 seconds one request may spend fetching"):
        article_from_url(f"{server}/takes-0.7", request)
    assert time.monotonic() - started < 2


def test_it_refuses_what_is_not_a_web_page(server, allow_loopback):
    with pytest.raises(FetchError, match="not a web page"):
        fetch(f"{server}/image")


def test_a_damaged_pdf_at_an_address_is_refused_as_damaged(server, allow_loopback):
    with pytest.raises(IngestError, match="this PDF is damaged"):
        article_from_url(f"{server}/pdf")


@pytest.mark.parametrize("path", ["/huge-declared", "/huge-streamed"])
def test_it_refuses_a_page_over_the_size_cap(server, allow_loopback, path):
    allow_loopback.VERSUS_URL_IMPORT_MAX_BYTES = 100_000
    with pytest.raises(FetchError, match="larger than 0.1 MB"):
        fetch(f"{server}{path}")


def test_it_unpacks_a_page_the_server_compressed_anyway(server, allow_loopback):
    assert "The old swing bridge" in article_from_url(f"{server}/gzip").text


def test_the_size_cap_holds_for_a_compressed_page_once_unpacked(server, allow_loopback):
    allow_loopback.VERSUS_URL_IMPORT_MAX_BYTES = 1_000_000
    with pytest.raises(FetchError, match="larger than 1 MB once unpacked"):
        fetch(f"{server}/gzip-bomb")


def test_it_explains_a_missing_page(server, allow_loopback):
    with pytest.raises(FetchError, match="does not exist"):
        fetch(f"{server}/missing")


def test_letters_outside_ascii_in_the_path_are_sent_percent_encoded(server, allow_loopback):
    page = fetch(f"{server}/artículo?tema=puente")
    assert page.url == f"{server}/artículo?tema=puente"
    assert b"swing bridge" in page.body


def test_an_international_website_name_is_looked_up_not_crashed_on():
    with pytest.raises(FetchError, match="could not find a public website at “bücher.invalid”"):
        fetch("http://bücher.invalid/seite")


def test_an_impossible_website_name_is_explained():
    with pytest.raises(FetchError, match="not a possible website name|could not find a public website"):
        fetch("http://" + "a" * 70 + ".example/")


def test_it_explains_an_unknown_website(settings):
    with pytest.raises(FetchError, match="could not find a public website"):
        fetch("http://no-such-site.invalid/article")


def test_a_closed_port_is_reported_as_unreachable(allow_loopback):
    with serve() as base:
        closed = base
    with pytest.raises(FetchError, match="could not be reached"):
        fetch(f"{closed}/article")


@pytest.mark.parametrize(
    ("address", "allowed_when_private_allowed"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("100.64.0.1", True),
        ("::ffff:127.0.0.1", True),
        ("169.254.169.254", False),
        ("fe80::1", False),
        ("224.0.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - an address to refuse, not one to bind
        ("2002:7f00:1::1", False),  # 6to4 around 127.0.0.1
        ("2002:5db8:d822::1", False),  # 6to4 around a public address: 6to4 is retired
    ],
)
def test_which_addresses_are_never_public(address, allowed_when_private_allowed):
    ip = ipaddress.ip_address(address)
    assert address_problem(ip, allow_private=False)
    assert (address_problem(ip, allow_private=True) == "") is allowed_when_private_allowed


def test_public_addresses_are_allowed():
    assert address_problem(ipaddress.ip_address("93.184.216.34"), allow_private=False) == ""
    assert address_problem(ipaddress.ip_address("2606:2800:220:1::1"), allow_private=False) == ""


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    certificate, key = make_certificate(tmp_path_factory.mktemp("tls"))
    with serve(tls=(certificate, key)) as base:
        yield base, certificate


def test_https_checks_the_certificate_for_the_host_name_while_connecting_to_the_checked_address(
    tls_server, allow_loopback, monkeypatch
):
    base, certificate = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))  # trust our test certificate, as a system CA would be
    item = article_from_url(f"{base}/article")
    assert item.headline == "Swing bridge stuck open for a second day"
    assert item.source_url == f"{base}/article"


def test_https_with_a_certificate_nobody_vouches_for_is_refused(tls_server, allow_loopback):
    base, _ = tls_server
    with pytest.raises(FetchError, match="security certificate could not be checked"):
        fetch(f"{base}/article")
