import contextlib
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import pytest
import trustme
from django.contrib.auth.models import Permission
from django.test import Client

from moderation.models import CrisisResource
from tests.factories import UserFactory, client_for


@pytest.fixture
def no_seeded_crisis_lines(db):
    """moderation seeds real crisis lines; these tests set out their own."""
    CrisisResource.objects.all().delete()


def crisis_line(**fields) -> CrisisResource:
    """A line in moderation's crisis list, the one list the library shows."""
    return CrisisResource.objects.create(**{"language": "en", **fields})


@pytest.fixture
def staff_client(db) -> Client:
    return client_for(UserFactory(is_staff=True))


@pytest.fixture
def curator(db):
    """Someone granted resources.curate who is neither staff nor a facilitator."""
    person = UserFactory()
    person.user_permissions.add(Permission.objects.get(codename="curate"))
    return person


@pytest.fixture
def curator_client(curator) -> Client:
    return client_for(curator)


class _Handler(BaseHTTPRequestHandler):
    """/ok 200, /missing 404, /slow answers after 2 s, /no-head 405 to HEAD but 200 to GET,
    /moved redirects to /ok, /loop to itself, /redirect?to=<address> there, /error 503. The server
    keeps the Host header of every request in ``hosts``."""

    def _answer(self, *, head: bool) -> None:
        self.server.hosts.append(self.headers["Host"])
        path, _, query = self.path.partition("?")
        if path in {"/moved", "/loop", "/redirect"}:
            self.send_response(301)
            location = {"/moved": "/ok", "/loop": "/loop"}.get(path)
            self.send_header("Location", location or unquote(query.removeprefix("to=")))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/slow":
            time.sleep(2)
            status = 200
        elif path == "/no-head" and head:
            status = 405
        else:
            status = {"/ok": 200, "/no-head": 200, "/error": 503}.get(path, 404)
        body = b"hello"
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except OSError:
            pass  # the checker gave up waiting (the timeout case)

    def do_HEAD(self):  # noqa: N802
        self._answer(head=True)

    def do_GET(self):  # noqa: N802
        self._answer(head=False)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def _serving(settings, tls: ssl.SSLContext | None = None):
    """A real HTTP(S) server on 127.0.0.1 for the link checker; never the internet. The checker
    may reach this machine's own addresses while it runs (nothing else private)."""
    settings.RESOURCES_LINK_CHECK_ALLOW_PRIVATE = True
    settings.RESOURCES_LINK_CHECK_TIMEOUT = 0.5
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    if tls:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    server.block_on_close = False
    server.hosts = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def local_server(settings):
    with _serving(settings) as server:
        yield server


@pytest.fixture
def local_site(local_server) -> str:
    return f"http://127.0.0.1:{local_server.server_address[1]}"


@pytest.fixture
def tls_site(settings, monkeypatch, tmp_path):
    """The same pages over https, with a certificate for links.example.org only, from a
    throwaway authority the checker trusts through OpenSSL's own SSL_CERT_FILE."""
    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("links.example.org").configure_cert(tls)
    with _serving(settings, tls) as server:
        yield server
