"""Facilitator controls over the live socket: remove, mute, lock, end, live session."""

import uuid

import pytest
from channels.db import database_sync_to_async

from groups.chat.models import ChatMessage
from moderation import appeals
from moderation import services as moderation_services
from moderation.models import AuditLogEntry, Sanction
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
    # Like every other moderation action: in the audit log, the author told, appealable.
    entry = AuditLogEntry.objects.get(action="remove")
    assert (entry.actor, entry.subject) == (room_people["facilitator"], room_people["alice"])
    assert entry.item.target == message and entry.item.group_id == group.pk
    assert room_people["alice"].notifications.filter(url__contains=f"/{entry.pk}/").exists()
    assert appeals.appeal(action=entry, user=room_people["alice"], body="It was ok")
    message.refresh_from_db()
    assert message.is_hidden  # kept for the moderation record


def test_mute_is_moderations_group_mute_audited_and_live(room_people):
    group, cookies, alice = room_people["group"], room_people["cookies"], room_people["alice"]
    facilitator = room_people["facilitator"]
    post(room_people, "alice", "something rude")

    async def scenario():
        _, f = await open_socket(cookies[facilitator.pk], group.slug)
        _, a = await open_socket(cookies[alice.pk], group.slug)
        await f.send({"type": "mute", "user_id": alice.pk, "minutes": 15})
        told = await a.expect("write", timeout=1)
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "hello?"})
        error = await a.expect("error")
        await f.close()
        await a.close()
        return told["write"], error

    write, error = run(scenario)
    assert not write["allowed"] and write["code"] == "muted" and write["until"]
    assert "muted you in this group" in write["reason"]
    assert error["code"] == "muted" and error["message"] == write["reason"]
    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["something rude"]
    mute = Sanction.objects.get(user=alice)
    assert (mute.kind, mute.group_id) == ("mute", group.pk)
    entry = mute.action
    assert (entry.action, entry.actor, entry.subject) == ("mute", facilitator, alice)
    appeal = appeals.appeal(action=entry, user=alice, body="I was quoting")
    assert appeal.action == entry


def test_mute_can_be_lifted_and_the_page_writes_again(room_people):
    group, cookies, alice = room_people["group"], room_people["cookies"], room_people["alice"]

    async def scenario():
        _, f = await open_socket(cookies[room_people["facilitator"].pk], group.slug)
        _, a = await open_socket(cookies[alice.pk], group.slug)
        await f.send({"type": "mute", "user_id": alice.pk, "minutes": 5})
        muted = (await a.expect("write", timeout=1))["write"]
        await database_sync_to_async(_lift_sanctions)(alice)
        lifted = (await a.expect("write", timeout=1))["write"]
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "back"})
        echoed = await a.expect("message")
        await f.close()
        await a.close()
        return muted, lifted, echoed

    muted, lifted, echoed = run(scenario)
    assert not muted["allowed"] and lifted["allowed"]
    assert echoed["message"]["body"] == "back"


def _lift_sanctions(user) -> None:
    for sanction in Sanction.objects.filter(user=user, lifted_at=None):
        moderation_services.lift_sanction(sanction)


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
