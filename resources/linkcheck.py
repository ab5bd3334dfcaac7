"""Probe one web address the way a reader's browser would, without trusting it.

HEAD first (cheap); if the server answers HEAD with an error, GET (many servers refuse or
mishandle HEAD). Addresses come from members' suggestions, so the checker is a way into the
site's own network unless every connection is vetted (no server-side request forgery): the host
name is resolved once, every address it gives must be public and the port the scheme's usual one
(80 or 443), and the connection goes to exactly those addresses. Nothing resolves the name again
between the check and the connection (a second answer could point inside: DNS rebinding), no
environment proxy is used, and each redirect is vetted the same way. Only the tests' local server
is let through: with settings.RESOURCES_LINK_CHECK_ALLOW_PRIVATE on, this machine's own
(loopback) addresses on any port.
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urljoin, urlsplit

from django.conf import settings

USER_AGENT = "SupportGroupsLinkChecker/1.0 (checks that library links still work)"
# Answers that say nothing certain about the page: bot blocks, rate limits, server trouble.
UNCERTAIN_STATUSES = {401, 403, 408, 425, 429}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5
WEB_PORTS = {"http": 80, "https": 443}


class Outcome(StrEnum):
    OK = "ok"
    BROKEN = "broken"  # the page is gone: 404, 410, refused address
    UNCERTAIN = "uncertain"  # timeouts, connection errors, 5xx: broken only if it repeats


@dataclass(frozen=True)
class Probe:
    outcome: Outcome
    detail: str


class UnsafeAddress(Exception):
    pass


class TooManyRedirects(Exception):
    pass


@dataclass(frozen=True)
class _Target:
    """One vetted hop: where to connect, and what to say to the server there."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _resolve(host: str, port: int) -> list[str]:
    """Every address the name has now (the one place the checker asks DNS)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeAddress(f"unknown host ({exc.strerror})") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _ensure_allowed(address: str, port: int, usual_port: int) -> None:
    ip = ipaddress.ip_address(address.split("%")[0])  # drop an IPv6 zone
    if settings.RESOURCES_LINK_CHECK_ALLOW_PRIVATE and ip.is_loopback:
        return  # the tests' local server
    if not ip.is_global:
        raise UnsafeAddress("not a public address")
    if port != usual_port:
        raise UnsafeAddress("not a usual web port (80 or 443)")


def _vet(url: str) -> _Target:
    parts = urlsplit(url)
    if parts.scheme not in WEB_PORTS or not parts.hostname:
        raise UnsafeAddress("not an http(s) address")
    try:
        port = parts.port or WEB_PORTS[parts.scheme]
    except ValueError as exc:
        raise UnsafeAddress("not a valid port") from exc
    addresses = _resolve(parts.hostname, port)
    if not addresses:
        raise UnsafeAddress("unknown host")
    for address in addresses:  # one inside address is enough to refuse the name
        _ensure_allowed(address, port, WEB_PORTS[parts.scheme])
    path = parts.path or "/"
    return _Target(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port,
        path=f"{path}?{parts.query}" if parts.query else path,
        addresses=tuple(addresses),
    )


def _connect(target: _Target, timeout: float | None) -> socket.socket:
    """A socket to one of the vetted addresses, tried in the resolver's order."""
    for address in target.addresses[:-1]:
        with contextlib.suppress(OSError):
            return socket.create_connection((address, target.port), timeout=timeout)
    return socket.create_connection((target.addresses[-1], target.port), timeout=timeout)


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to the vetted addresses; Host still names the site."""

    def __init__(self, target: _Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target

    def connect(self):
        self.sock = _connect(self.target, self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to the vetted addresses; SNI and certificate checks are for the site's name."""

    def __init__(self, target: _Target, timeout: float):
        self.ssl_context = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.ssl_context)
        self.target = target

    def connect(self) -> None:
        self.sock = self.ssl_context.wrap_socket(
            _connect(self.target, self.timeout), server_hostname=self.target.host
        )


def _status(url: str, method: str, timeout: float) -> int:
    """The final status after at most MAX_REDIRECTS redirects, each hop vetted anew."""
    for _ in range(MAX_REDIRECTS + 1):
        target = _vet(url)
        pinned = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
        connection = pinned(target, timeout)
        try:
            connection.request(
                method, target.path, headers={"User-Agent": USER_AGENT, "Accept": "*/*"}
            )
            response = connection.getresponse()
            status, location = response.status, response.getheader("Location")
        finally:
            connection.close()
        if status not in REDIRECT_STATUSES or not location:
            return status
        url = urljoin(url, location)
    raise TooManyRedirects


def _judge(status: int) -> Probe:
    if status < 400:
        return Probe(Outcome.OK, f"HTTP {status}")
    if status in UNCERTAIN_STATUSES or status >= 500:
        return Probe(Outcome.UNCERTAIN, f"HTTP {status}")
    return Probe(Outcome.BROKEN, f"HTTP {status}")


def probe(url: str, *, timeout: float) -> Probe:
    try:
        status = _status(url, "HEAD", timeout)
        if status >= 400:
            status = _status(url, "GET", timeout)
    except UnsafeAddress as exc:
        return Probe(Outcome.BROKEN, str(exc))
    except TooManyRedirects:
        return Probe(Outcome.BROKEN, "too many redirects")
    except TimeoutError:
        return Probe(Outcome.UNCERTAIN, "timed out")
    except (http.client.HTTPException, OSError, ValueError) as exc:
        return Probe(Outcome.UNCERTAIN, f"could not connect ({exc.__class__.__name__})")
    return _judge(status)
