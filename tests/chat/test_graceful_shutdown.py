"""Stopping a websocket process (an upgrade, a scale-down) asks each open chat page to reconnect
elsewhere (close code 4012, the standard 1012's meaning) and lets the consumers say goodbye,
instead of dropping the connections mid-flight."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from groups.chat.services import room_for_group
from tests.chat.sockets import session_cookie
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)  # the server process reads committed rows


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def ws_server(tmp_path):
    """`python -m supportgroups.ws_server` (what the compose `ws` service runs) on a free port."""
    db = settings.DATABASES["default"]
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "WS_SHUTDOWN_GRACE": "5",
    }
    log = tmp_path / "ws.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "supportgroups.ws_server", "-b", "127.0.0.1", "-p", str(port),
             "supportgroups.asgi:application"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield server, port, log
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)


def test_a_stopping_server_asks_open_chat_pages_to_reconnect_and_lets_consumers_finish(ws_server):
    server, port, log = ws_server
    group = SupportGroupFactory()
    member = MembershipFactory(group=group, user=UserFactory()).user
    room_for_group(group=group)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_cookie(member)}"

    with connect(
        f"ws://127.0.0.1:{port}/ws/chat/{group.slug}/",
        additional_headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"},
        open_timeout=10,
    ) as chat:
        assert json.loads(chat.recv(timeout=10))  # the room's welcome: the socket is open
        server.send_signal(signal.SIGTERM)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                chat.recv(timeout=10)

    assert closed.value.rcvd is not None, "the connection dropped without a close frame"
    assert closed.value.rcvd.code == 4012
    assert server.wait(timeout=15) == 0
    output = log.read_text()
    assert "asked 1 sockets to reconnect elsewhere" in output
