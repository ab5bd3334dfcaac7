"""What the browser tests share: Debian's Chromium, the ORM beside Playwright's event loop,
signed-in pages, and a daphne for the chat.

Every test that drives Chromium lives in this folder, and only such tests (tests/conftest.py
refuses others): they run as a stage of their own (`--stage browser`, see scripts/test).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.utils import timezone

from tests.chat.sockets import session_cookie

# Playwright drives Debian's Chromium; never a downloaded browser build.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwrights_loop():
    """Playwright's sync API keeps an asyncio loop running in the test's thread from its first
    use to the end of the session, and Django refuses every ORM call from a thread with a running
    loop. These tests make and check their data in that thread, so here, and only here, the
    check is off. Socket code is still checked: the daphne these tests start runs with it on
    (`daphne_url`), and the plain stage runs the consumer tests without it."""
    before = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    yield
    if before is None:
        del os.environ[ASYNC_UNSAFE]
    else:
        os.environ[ASYNC_UNSAFE] = before


@pytest.fixture
def signed_in_page(browser):
    """`signed_in_page(user, base_url, **context_args)`: a page in a browser context of its own,
    signed in as `user` (None: a visitor) by a session cookie. The sign-in form itself is walked
    by the tests that call helpers.sign_in_with_password."""

    def open_page(user, base_url: str, **context_args):
        context = browser.new_context(base_url=base_url, **context_args)
        if user is not None:
            cookie = {"name": settings.SESSION_COOKIE_NAME, "url": base_url}
            context.add_cookies([{**cookie, "value": session_cookie(user)}])
        return context.new_page()

    return open_page


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def daphne_url(django_db_setup, tmp_path_factory):
    """A daphne process on a free port against the test database, one per test module: a daphne
    serving earlier tests keeps content type ids that the flush between transactional tests has
    since replaced. It runs without the async-unsafe switch, as in production."""
    db = settings.DATABASES["default"]
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != ASYNC_UNSAFE}
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        SECRET_KEY=settings.SECRET_KEY,
        SECURE_COOKIES="0",
        DEBUG="0",
    )
    if os.environ.get("FAKE_NOW"):  # daphne runs on this session's shifted clock (tests/clock.py)
        env["FAKE_NOW"] = timezone.now().isoformat()
    log = tmp_path_factory.mktemp("daphne") / "daphne.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.clock", "daphne", "-b", "127.0.0.1", "-p", str(port),
             "supportgroups.asgi:application"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError(log.read_text())
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
