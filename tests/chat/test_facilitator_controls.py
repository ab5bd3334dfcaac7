"""Facilitator controls over the live socket: remove, mute, lock, end, live session."""

import uuid

import pytest

from groups.chat.models import ChatMessage
from tests.chat.sockets import open_socket, post, run

pytestmark = pytest.mark.django_db(transaction=True)


def test_facilitator_removes_a_message_live(room_people):
    group, cookies = room_people["group"], room_people["cookies"]
    message = post(room_people, "alice", "something to remove")

    async def scenario():
        _, f = await open_socket(cookies[room_people["facilitator"].pk], group.slug)
        _, b = await open_socket(cookies[room_people["bob"].pk], group.slug)
        await b.send({"type": "remove", "id": message.sequence})  # a member may not
        refused = await b.expect("error")
        await f.send({"type": "remove", "id": message.sequence})
        removed = await b.expect("removed")
        await f.close()
        await b.close()
        return refused, removed

    refused, removed = run(scenario)
    assert refused["code"] == "forbidden"
    assert removed["id"] == message.sequence
    message.refresh_from_db()
    assert message.is_hidden  # kept for the moderation record


def test_mute_takes_effect_live(room_people):
    group, cookies, alice = room_people["group"], room_people["cookies"], room_people["alice"]

    async def scenario():
        _, f = await open_socket(cookies[room_people["facilitator"].pk], group.slug)
        _, a = await open_socket(cookies[alice.pk], group.slug)
        await f.send({"type": "mute", "user_id": alice.pk, "minutes": 15})
        muted = await a.expect("muted")
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "hello?"})
        error = await a.expect("error")
        await f.close()
        await a.close()
        return muted, error

    muted, error = run(scenario)
    assert muted["until"]
    assert error["code"] == "muted" and "muted" in error["message"]
    assert not ChatMessage.objects.exists()


def test_locked_and_ended_rooms_and_live_session(room_people):
    group, cookies = room_people["group"], room_people["cookies"]
    facilitator = room_people["facilitator"]

    async def scenario():
        _, f = await open_socket(cookies[facilitator.pk], group.slug)
        _, a = await open_socket(cookies[room_people["alice"].pk], group.slug)
        await f.send({"type": "live", "live": True})
        live = await a.expect("room")
        await f.send({"type": "room", "locked": True})
        locked = await a.expect("room")
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "hi"})
        refused = await a.expect("error")
        await f.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "welcome"})
        allowed = await a.expect("message")
        await f.send({"type": "room", "ended": True})
        ended = await a.expect("room")
        await f.close()
        await a.close()
        return live, locked, refused, allowed, ended

    live, locked, refused, allowed, ended = run(scenario)
    assert live["room"]["live_with"] == facilitator.display_name
    assert locked["room"]["locked"] is True
    assert refused["code"] == "locked"
    assert allowed["message"]["body"] == "welcome"
    assert ended["room"]["ended"] is True and ended["room"]["live_with"] is None
