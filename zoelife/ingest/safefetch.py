"""Fetching a feed from a web address without reaching into the clinic's own network (SSRF).

The Content page lets a signed-in user type an address that the server then fetches. Without
care that is a way to read the server's neighbours (a database on 127.0.0.1, a cloud metadata
service on 169.254.169.254, a printer on 10.0.0.7) or to scan their ports through the error
messages. So:

- only `http` and `https`, to the default or any port of a public address;
- the host name is resolved once per hop, every address it resolves to must be public
  (`address_refused`: not loopback, private, link-local, multicast, reserved, unspecified,
  shared or documentation space, also when wrapped in IPv6), and the connection goes to the
  address that was checked (TLS still verifies the certificate for the host name), so DNS
  rebinding cannot swap it between the check and the connection;
- redirects are followed by hand, at most MAX_REDIRECTS, each checked like the first address;
- the whole fetch has a deadline and a size limit;
- a refusal or failure is one fixed sentence (`could not read that feed (HTTP 404)`): never the
  server's own reason phrase, a redirect target, or the operating system's connection error, so
  the message says nothing about what answers where.

Proxies from the environment are not used: the address that was checked is the one connected to.
`allow` (code only, never configuration) names networks that may be fetched although internal;
tests use it for a feed served on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "zoelife-intake/1 (feed import)"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A fetch that did not give a feed; `str()` is safe to show (no remote or internal detail)."""


def address_refused(ip: IPAddress) -> bool:
    """True for every address that is not plainly a public unicast host."""
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address wrapped in IPv6 is judged as the IPv4 address it reaches.
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif ip.teredo is not None:
            return True
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local
            or ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _getaddrinfo(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (tests replace this to play DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def resolve_checked(host: str, port: int, allow: Iterable[IPNetwork] = ()) -> IPAddress:
    """The one address to connect to: every address of `host` must be allowed (a name that
    resolves to a public and a private address is refused as a whole)."""
    allow = tuple(allow)
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = [ipaddress.ip_address(a.split("%", 1)[0])
                         for a in _getaddrinfo(host, port)]
        except (OSError, UnicodeError, ValueError):
            raise FetchError("the server's name is unknown") from None
    if not addresses:
        raise FetchError("the server's name is unknown")
    for ip in addresses:
        if address_refused(ip) and not any(ip in net for net in allow):
            raise FetchError("that address is not allowed: only public web addresses can be "
                             "fetched")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to `ip`, with the URL's host name in the Host header."""

    def __init__(self, host: str, port: int, ip: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.raw_sock = socket.create_connection((str(self._ip), self.port), self.timeout)
        self.sock = self.raw_sock


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to `ip`; the certificate is verified for the URL's host name."""

    def __init__(self, host: str, port: int, ip: IPAddress, timeout: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._ip = ip
        self._verifying_context = context

    def connect(self) -> None:
        self.raw_sock = socket.create_connection((str(self._ip), self.port), self.timeout)
        self.sock = self._verifying_context.wrap_socket(self.raw_sock,
                                                        server_hostname=self.host)


def _target(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("only http:// and https:// addresses can be fetched")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise FetchError("that is not a valid web address") from None
    if not host:
        raise FetchError("that is not a valid web address")
    if parts.username is not None or parts.password is not None:
        raise FetchError("addresses with a user name or password are not fetched")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), path


def fetch(url: str, *, max_bytes: int, timeout: float,
          allow: Iterable[IPNetwork] = ()) -> bytes:
    """The body at `url` (after at most MAX_REDIRECTS checked redirects). FetchError otherwise."""
    allow = tuple(allow)
    deadline = time.monotonic() + timeout
    context = ssl.create_default_context()
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, path = _target(url)
        ip = resolve_checked(host, port, allow)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError("no answer in time")
        conn: http.client.HTTPConnection = (
            _PinnedHTTPSConnection(host, port, ip, remaining, context) if scheme == "https"
            else _PinnedHTTPConnection(host, port, ip, remaining))
        # The socket timeout bounds each read; this bounds them all (a server sending its
        # headers a byte at a time): at the deadline the connection is shut from outside.
        watchdog = threading.Timer(remaining, _shut, args=(conn,))
        watchdog.daemon = True
        watchdog.start()
        try:
            conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "*/*",
                                               "Accept-Encoding": "identity"})
            response = conn.getresponse()
            if response.status in REDIRECT_STATUSES:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"HTTP {response.status}")
                url = urljoin(url, location.strip())
                continue
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}")
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"larger than {_size(max_bytes)}")
            return _read_body(conn, response, max_bytes, deadline)
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError("no answer in time") from None
        except (OSError, http.client.HTTPException) as exc:
            if time.monotonic() >= deadline:
                raise FetchError("no answer in time") from None
            if isinstance(exc, ssl.SSLError):
                raise FetchError("the secure connection could not be verified") from None
            # Refused, reset, closed early, malformed: one sentence for all, so the message
            # cannot tell an open port from a closed one.
            raise FetchError("the server could not be reached or did not answer properly") \
                from None
        finally:
            watchdog.cancel()
            conn.close()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


def _shut(conn: http.client.HTTPConnection) -> None:
    sock = getattr(conn, "raw_sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _read_body(conn: http.client.HTTPConnection, response: http.client.HTTPResponse,
               max_bytes: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError("no answer in time")
        if conn.sock is not None:
            conn.sock.settimeout(remaining)
        # read1: one socket read at a time, so a server sending a byte at a time meets the deadline.
        chunk = response.read1(64 * 1024)
        if not chunk:
            # An end cut by the watchdog, or before the declared length, is not the feed.
            if time.monotonic() >= deadline:
                raise FetchError("no answer in time")
            if response.length:
                raise FetchError("the server could not be reached or did not answer properly")
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"larger than {_size(max_bytes)}")
        chunks.append(chunk)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n:,} bytes"
