"""Fetching files from other servers (images named by imports): the one way Podium reads a URL.

A URL from an export is the importer's, not ours, so it may point anywhere, including inside the
network the worker runs in (the instance metadata service, a database port). Every fetch here:
- takes http and https only;
- resolves the host once, refuses it unless every address is public (no loopback, private,
  link-local, multicast, reserved, shared or unspecified; IPv6 forms embedding such an IPv4
  address judged as that address) and connects to the very address it checked, so a second DNS
  answer (rebinding) cannot switch it; https still checks the certificate against the host name;
- refuses the ports browsers refuse (the Fetch standard's bad ports: SMTP, SSH, IRC…), where a
  GET would speak to another protocol's server;
- follows at most MAX_REDIRECTS redirects, each checked like the first URL, never from https to
  plain http (what TLS guarded would then travel in the clear);
- stops reading past `max_bytes` and gives up after `timeout` seconds in all.
A refusal raises FetchRefused with a reason fit for a job's result.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

MAX_REDIRECTS = 3
CHUNK = 65_536
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
# Special-purpose blocks none of which a fetch may reach, named here as well as by the ipaddress
# flags, whose tables differ between Python versions (3.11's calls 192.0.0.8 global).
_NEVER = tuple(
    ipaddress.ip_network(block)
    for block in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/3", "::/127", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7",
        "fe80::/10", "fec0::/10", "ff00::/8",
    )
)  # fmt: skip
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# https://fetch.spec.whatwg.org/#bad-port: no browser fetches from these, nor does Podium.
BAD_PORTS = frozenset({
    0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
    109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526,
    530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045,
    4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
})  # fmt: skip

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Iterable[str]]


class FetchRefused(Exception):
    """The URL was not fetched: the reason says why (scheme, address, size, status, time)."""


class HostRefused(FetchRefused):
    """Nothing at the URL's host can be fetched now: it does not resolve, resolves to a non-public
    address or does not connect. Callers may skip its other URLs."""


class Fetched(NamedTuple):
    data: bytes
    content_type: str  # as the server said; callers check the bytes themselves
    url: str  # after redirects


def is_public_address(address: Address) -> bool:
    """Whether a fetch may connect to `address`: a globally routable unicast address.

    IPv4-mapped, IPv4-compatible, 6to4, NAT64 and Teredo IPv6 addresses carry an IPv4 address that
    the network may route to: they are judged by it."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    if any(address in block for block in _NEVER if block.version == address.version):
        return False
    return address.is_global and not (
        address.is_multicast or address.is_loopback or address.is_private or address.is_link_local
        or address.is_reserved or address.is_unspecified
    )  # fmt: skip


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.teredo is not None:
        return address.teredo[1]
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    if address in _NAT64 or int(address) >> 32 == 0:  # NAT64 and the deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float = 10.0,
    resolve: Resolver = _system_resolver,
    also_allow: frozenset[str] = frozenset(),
) -> Fetched:
    """GET `url` under the rules above. `resolve` answers a host's addresses (tests give their
    own); `also_allow` names addresses taken as public — for a test's own local server only,
    never set by Podium itself."""
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        answer = _get_once(url, max_bytes=max_bytes, deadline=deadline, resolve=resolve, also_allow=also_allow)
        if isinstance(answer, Fetched):
            return answer
        if url[:6].lower() == "https:" and answer[:5].lower() == "http:":
            raise FetchRefused(f"redirect from https to plain http: {answer[:200]}")
        url = answer  # a redirect: checked again from the start
    raise FetchRefused(f"more than {MAX_REDIRECTS} redirects")


def _get_once(
    url: str, *, max_bytes: int, deadline: float, resolve: Resolver, also_allow: frozenset[str]
) -> Fetched | str:
    """The answer to one GET, or the URL it redirects to."""
    try:
        parts = urlsplit(url)
    except ValueError as err:  # "http://[::1/": an export's URL or a hostile server's Location
        raise FetchRefused(f"not a valid URL: {url[:200]}") from err
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"not an http or https URL: {url[:200]}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as err:
        raise FetchRefused(f"bad port in {url[:200]}") from err
    if port in BAD_PORTS:
        raise FetchRefused(f"port {port} is not one images are fetched from: {url[:200]}")
    address = _checked_address(parts.hostname, port, resolve, also_allow)
    connection = _connection(parts.scheme, parts.hostname, address, port, _left(deadline))
    # Socket timeouts bound each read, not their sum: a server sending a byte of its TLS handshake
    # or headers every few seconds would hold the fetch (and the job) for ever. At the deadline
    # the watchdog shuts the socket, so the blocked read returns and the fetch is refused.
    watchdog = threading.Timer(_left(deadline), _shut, args=(connection,))
    watchdog.daemon = True
    watchdog.start()
    try:
        try:
            connection.connect()
        except OSError as err:
            raise HostRefused(f"cannot connect to {parts.hostname[:200]}: {err}") from err
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={"Host": parts.netloc.rpartition("@")[2], "Accept": "image/*",
                                                 "User-Agent": "Podium image fetcher"})  # fmt: skip
        response = connection.getresponse()
        _left(deadline)  # headers cut short by the watchdog are no answer
        if response.status in REDIRECTS:
            location = response.getheader("Location")
            if not location:
                raise FetchRefused(f"redirect without a Location from {url[:200]}")
            try:
                return urljoin(url, location)
            except ValueError as err:
                raise FetchRefused(f"not a valid URL in the redirect from {url[:200]}: {location[:200]}") from err
        if response.status != 200:
            raise FetchRefused(f"HTTP {response.status} from {url[:200]}")
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchRefused(f"{declared} bytes, over the limit of {max_bytes}")
        data = _read_capped(response, max_bytes, deadline, connection)
        return Fetched(data=data, content_type=response.getheader("Content-Type") or "", url=url)
    except (OSError, http.client.HTTPException, ValueError) as err:  # ValueError: whatever else urllib refuses
        _left(deadline)  # cut by the watchdog: "timed out"
        raise FetchRefused(f"{type(err).__name__} fetching {url[:200]}: {err}") from err
    finally:
        watchdog.cancel()
        connection.close()


def _shut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # closed meanwhile


def _checked_address(host: str, port: int, resolve: Resolver, also_allow: frozenset[str]) -> str:
    """The address to connect to: every address the host has must be public (one private answer
    among public ones is refused too, as the client could have been sent to it)."""
    try:
        found = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolve(host, port)]
    except (OSError, UnicodeError, ValueError) as err:
        raise HostRefused(f"cannot resolve {host[:200]}: {err}") from err
    if not found:
        raise HostRefused(f"cannot resolve {host[:200]}")
    refused = [a for a in found if not is_public_address(a) and str(a) not in also_allow]
    if refused:
        # The host alone: the address is the worker's DNS answer, which the importer reading the
        # job's result must not learn (which internal names exist, and where they point).
        raise HostRefused(f"{host[:200]} resolves to a non-public address")
    return str(found[0])


def _connection(scheme: str, host: str, address: str, port: int, timeout: float) -> http.client.HTTPConnection:
    if scheme == "http":
        return _PinnedHTTP(address, port, timeout=timeout)
    return _PinnedHTTPS(address, port, timeout=timeout, server_hostname=host)


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address itself (no second lookup of the host name)."""


class _PinnedHTTPS(http.client.HTTPSConnection):
    """TLS to the checked address, the certificate verified for the URL's host name."""

    def __init__(self, address: str, port: int, *, timeout: float, server_hostname: str) -> None:
        super().__init__(address, port, timeout=timeout, context=ssl.create_default_context())
        self._server_hostname = server_hostname

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        # Wrapped before the handshake, so the deadline's watchdog finds the TLS socket (wrapping
        # detaches the plain one, whose shutdown would then do nothing) during the handshake too.
        self.sock = self._context.wrap_socket(  # type: ignore[attr-defined]
            sock, server_hostname=self._server_hostname, do_handshake_on_connect=False
        )
        self.sock.do_handshake()


def _read_capped(
    response: http.client.HTTPResponse, max_bytes: int, deadline: float, connection: http.client.HTTPConnection
) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if connection.sock is not None:
            connection.sock.settimeout(_left(deadline))
        chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
        if not chunk:
            _left(deadline)  # nor is a body the watchdog cut short
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(f"more than {max_bytes} bytes")
        chunks.append(chunk)


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchRefused("timed out")
    return left
