"""With the channel layer's Redis down, chat still answers: the no-JavaScript form saves the
message and says the chat is offline, a socket is turned away with "try again later", and the
outage is logged once rather than as a traceback per attempt.

The channel layer is pointed at a real Redis client on a closed port, so every call really fails.
"""

import asyncio
import contextlib
import logging
import shutil
import socket
import subprocess
import time
import uuid

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from groups.chat.models import ChatMessage
from groups.chat.sockets import CLOSE_TRY_AGAIN
from supportgroups.live import outage
from tests.chat.sockets import open_socket, post, run

pytestmark = pytest.mark.django_db(transaction=True)

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused


def layer_at(live: dict, address: str) -> dict:
    """The project's channel layer settings with Redis at ``address``."""
    hosts = [{**live["CONFIG"]["hosts"][0], "address": address}]
    return {"default": {**live, "CONFIG": {**live["CONFIG"], "hosts": hosts}}}


@pytest.fixture
def live_layer(settings):
    live = settings.CHANNEL_LAYERS["default"]
    assert live["BACKEND"].startswith("channels_redis"), "tests run on Redis"
    # An earlier test in this process may have left the outage noted (logged in this set-up, not
    # in the test): each test starts from a layer that answered.
    outage.answered()
    yield live
    settings.CHANNEL_LAYERS = {"default": live}
    outage.answered()  # as the first broadcast after the outage would


@pytest.fixture
def layer_down(settings, live_layer):
    settings.CHANNEL_LAYERS = layer_at(live_layer, DEAD_REDIS)


def outage_log(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "channel layer" in r.getMessage()]


def errors_logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_chat_form_keeps_the_message_and_says_chat_is_offline(room_people, layer_down, caplog):
    client = Client()
    client.force_login(room_people["alice"])
    url = f"/chat/{room_people['group'].slug}/"
    for body in ["Anyone around?", "Hello?"]:
        response = client.post(url, {"body": body}, follow=True)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Chat is offline; your message is kept." in page
        assert body in page
    assert list(ChatMessage.objects.values_list("body", flat=True).order_by("sequence")) == [
        "Anyone around?",
        "Hello?",
    ]
    assert len(outage_log(caplog)) == 1 and "unreachable" in outage_log(caplog)[0]
    assert not errors_logged(caplog)


def test_a_socket_is_told_to_try_again_later_and_the_outage_is_logged_once(
    room_people, layer_down, caplog
):
    cookie = room_people["cookies"][room_people["alice"].pk]

    async def scenario():
        codes = []
        for _ in range(3):
            accepted, socket = await open_socket(cookie, room_people["group"].slug, welcome=False)
            assert accepted
            codes.append(await socket.expect_closed())
        return codes

    assert run(scenario) == [CLOSE_TRY_AGAIN] * 3
    assert len(outage_log(caplog)) == 1
    assert not errors_logged(caplog)


def test_a_message_sent_on_an_open_socket_while_redis_is_away_is_kept_and_the_socket_closes(
    room_people, live_layer, settings, caplog
):
    """The socket opened while Redis answered; the broadcast of what it sends then fails. The
    writer sees their message, stored, and is told the chat is offline; the socket's next
    heartbeat closes it with "try again later"."""
    cookie = room_people["cookies"][room_people["alice"].pk]

    async def scenario():
        _, socket = await open_socket(cookie, room_people["group"].slug)
        settings.CHANNEL_LAYERS = layer_at(live_layer, DEAD_REDIS)
        await socket.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "Hello?"})
        frames = [await socket.expect("message"), await socket.expect("notice")]
        # Its next heartbeat closes it: the page tries again until Redis is back, then catches up.
        await socket.send({"type": "heartbeat"})
        return frames, await socket.expect_closed()

    (message, notice), code = run(scenario)
    assert message["message"]["body"] == "Hello?"
    assert notice["message"] == "Chat is offline; your message is kept."
    assert code == CLOSE_TRY_AGAIN
    assert ChatMessage.objects.get().body == "Hello?"
    assert len(outage_log(caplog)) == 1
    assert not errors_logged(caplog)


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of this test's own, which it may stop and start again."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [server, "--port", str(port), "--save", "", "--appendonly", "no"]

    def start() -> subprocess.Popen:
        process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL)
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                return process
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    running = [start()]
    yield f"redis://127.0.0.1:{port}/0", running, start
    for process in running:
        process.kill()
        process.wait()


@pytest.mark.slow
def test_while_redis_is_away_an_open_socket_waits_quietly_and_hears_the_room_again(
    room_people, live_layer, settings, own_redis, caplog
):
    """The pub/sub layer retries its subscription every second while Redis is gone: the outage
    is logged once, not as a traceback a second, and the socket hears the room once Redis is
    back."""
    address, running, start = own_redis
    settings.CHANNEL_LAYERS = layer_at(live_layer, address)
    cookies, group = room_people["cookies"], room_people["group"]

    async def scenario():
        _, bob = await open_socket(cookies[room_people["bob"].pk], group.slug)
        await bob.expect("presence")  # the last the socket sends through Redis on connecting
        running[0].kill()
        await asyncio.to_thread(running[0].wait)
        await asyncio.sleep(3.5)  # a few of the layer's attempts
        running[0] = await asyncio.to_thread(start)
        await asyncio.sleep(2)  # its next attempt subscribes again
        await database_sync_to_async(post)(room_people, "alice", "We're back")
        frame = await bob.expect("message", timeout=5)
        await bob.close()
        return frame["message"]["body"]

    assert run(scenario) == "We're back"
    assert len([m for m in outage_log(caplog) if "unreachable" in m]) == 1
    assert not errors_logged(caplog)
