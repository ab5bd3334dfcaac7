"""A chat socket that sends nothing stays open: people sit in a room for hours without typing."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from tests.chat.sockets import open_socket, post, run

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

IDLE_SECONDS = 60  # many times the Redis client's and channels-redis's 5 s read timeouts


def test_a_socket_idle_for_a_minute_stays_open_and_gets_the_next_message(room_people):
    alice, group = room_people["alice"], room_people["group"]

    async def scenario():
        _, socket = await open_socket(room_people["cookies"][alice.pk], group.slug)
        await asyncio.sleep(IDLE_SECONDS)
        # A server-side close or a crashed consumer would already be waiting in the output.
        assert not await socket.frames(0.5), "nothing but background frames while idle"
        await database_sync_to_async(post)(room_people, "bob", "Still there?")
        frame = await socket.expect("message", timeout=5)
        await socket.close()
        return frame["message"]["body"]

    assert run(scenario) == "Still there?"
