"""adapters/remote_files.py: a URL from an import is fetched only from public addresses, checked
again after every redirect, connected to as checked, capped in size and time (#25).

The fetches run against a local HTTP server on 127.0.0.1: names resolve through the `resolve`
parameter, and `also_allow` lets that one server's address through; every other loopback,
private or link-local answer is refused as in production."""

from __future__ import annotations

import ipaddress
import re
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from chalicelib.adapters.remote_files import FetchRefused, fetch, is_public_address
from hypothesis import given
from hypothesis import strategies as st
from support.uploads import image_bytes

pytestmark = pytest.mark.unit

PNG = image_bytes("PNG", (30, 20))
LIMIT = 100_000
NOT_PUBLIC = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
    "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4", "::1/128", "::/128", "fc00::/7", "fe80::/10",
    "ff00::/8",
]  # fmt: skip



class _QuietServer(ThreadingHTTPServer):
    """The test server: the fetcher hangs up on purpose (over the size cap, at the deadline), which
    is what these tests want, so a client gone mid-answer is not printed as an error."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}
    hold = threading.Event()

    def do_GET(self):
        if self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG[:10])
            self.wfile.flush()
            self.hold.wait(10)  # until the test ends: the client must give up on its own
            return
        if self.path == "/drip":  # headers a byte at a time, each well within a socket timeout
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Drip: ")
            while not self.hold.wait(0.1):
                self.wfile.write(b"x")
                self.wfile.flush()
            return
        if self.path == "/unannounced":  # no Content-Length: only the streamed count can stop it
            self.send_response(200)
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"\0" * 10_000)
            return
        status, headers, body = self.routes.get(self.path, (404, {}, b"no"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """http://images.example:<port>, served on 127.0.0.1."""
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    port = httpd.server_address[1]
    _Handler.routes = {
        "/ok.png": (200, {"Content-Type": "image/png"}, PNG),
        "/page.html": (200, {"Content-Type": "image/png"}, b"<html>not an image</html>"),
        "/big.png": (200, {"Content-Type": "image/png"}, b"\0" * (LIMIT + 1)),
        "/to-ok": (302, {"Location": "/ok.png"}, b""),
        "/to-private": (302, {"Location": f"http://intranet.example:{port}/ok.png"}, b""),
        "/to-metadata": (301, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/to-loopback": (307, {"Location": f"http://127.0.0.1:{port}/ok.png"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/to-ftp": (302, {"Location": "ftp://images.example/ok.png"}, b""),
        "/to-broken-ipv6": (302, {"Location": "http://[::1/ok.png"}, b""),
    }
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://images.example:{port}"
    _Handler.hold.set()
    httpd.shutdown()
    httpd.server_close()


NAMES = {"images.example": ["127.0.0.1"], "intranet.example": ["10.1.2.3"], "mixed.example": ["93.184.216.34", "192.168.1.1"]}


def _resolve(host: str, port: int) -> list[str]:
    if host in NAMES:
        return NAMES[host]
    return [host]  # literal addresses answer themselves, as getaddrinfo does


def _fetch(url: str, **options):
    return fetch(url, max_bytes=LIMIT, timeout=3.0, resolve=_resolve, also_allow=frozenset({"127.0.0.1"}), **options)


def test_remote_files_fetch_accepts_an_image_from_an_allowed_address_and_follows_a_redirect(server):
    assert _fetch(server + "/ok.png").data == PNG
    followed = _fetch(server + "/to-ok")
    assert followed.data == PNG and followed.url == server + "/ok.png"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-private", "intranet.example resolves to a non-public address"),
        ("/to-metadata", "169.254.169.254 resolves to a non-public address"),
        ("/loop", "more than 3 redirects"),
        ("/to-ftp", "not an http or https URL"),
        ("/big.png", "100001 bytes, over the limit of 100000"),
        ("/unannounced", "more than 100000 bytes"),
        ("/missing", "HTTP 404"),
    ],
)
def test_remote_files_fetch_refuses(server, path, reason):
    with pytest.raises(FetchRefused, match=re.escape(reason)):
        _fetch(server + path)


def test_remote_files_fetch_refuses_a_redirect_to_loopback(server):
    """The allowance covers the test server's first answer only: the redirect's 127.0.0.1 is judged
    as any loopback address is."""
    with pytest.raises(FetchRefused, match=re.escape("127.0.0.1 resolves to a non-public address")):
        fetch(server + "/to-loopback", max_bytes=LIMIT, timeout=3.0, resolve=_resolve, also_allow=_AllowFirst("127.0.0.1"))


class _AllowFirst(frozenset):
    """Holds its address the first time it is asked only."""

    def __new__(cls, address: str):
        made = super().__new__(cls, {address})
        made.asked = 0
        return made

    def __contains__(self, item) -> bool:
        self.asked += 1
        return self.asked == 1 and super().__contains__(item)


def test_remote_files_fetch_refuses_loopback_private_and_link_local_targets(server):
    port = server.rsplit(":", 1)[1]
    for url in (f"http://127.0.0.1:{port}/ok.png", f"http://intranet.example:{port}/ok.png",
                "http://169.254.169.254/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://mixed.example/x.png"):  # fmt: skip
        with pytest.raises(FetchRefused, match="non-public address"):
            fetch(url, max_bytes=LIMIT, timeout=3.0, resolve=_resolve)  # no allowance: as in production


def test_remote_files_fetch_refuses_schemes_other_than_http_and_https():
    for url in ("file:///etc/passwd", "ftp://images.example/x.png", "gopher://images.example/", "data:image/png;base64,AA"):
        with pytest.raises(FetchRefused, match="not an http or https URL"):
            fetch(url, max_bytes=LIMIT, resolve=_resolve)


def test_remote_files_fetch_connects_to_the_address_it_checked(server):
    """DNS rebinding: the name is resolved once per hop; a second answer could never be used."""
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])
    asked: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return next(answers)

    fetched = fetch(server + "/ok.png", max_bytes=LIMIT, timeout=3.0, resolve=rebinding, also_allow=frozenset({"127.0.0.1"}))

    assert fetched.data == PNG and asked == ["images.example"]


def test_remote_files_fetch_gives_up_after_its_timeout(server):
    with pytest.raises(FetchRefused, match=r"timed out|TimeoutError|timeout"):
        fetch(server + "/slow", max_bytes=LIMIT, timeout=0.5, resolve=_resolve, also_allow=frozenset({"127.0.0.1"}))


def test_remote_files_fetch_deadline_holds_while_a_server_drips_its_headers(server):
    """The timeout is the whole fetch's: a server sending a header byte every 0.1 s (each read
    well within a per-read timeout) is cut off at the deadline, not kept for ever."""
    started = time.monotonic()
    with pytest.raises(FetchRefused, match="timed out"):
        fetch(server + "/drip", max_bytes=LIMIT, timeout=1.0, resolve=_resolve, also_allow=frozenset({"127.0.0.1"}))

    assert time.monotonic() - started < 5


def _addresses_in(network: str):
    net = ipaddress.ip_network(network)
    return st.integers(0, net.num_addresses - 1).map(lambda offset: net[offset])


@given(st.sampled_from(NOT_PUBLIC).flatmap(_addresses_in))
def test_remote_files_no_loopback_private_link_local_multicast_or_reserved_address_is_public(address):
    assert not is_public_address(address)
    if address.version == 4:  # nor any IPv6 spelling of it
        for embedded in (f"::ffff:{address}", f"64:ff9b::{address}", f"2002:{int(address) >> 16:x}:{int(address) & 0xFFFF:x}::1"):
            assert not is_public_address(ipaddress.ip_address(embedded)), embedded


@given(st.sampled_from(["8.8.8.0/24", "93.184.216.0/24", "1.1.1.0/24", "2606:4700::/112", "2a00:1450::/112"]).flatmap(_addresses_in))
def test_remote_files_public_unicast_addresses_are_public(address):
    assert is_public_address(address)
    if address.version == 4:
        assert is_public_address(ipaddress.ip_address(f"::ffff:{address}"))


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """https://images.example:<port> on 127.0.0.1, its certificate for images.example from a test CA:
    (base URL, the CA's PEM path)."""
    import datetime
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = tmp_path_factory.mktemp("tls")
    now = datetime.datetime.now(datetime.UTC)

    def certificate(subject: str, key, issuer: x509.Name, signer, *, ca: bool):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        builder = (
            x509.CertificateBuilder().subject_name(name).issuer_name(issuer or name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )  # fmt: skip
        if not ca:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_cert = certificate("Podium test CA", ca_key, None, ca_key, ca=True)
    server_cert = certificate("images.example", server_key, ca_cert.subject, ca_key, ca=False)
    (folder / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (folder / "server.pem").write_bytes(
        server_cert.public_bytes(serialization.Encoding.PEM)
        + server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "server.pem")
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"https://images.example:{httpd.server_address[1]}", str(folder / "ca.pem")
    httpd.shutdown()
    httpd.server_close()


def test_remote_files_https_checks_the_certificate_for_the_urls_host_at_the_checked_address(
    server, tls_server, monkeypatch
):
    import ssl

    from chalicelib.adapters import remote_files

    base, ca = tls_server

    # GIVEN the system's trust store, the test CA is unknown: refused
    with pytest.raises(FetchRefused, match="CERTIFICATE_VERIFY_FAILED"):
        _fetch(base + "/ok.png")

    # WHEN the CA is trusted, the certificate (for images.example, at 127.0.0.1) passes
    trusting = ssl.create_default_context
    monkeypatch.setattr(remote_files.ssl, "create_default_context", lambda: trusting(cafile=ca))
    assert _fetch(base + "/ok.png").data == PNG

    # and a name the certificate does not carry is refused although the address is the same
    names = {"other.example": ["127.0.0.1"]}
    with pytest.raises(FetchRefused, match=r"CERTIFICATE_VERIFY_FAILED|doesn't match|hostname"):
        fetch(base.replace("images.example", "other.example") + "/ok.png", max_bytes=LIMIT, timeout=3.0,
              resolve=lambda host, port: names[host], also_allow=frozenset({"127.0.0.1"}))  # fmt: skip


@pytest.mark.parametrize(
    ("url", "reason"),
    [("http://[::1/x.png", "not a valid URL"), ("http://[fe80::1/", "not a valid URL"),
     ("https://images.example:99999/x.png", "bad port")],
)  # fmt: skip
def test_remote_files_fetch_refuses_a_malformed_url(url, reason):
    """A URL urllib cannot split (an item stored before the URL rule) is a refusal of that one
    picture, never another error that would stop the job's other fetches."""
    with pytest.raises(FetchRefused, match=re.escape(reason)):
        _fetch(url)


def test_remote_files_fetch_refuses_a_malformed_redirect_target(server):
    """A hostile server's Location urllib cannot split: a refusal, as above."""
    with pytest.raises(FetchRefused, match=re.escape("not a valid URL in the redirect")):
        _fetch(server + "/to-broken-ipv6")


@pytest.mark.parametrize(
    "url",
    ["http://2130706433/", "http://0177.0.0.1/", "http://0x7f000001/", "http://127.1/", "http://0/",
     "http://user:secret@127.0.0.1/", "http://[::ffff:7f00:1]/", "http://[::127.0.0.1]/", "http://localhost/"],
)  # fmt: skip
def test_remote_files_fetch_refuses_numeric_and_userinfo_forms_of_loopback_with_the_system_resolver(url):
    """Decimal, octal, hexadecimal and short IPv4 forms are read by getaddrinfo as the address
    they spell: the check judges what the system resolver answers, not the text."""
    with pytest.raises(FetchRefused, match="non-public address"):
        fetch(url, max_bytes=LIMIT, timeout=3.0)


def test_remote_files_https_deadline_holds_while_a_server_drips_its_headers(tls_server, monkeypatch):
    """As over http: the TLS socket (not the plain one it wrapped) is what the deadline shuts."""
    import ssl

    from chalicelib.adapters import remote_files

    base, ca = tls_server
    trusting = ssl.create_default_context
    monkeypatch.setattr(remote_files.ssl, "create_default_context", lambda: trusting(cafile=ca))
    started = time.monotonic()

    with pytest.raises(FetchRefused, match="timed out"):
        fetch(base + "/drip", max_bytes=LIMIT, timeout=1.0, resolve=_resolve, also_allow=frozenset({"127.0.0.1"}))

    assert time.monotonic() - started < 5


@pytest.mark.parametrize("port", [25, 22, 6667, 10080])
def test_remote_files_fetch_refuses_a_port_browsers_refuse_before_resolving(port):
    """SMTP, SSH, IRC…: a GET sent there speaks to another protocol's server (and a refused or
    timed-out connection would tell the importer which ports a host has open)."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.216.34"]

    with pytest.raises(FetchRefused, match=re.escape(f"port {port} is not one images are fetched from")):
        fetch(f"http://images.example:{port}/x.png", max_bytes=LIMIT, timeout=3.0, resolve=resolve)
    assert asked == []


def test_remote_files_fetch_refuses_a_redirect_from_https_to_plain_http(server, tls_server, monkeypatch):
    import ssl

    from chalicelib.adapters import remote_files

    base, ca = tls_server
    trusting = ssl.create_default_context
    monkeypatch.setattr(remote_files.ssl, "create_default_context", lambda: trusting(cafile=ca))
    monkeypatch.setitem(_Handler.routes, "/to-plain-http", (302, {"Location": server + "/ok.png"}, b""))

    # the same bytes over plain http are fetched, but an https URL never continues without TLS
    assert _fetch(server + "/ok.png").data == PNG
    with pytest.raises(FetchRefused, match=re.escape("redirect from https to plain http")):
        _fetch(base + "/to-plain-http")
