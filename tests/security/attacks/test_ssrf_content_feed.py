"""Finding 1 (HIGH): the Content page's "Feed address" read server files and fetched internal
addresses (`/etc/shadow` came back as "shadow: row 1: missing column 'title'", a local RSS file's
title landed in content_items, `http://127.0.0.1:6379/` answered "Remote end closed connection").

Now the page takes only http(s) addresses, a `str` is never opened as a file, and the fetcher
refuses every non-public address after resolving the name, connects to the address it checked,
checks every redirect, stops after 5, and says what went wrong in one fixed sentence."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time

import pytest
from sqlalchemy import func, select

from tests.apptest import all_text, page, read_db, sign_in
from tests.security.attacks.local_servers import local_http, reply
from zoelife.db.models import ContentItem
from zoelife.ingest import content, content_feeds, safefetch
from zoelife.ingest.readers import ReadError

LOOPBACK = [ipaddress.ip_network("127.0.0.1/32")]
FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>INTERNAL SECRET TITLE</title><link>https://zoelife.example/a/</link>"
        b"<pubDate>Mon, 02 Mar 2026 15:00:00 +0000</pubDate></item></channel></rss>")


def _content_page(app_db):
    at = page("pages/content.py")
    sign_in(at, app_db, roles=("manager",))
    at.run()
    return at


def _import_feed(at, address: str):
    tab = at.tabs[1]
    tab.text_input[0].input(address)
    next(b for b in at.button if b.label == "Import feed").click().run()
    return at


def _count_items(app_db) -> int:
    return read_db(app_db, lambda s: s.execute(select(func.count(ContentItem.id))).scalar_one())


@pytest.mark.parametrize("address", ["/etc/shadow", "/etc/passwd", "file:///etc/passwd",
                                     "../../etc/hostname"])
def test_page_never_opens_a_server_file(app_db, address):
    at = _import_feed(_content_page(app_db), address)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors == ["Enter a web address starting with http:// or https://, or upload the "
                      "file in the File tab."]
    assert "root" not in all_text(at) and "row 1" not in all_text(at)


def test_page_does_not_import_a_local_feed_file(app_db, tmp_path):
    feed = tmp_path / "internal.rss"
    feed.write_bytes(FEED)
    at = _import_feed(_content_page(app_db), str(feed))
    assert not at.exception and at.error
    assert "INTERNAL SECRET TITLE" not in all_text(at)
    assert _count_items(app_db) == 0


def test_library_never_opens_a_str_as_a_file(tmp_path):
    feed = tmp_path / "internal.rss"
    feed.write_bytes(FEED)
    with pytest.raises(ReadError, match="must start with http"):
        content_feeds.read_content(str(feed))


def test_page_refuses_a_loopback_port_without_connecting(app_db):
    """The port-scan oracle: a listening and a closed loopback port give the same refusal, and
    the listening one is never even connected to."""
    accepted = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    port = listener.getsockname()[1]

    def accept():
        listener.settimeout(3)
        try:
            conn, _ = listener.accept()
            accepted.append(conn)
            conn.close()  # what Redis does to an HTTP request
        except OSError:
            pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    at = _import_feed(_content_page(app_db), f"http://127.0.0.1:{port}/")
    listener.close()
    thread.join()
    assert not accepted, "the server connected to a loopback port"
    open_port = [e.value for e in at.error]
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    at = _import_feed(_content_page(app_db), f"http://127.0.0.1:{closed_port}/")
    closed_msg = [e.value for e in at.error]
    assert len(open_port) == 1 and "not allowed" in open_port[0]
    assert open_port[0].replace(str(port), "P") == closed_msg[0].replace(str(closed_port), "P")
    assert "closed" not in open_port[0].lower() and "refused" not in open_port[0].lower()


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "::1", "10.0.0.7", "172.16.5.4", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "fe80::1", "fc00::1", "ff02::1", "::", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "64:ff9b::7f00:1", "2002:7f00:1::", "2001:db8::1", "192.0.2.1", "198.18.0.1",
])
def test_internal_addresses_are_refused(address):
    assert safefetch.address_refused(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::6810:84e5"])
def test_public_addresses_are_allowed(address):
    assert not safefetch.address_refused(ipaddress.ip_address(address))


def test_a_name_resolving_to_an_internal_address_is_refused(monkeypatch):
    monkeypatch.setattr(safefetch, "_getaddrinfo", lambda host, port: ["10.0.0.5"])
    with pytest.raises(ReadError) as err:
        content_feeds.fetch("http://intranet.example/feed/")
    assert "not allowed" in str(err.value) and "10.0.0.5" not in str(err.value)


def test_a_name_with_one_internal_address_among_public_ones_is_refused(monkeypatch):
    monkeypatch.setattr(safefetch, "_getaddrinfo",
                        lambda host, port: ["93.184.216.34", "127.0.0.1"])
    with pytest.raises(ReadError, match="not allowed"):
        content_feeds.fetch("https://mixed.example/feed/")


def test_dns_rebinding_cannot_swap_the_address(monkeypatch):
    """The name is resolved once per hop and the connection goes to that checked address: a
    second answer (the rebinding) pointing elsewhere is never used."""
    with local_http(reply(200, FEED)) as (good, _), \
            local_http(reply(200, b"internal admin page"), host="127.0.0.2") as (evil, seen):
        good_port = int(good.rsplit(":", 1)[1])
        answers = iter([["127.0.0.1"], ["127.0.0.2"], ["127.0.0.2"]])
        monkeypatch.setattr(safefetch, "_getaddrinfo", lambda host, port: next(answers))
        # A socket-level lookup would see the rebinding: make one impossible to miss.
        real_create = socket.create_connection
        connected = []

        def create_connection(address, *a, **kw):
            connected.append(address[0])
            return real_create(address, *a, **kw)

        monkeypatch.setattr(socket, "create_connection", create_connection)
        body = content_feeds.fetch(f"http://feed.example:{good_port}/feed/", allow=LOOPBACK)
    assert body == FEED and connected == ["127.0.0.1"] and not seen


def test_a_redirect_to_an_internal_address_is_refused():
    with local_http(reply(200, b"secret")) as (inner, inner_seen):
        inner = inner.replace("127.0.0.1", "127.0.0.2")
        with local_http(reply(302, headers={"Location": inner + "/admin"})) as (outer, _):
            with pytest.raises(ReadError) as err:
                content_feeds.fetch(outer + "/feed/", allow=LOOPBACK)
    assert "not allowed" in str(err.value) and "/admin" not in str(err.value)
    assert not inner_seen


@pytest.mark.parametrize("target", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO",
                                    "ftp://example.org/x"])
def test_a_redirect_to_another_scheme_is_refused(target):
    with local_http(reply(301, headers={"Location": target})) as (outer, _):
        with pytest.raises(ReadError, match="only http:// and https://"):
            content_feeds.fetch(outer + "/feed/", allow=LOOPBACK)


def test_at_most_five_redirects():
    def loop(h):
        n = int(h.path.strip("/") or 0)
        reply(302, headers={"Location": f"/{n + 1}"})(h)

    with local_http(loop) as (base, seen):
        with pytest.raises(ReadError, match="more than 5 redirects"):
            content_feeds.fetch(base + "/0", allow=LOOPBACK)
    assert len(seen) == 6


def test_five_redirects_then_a_feed_is_read():
    def hops(h):
        n = int(h.path.strip("/") or 0)
        if n < 5:
            reply(307, headers={"Location": f"/{n + 1}"})(h)
        else:
            reply(200, FEED)(h)

    with local_http(hops) as (base, seen):
        assert content_feeds.fetch(base + "/0", allow=LOOPBACK) == FEED
    assert len(seen) == 6


def test_size_limit(monkeypatch):
    monkeypatch.setattr(content_feeds, "MAX_FEED_BYTES", 1000)

    def big(h):
        h.send_response(200)
        h.end_headers()  # no Content-Length: the limit holds while reading
        h.wfile.write(b"x" * 5000)

    with local_http(big) as (base, _):
        with pytest.raises(ReadError, match="larger than 1,000 bytes"):
            content_feeds.fetch(base + "/", allow=LOOPBACK)


def test_a_server_that_drips_meets_the_deadline(monkeypatch):
    monkeypatch.setattr(content_feeds, "FETCH_TIMEOUT_SECONDS", 1.0)

    def drip(h):
        h.send_response(200)
        h.send_header("Content-Length", "100")
        h.end_headers()
        try:
            for _ in range(100):
                h.wfile.write(b"x")
                h.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    with local_http(drip) as (base, _):
        started = time.monotonic()
        with pytest.raises(ReadError, match="no answer in time"):
            content_feeds.fetch(base + "/", allow=LOOPBACK)
        assert time.monotonic() - started < 3


def test_errors_carry_no_remote_text():
    """The server's reason phrase (attacker-chosen text) never reaches the message."""
    with local_http(reply(404, reason="[Click to verify](https://evil.test/login)")) as (base, _):
        with pytest.raises(ReadError) as err:
            content_feeds.fetch(base + "/feed/", allow=LOOPBACK)
    assert str(err.value).endswith("could not read that feed (HTTP 404)")
    assert "evil" not in str(err.value)


def test_cli_may_still_import_a_file(app_db, tmp_path, capsys):
    from zoelife import cli

    feed = tmp_path / "feed.rss"
    feed.write_bytes(FEED)
    assert cli.main(["import", "content", str(feed)]) == 0
    assert _count_items(app_db) == 1


def test_a_feed_from_an_allowed_address_is_imported(app_db):
    """The whole path works when the address is allowed (here loopback, by the test only)."""
    from zoelife.db.engine import make_engine

    engine = make_engine(app_db)
    try:
        with local_http(reply(200, FEED, {"Content-Type": "application/rss+xml"})) as (base, _):
            result = content.import_content(engine, base + "/feed/", allow=LOOPBACK)
    finally:
        engine.dispose()
    assert (result.items, result.created) == (1, 1)
    assert _count_items(app_db) == 1


def test_a_server_that_drips_its_headers_meets_the_deadline(monkeypatch):
    """Each read has a timeout; the deadline bounds them all."""
    monkeypatch.setattr(content_feeds, "FETCH_TIMEOUT_SECONDS", 1.0)

    def drip_headers(h):
        try:
            h.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for i in range(100):
                h.wfile.write(f"X-Slow-{i}: 1\r\n".encode())
                h.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    with local_http(drip_headers) as (base, _):
        started = time.monotonic()
        with pytest.raises(ReadError, match="no answer in time"):
            content_feeds.fetch(base + "/", allow=LOOPBACK)
        assert time.monotonic() - started < 3


def test_a_body_cut_short_is_not_a_feed():
    def short(h):
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.write(FEED[:100])
        h.wfile.flush()
        h.close_connection = True

    with local_http(short) as (base, _):
        with pytest.raises(ReadError, match="did not answer properly"):
            content_feeds.fetch(base + "/", allow=LOOPBACK)
