"""The relay: a daphne process hears a room once and hands each event to the room's sockets there,
in order, never before a socket's welcome, and never past a socket that must re-check first."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from groups.chat.live import room_event
from groups.chat.models import ChatRoom
from groups.chat.sockets import CLOSE_TRY_AGAIN
from tests.chat.sockets import open_socket, publish, run, save_unpublished

pytestmark = pytest.mark.django_db(transaction=True)


def room_subscribers(group_name: str) -> int:
    """How many channels of this process the channel layer holds in the room's group."""
    layer = get_channel_layer()._get_layer()  # channels-redis pub/sub: one per event loop
    return len(layer.groups.get(layer._get_group_channel_name(group_name), ()))


def test_one_subscription_per_room_per_process_and_every_socket_hears_each_message(room_people):
    group, cookies = room_people["group"], room_people["cookies"]
    people = [room_people[name] for name in ("facilitator", "alice", "bob")]

    async def scenario():
        sockets = [(await open_socket(cookies[person.pk], group.slug))[1] for person in people]
        room = await database_sync_to_async(ChatRoom.objects.get)(group=group)
        subscribed = room_subscribers(room.group_name)
        message = await database_sync_to_async(save_unpublished)(
            group=group, author=room_people["alice"], body="Hello, everyone"
        )
        await publish(message)
        heard = [(await socket.expect("message"))["message"]["body"] for socket in sockets]
        for socket in sockets:
            await socket.close()
        return subscribed, heard, room_subscribers(room.group_name)

    subscribed, heard, after = run(scenario)
    assert subscribed == 1
    assert heard == ["Hello, everyone"] * 3
    assert after == 0  # the last socket out ends the subscription


def test_frames_wait_in_order_while_a_socket_checks_its_access_again(room_people, settings):
    """With no trust in the last check, every frame waits for a re-check, which runs in the
    database thread: the frames must still arrive, once each and in order."""
    settings.CHAT_ACCESS_RECHECK_SECONDS = 0
    group, cookies = room_people["group"], room_people["cookies"]

    async def scenario():
        _, bob = await open_socket(cookies[room_people["bob"].pk], group.slug)
        save = database_sync_to_async(save_unpublished)
        messages = [
            await save(group=group, author=room_people["alice"], body=f"m{n}") for n in range(6)
        ]
        for message in messages:
            await publish(message)
        heard = [(await bob.expect("message"))["message"]["body"] for _ in messages]
        extra = await bob.frames()
        await bob.close()
        return heard, extra

    heard, extra = run(scenario)
    assert heard == [f"m{n}" for n in range(6)]
    assert extra == []


def test_a_socket_whose_check_fails_forwards_nothing_and_is_asked_to_reconnect(
    room_people, settings
):
    """A re-check that fails (the room deleted under it; a database blip) answers nothing: the
    waiting frames stay unsent rather than going out on the strength of the check's start, and
    the page is told to come back, when it is checked on the way in."""
    settings.CHAT_ACCESS_RECHECK_SECONDS = 0.5
    group, cookies = room_people["group"], room_people["cookies"]

    async def scenario():
        _, bob = await open_socket(cookies[room_people["bob"].pk], group.slug)
        room = await database_sync_to_async(ChatRoom.objects.get)(group=group)
        heard_in = room.group_name
        await asyncio.sleep(0.6)  # bob's last check has run out: the next frame waits for one
        await database_sync_to_async(room.delete)()
        frame = {"type": "message", "message": {"id": 1, "body": "not checked"}}
        await get_channel_layer().group_send(heard_in, room_event(frame))
        heard = []
        while True:  # what bob's page receives, up to the close
            output = await bob.communicator.receive_output(timeout=3)
            if output["type"] == "websocket.close":
                return heard, output.get("code")
            heard.append(json.loads(output["text"])["type"])

    heard, code = run(scenario)
    assert "message" not in heard
    assert code == CLOSE_TRY_AGAIN
