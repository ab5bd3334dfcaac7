"""Probe one web address the way a reader's browser would, without trusting it.

HEAD first (cheap); if the server answers HEAD with an error, GET (many servers refuse or
mishandle HEAD). Addresses come from members' suggestions, so the checker refuses to reach
private, loopback or link-local hosts, also after a redirect (no server-side request forgery),
unless settings.RESOURCES_LINK_CHECK_ALLOW_PRIVATE is on (the tests' local server).
"""

import http.client
import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings

USER_AGENT = "SupportGroupsLinkChecker/1.0 (checks that library links still work)"
# Answers that say nothing certain about the page: bot blocks, rate limits, server trouble.
UNCERTAIN_STATUSES = {401, 403, 408, 425, 429}


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


def _ensure_public(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsafeAddress("not an http(s) address")
    if settings.RESOURCES_LINK_CHECK_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise UnsafeAddress(f"unknown host ({exc.strerror})") from exc
    for info in infos:
        if not ipaddress.ip_address(info[4][0]).is_global:
            raise UnsafeAddress("not a public address")


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _ensure_public(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_SafeRedirects)


def _status(url: str, method: str, timeout: float) -> int:
    request = urllib.request.Request(  # noqa: S310 - scheme checked in _ensure_public
        url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"}
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _judge(status: int) -> Probe:
    if status < 400:
        return Probe(Outcome.OK, f"HTTP {status}")
    if status in UNCERTAIN_STATUSES or status >= 500:
        return Probe(Outcome.UNCERTAIN, f"HTTP {status}")
    return Probe(Outcome.BROKEN, f"HTTP {status}")


def probe(url: str, *, timeout: float) -> Probe:
    try:
        _ensure_public(url)
        status = _status(url, "HEAD", timeout)
        if status >= 400:
            status = _status(url, "GET", timeout)
    except UnsafeAddress as exc:
        return Probe(Outcome.BROKEN, str(exc))
    except TimeoutError:
        return Probe(Outcome.UNCERTAIN, "timed out")
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            return Probe(Outcome.UNCERTAIN, "timed out")
        return Probe(Outcome.UNCERTAIN, f"could not connect ({exc.reason})"[:200])
    except (http.client.HTTPException, OSError, ValueError) as exc:
        return Probe(Outcome.UNCERTAIN, f"error ({exc.__class__.__name__})")
    return _judge(status)
