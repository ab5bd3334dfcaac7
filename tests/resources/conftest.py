import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from moderation import selectors as moderation_selectors
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def crisis_lines(monkeypatch) -> list:
    """The crisis lines moderation's `hotlines()` selector returns, as a list tests fill in.

    moderation owns CrisisResource and `moderation.selectors.hotlines()`, built in parallel;
    until that is on main this stands in for it (raising=False) with objects carrying the
    model's fields (name, country, language, phone, text, url, hours).
    """
    lines: list = []
    monkeypatch.setattr(moderation_selectors, "hotlines", lambda: lines, raising=False)
    return lines


@pytest.fixture
def lines_for_reader(monkeypatch) -> list:
    """What moderation's `crisis_lines_for(user)` finds for the reader (their own country)."""
    lines: list = []
    monkeypatch.setattr(moderation_selectors, "crisis_lines_for", lambda user: lines)
    return lines


def crisis_line(**fields) -> SimpleNamespace:
    defaults = {"country": "", "language": "en", "phone": "", "text": "", "url": "", "hours": ""}
    return SimpleNamespace(**{**defaults, **fields})


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


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
    /moved redirects to /ok, /error 503."""

    def _answer(self, *, head: bool) -> None:
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(2)
            status = 200
        elif path == "/no-head" and head:
            status = 405
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
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


@pytest.fixture
def local_site(settings):
    """A real HTTP server on 127.0.0.1 for the link checker; never the internet."""
    settings.RESOURCES_LINK_CHECK_ALLOW_PRIVATE = True
    settings.RESOURCES_LINK_CHECK_TIMEOUT = 0.5
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
