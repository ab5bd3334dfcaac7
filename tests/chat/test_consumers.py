"""The room socket over the real ASGI stack, channels-redis and PostgreSQL (committed data)."""

import asyncio
import uuid

import pytest
from channels.db import database_sync_to_async

from groups import services as groups_services
from groups.chat import services
from groups.chat.models import ChatMessage, ChatRoom
from groups.models import Membership
from tests.chat.sockets import open_socket, post, run, session_cookie
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_anonymous_outsider_and_pending_member_are_refused(room_people):
    group = room_people["group"]
    outsider = session_cookie(UserFactory())
    pending = session_cookie(MembershipFactory(group=group, state=Membership.State.PENDING).user)

    async def scenario():
        assert await open_socket(None, group.slug) == (False, 4403)
        assert await open_socket(outsider, group.slug) == (False, 4403)
        assert await open_socket(pending, group.slug) == (False, 4403)
        assert await open_socket(outsider, "no-such-group") == (False, 4403)

    run(scenario)


def test_foreign_origin_is_refused(room_people):
    cookie = room_people["cookies"][room_people["alice"].pk]

    async def scenario():
        accepted, _code = await open_socket(
            cookie, room_people["group"].slug, origin=b"https://evil.example"
        )
        assert not accepted
        accepted, _code = await open_socket(cookie, room_people["group"].slug, origin=None)
        assert not accepted

    run(scenario)


def test_message_reaches_the_other_member_and_is_saved_first(room_people):
    alice, bob, group = room_people["alice"], room_people["bob"], room_people["group"]
    cookies = room_people["cookies"]

    async def scenario():
        _, a = await open_socket(cookies[alice.pk], group.slug)
        _, b = await open_socket(cookies[bob.pk], group.slug)
        cid = str(uuid.uuid4())
        await a.send({"type": "send", "client_msg_id": cid, "body": "Hello from Alice"})
        received = (await b.expect("message"))["message"]
        echoed = (await a.expect("message"))["message"]
        await a.close()
        await b.close()
        return received, echoed

    received, echoed = run(scenario)
    assert received["body"] == "Hello from Alice"
    assert received["author"] == alice.display_name and "email" not in received
    assert echoed["client_msg_id"] == received["client_msg_id"]
    stored = ChatMessage.objects.get()
    assert (stored.sequence, stored.body, stored.author) == (
        received["id"],
        "Hello from Alice",
        alice,
    )


def test_resend_with_same_client_msg_id_is_stored_once(room_people):
    alice, bob, group = room_people["alice"], room_people["bob"], room_people["group"]
    cookies = room_people["cookies"]

    async def scenario():
        _, a = await open_socket(cookies[alice.pk], group.slug)
        _, b = await open_socket(cookies[bob.pk], group.slug)
        frame = {"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "Only once"}
        await a.send(frame)
        first = await a.expect("message")
        await a.send(frame)  # as after a flaky connection: the server acknowledges again
        again = await a.expect("message")
        seen_by_b = [f for f in await b.frames(0.5) if f["type"] == "message"]
        await a.close()
        await b.close()
        return first, again, seen_by_b

    first, again, seen_by_b = run(scenario)
    assert first["message"]["id"] == again["message"]["id"]
    assert len(seen_by_b) == 1
    assert ChatMessage.objects.count() == 1


def test_reconnect_with_last_seen_id_gets_exactly_what_was_missed(room_people):
    group, cookies = room_people["group"], room_people["cookies"]
    first = post(room_people, "alice", "one")
    second = post(room_people, "alice", "two")
    room = ChatRoom.objects.get(group=group)
    seen_revision = room.last_revision
    # While Bob is away: two new messages, an edit of one he had, a removal of another.
    post(room_people, "alice", "three")
    post(room_people, "facilitator", "four")
    services.edit_message(
        room=room, editor=room_people["alice"], sequence=first.sequence, body="1!"
    )
    services.remove_message(room=room, by=room_people["facilitator"], sequence=second.sequence)

    async def scenario():
        query = f"last_seen_id={second.sequence}&rev={seen_revision}"
        _, b = await open_socket(cookies[room_people["bob"].pk], group.slug, query=query)
        await b.close()
        return b.welcome

    welcome = run(scenario)
    bodies = [m["body"] for m in welcome["messages"]]
    assert bodies == ["three", "four", "1!"]
    assert welcome["removed"] == [second.sequence]
    assert welcome["reset"] is False


def test_client_too_far_behind_starts_again_from_the_recent_page(room_people, settings):
    settings.CHAT_CATCH_UP_LIMIT = 2
    settings.CHAT_HISTORY_PAGE = 2
    for n in range(4):
        post(room_people, "alice", f"m{n}")

    async def scenario():
        cookie = room_people["cookies"][room_people["bob"].pk]
        _, b = await open_socket(cookie, room_people["group"].slug, query="last_seen_id=1&rev=1")
        await b.close()
        return b.welcome

    welcome = run(scenario)
    assert welcome["reset"] is True
    assert [m["body"] for m in welcome["messages"]] == ["m2", "m3"]


def test_fresh_connection_gets_the_last_page(room_people, settings):
    settings.CHAT_HISTORY_PAGE = 3
    for n in range(5):
        post(room_people, "alice", f"m{n}")

    async def scenario():
        _, b = await open_socket(
            room_people["cookies"][room_people["bob"].pk], room_people["group"].slug
        )
        await b.send({"type": "history", "before": b.welcome["messages"][0]["id"]})
        older = await b.expect("history")
        await b.close()
        return b.welcome, older

    welcome, older = run(scenario)
    assert [m["body"] for m in welcome["messages"]] == ["m2", "m3", "m4"]
    assert [m["body"] for m in older["messages"]] == ["m0", "m1"]
    assert older["has_more"] is False


def test_removed_member_is_disconnected_at_once(room_people):
    group, cookies, alice = room_people["group"], room_people["cookies"], room_people["alice"]

    async def scenario():
        _, a = await open_socket(cookies[alice.pk], group.slug)
        await remove_alice()
        closed = await a.expect("closed")
        code = await a.expect_closed()
        return closed, code

    @database_sync_to_async
    def remove_alice():
        membership = Membership.objects.get(user=alice, group=group)
        groups_services.remove(membership=membership, by=room_people["facilitator"])

    closed, code = run(scenario)
    assert code == 4403
    assert "no longer" in closed["message"]


def test_every_event_rechecks_access(room_people, settings):
    """Even without the access event, the next room event finds the member gone."""
    settings.CHAT_ACCESS_RECHECK_SECONDS = 0
    group, cookies, alice = room_people["group"], room_people["cookies"], room_people["alice"]

    async def scenario():
        _, a = await open_socket(cookies[alice.pk], group.slug)
        _, b = await open_socket(cookies[room_people["bob"].pk], group.slug)
        await leave()
        await b.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "private"})
        closed = await a.expect("closed")
        await b.close()
        return closed

    @database_sync_to_async
    def leave():
        Membership.objects.filter(user=alice, group=group).update(state=Membership.State.LEFT)

    assert "no longer" in run(scenario)["message"]


def test_the_pages_heartbeat_renews_the_access_check(room_people, settings):
    """No access event and no message: the heartbeat's own re-check finds the member gone (a
    change made without the event) and closes the socket. A beat sooner than half the page's
    interval trusts the last check."""
    settings.CHAT_HEARTBEAT_SECONDS = 1
    group, alice = room_people["group"], room_people["alice"]

    async def scenario():
        _, a = await open_socket(room_people["cookies"][alice.pk], group.slug)
        await leave()
        await a.send({"type": "heartbeat"})
        trusted = await a.expect("pong")
        await asyncio.sleep(0.6)
        await a.send({"type": "heartbeat"})
        closed = await a.expect("closed")
        return trusted, closed, await a.expect_closed()

    @database_sync_to_async
    def leave():
        Membership.objects.filter(user=alice, group=group).update(state=Membership.State.LEFT)

    trusted, closed, code = run(scenario)
    assert trusted["up_to"] == 0
    assert code == 4403 and "no longer" in closed["message"]


def test_rate_limit_trips_with_a_clear_message(room_people, settings):
    settings.CHAT_RATE_LIMIT_BURST = 3
    settings.CHAT_RATE_LIMIT_PER_SECOND = 0.1
    alice = room_people["alice"]

    async def scenario():
        _, a = await open_socket(room_people["cookies"][alice.pk], room_people["group"].slug)
        for n in range(5):
            await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": f"n{n}"})
        frames = await a.frames(1.0)
        await a.close()
        return frames

    frames = run(scenario)
    errors = [f for f in frames if f["type"] == "error"]
    assert [e["code"] for e in errors] == ["rate_limited", "rate_limited"]
    assert "wait" in errors[0]["message"] and errors[0]["client_msg_id"]
    assert ChatMessage.objects.count() == 3


def test_oversize_and_empty_messages_get_an_error_frame(room_people, settings):
    alice = room_people["alice"]

    async def scenario():
        _, a = await open_socket(room_people["cookies"][alice.pk], room_people["group"].slug)
        too_long = "x" * (settings.CHAT_MAX_MESSAGE_LENGTH + 1)
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": too_long})
        first = await a.expect("error")
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "   "})
        second = await a.expect("error")
        await a.communicator.send_to(text_data="not json")
        third = await a.expect("error")
        await a.close()
        return first, second, third

    first, second, third = run(scenario)
    assert first["code"] == "too_long" and "2000" in first["message"]
    assert second["code"] == "empty"
    assert third["code"] == "bad_request"
    assert not ChatMessage.objects.exists()


def test_presence_and_typing_are_live_and_never_stored(room_people):
    group, cookies = room_people["group"], room_people["cookies"]
    alice, bob = room_people["alice"], room_people["bob"]

    async def scenario():
        _, a = await open_socket(cookies[alice.pk], group.slug)
        _, b = await open_socket(cookies[bob.pk], group.slug)
        await b.send({"type": "heartbeat"})
        pong = await b.expect("pong")
        await b.send({"type": "typing"})
        typing = await a.expect("typing")
        own = [f for f in await b.frames(0.3) if f["type"] == "typing"]
        await b.close()
        await a.send({"type": "heartbeat"})
        after = await a.expect("pong")
        await a.close()
        return pong, typing, own, after

    pong, typing, own, after = run(scenario)
    assert pong["people"] == sorted([alice.display_name, bob.display_name], key=str.casefold)
    assert typing["name"] == bob.display_name and own == []
    assert after["people"] == [alice.display_name]
    assert not ChatMessage.objects.exists()


def test_report_carries_a_reason_and_reaches_the_queue(room_people):
    from moderation.models import ReviewItem

    message = post(room_people, "alice", "please look at this")
    bob = room_people["bob"]

    async def scenario():
        _, b = await open_socket(room_people["cookies"][bob.pk], room_people["group"].slug)
        await b.send({"type": "report", "id": message.sequence})
        no_reason = await b.expect("error")
        await b.send({"type": "report", "id": message.sequence, "reason": "harassment"})
        reported = await b.expect("reported")
        await b.send({"type": "report", "id": message.sequence, "reason": "harassment"})
        again = await b.expect("error")
        await b.close()
        return no_reason, reported, again

    no_reason, reported, again = run(scenario)
    assert no_reason["code"] == "bad_request" and "reason" in no_reason["message"]
    assert reported["id"] == message.sequence
    assert again["code"] == "report_refused" and "already reported" in again["message"]
    item = ReviewItem.objects.get()
    assert item.target == message and item.reason == "harassment"
    assert item.reports.get().reporter == bob and not item.crisis


def test_at_risk_report_of_a_chat_message_takes_the_crisis_path(room_people):
    from moderation.models import ReviewItem

    message = post(room_people, "alice", "i do not see the point any more")
    bob = room_people["bob"]

    async def scenario():
        _, b = await open_socket(room_people["cookies"][bob.pk], room_people["group"].slug)
        await b.send({"type": "report", "id": message.sequence, "reason": "at_risk"})
        await b.expect("reported")
        await b.close()

    run(scenario)
    item = ReviewItem.objects.get()
    assert item.target == message and item.crisis
    assert item.state == ReviewItem.State.ESCALATED and item.reason == "at_risk"
    assert item.group_id == room_people["group"].pk
    # The member someone worried about is told, privately, where help is.
    assert room_people["alice"].notifications.filter(kind="moderation").exists()


def test_crisis_words_bring_the_writer_support_privately(room_people):
    from moderation.models import CrisisPhrase

    CrisisPhrase.objects.get_or_create(language="en", phrase="end my life")
    group, cookies = room_people["group"], room_people["cookies"]

    async def scenario():
        _, a = await open_socket(cookies[room_people["alice"].pk], group.slug)
        _, b = await open_socket(cookies[room_people["bob"].pk], group.slug)
        body = "I want to end my life"
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": body})
        crisis = await a.expect("crisis")
        seen_by_b = [f["type"] for f in await b.frames(0.5)]
        await a.close()
        await b.close()
        return crisis, seen_by_b

    crisis, seen_by_b = run(scenario)
    assert "crisis-message" in crisis["html"]
    assert "crisis" not in seen_by_b  # only the writer is shown the support message


def test_held_message_is_shown_only_to_its_writer_with_crisis_support(room_people, monkeypatch):
    from moderation import services as moderation

    monkeypatch.setattr(
        moderation, "screen", lambda content, **_: moderation.ScreenResult(held=True, crisis=True)
    )
    group, cookies = room_people["group"], room_people["cookies"]

    async def scenario():
        _, a = await open_socket(cookies[room_people["alice"].pk], group.slug)
        _, b = await open_socket(cookies[room_people["bob"].pk], group.slug)
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "I can't go on"})
        own = await a.expect("message")
        notice = await a.expect("notice")
        crisis = await a.expect("crisis")
        seen_by_b = await b.frames(0.5)
        await a.close()
        await b.close()
        return own, notice, crisis, seen_by_b

    own, notice, crisis, seen_by_b = run(scenario)
    assert own["message"]["held"] is True
    assert "facilitator" in notice["message"]
    assert "crisis-message" in crisis["html"]
    assert seen_by_b == []
    assert ChatMessage.objects.get().is_held


def test_frames_say_who_is_a_facilitator_from_the_membership_not_the_name(room_people):
    """A member calling themselves "(facilitator)" gets no badge; the real facilitator does."""
    group, cookies = room_people["group"], room_people["cookies"]
    facilitator, alice = room_people["facilitator"], room_people["alice"]
    alice.display_name = "Alice (facilitator)"  # written before the form refused such names
    alice.save(update_fields=["display_name"])
    post(room_people, "facilitator", "earlier, from the facilitator")
    post(room_people, "alice", "earlier, from Alice")

    async def scenario():
        _, b = await open_socket(cookies[room_people["bob"].pk], group.slug)
        _, f = await open_socket(cookies[facilitator.pk], group.slug)
        await f.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "live, f"})
        from_facilitator = (await b.expect("message"))["message"]
        _, a = await open_socket(cookies[alice.pk], group.slug)
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "live, a"})
        from_alice = (await b.expect("message"))["message"]
        for socket in (a, b, f):
            await socket.close()
        return b.welcome, from_facilitator, from_alice

    welcome, from_facilitator, from_alice = run(scenario)
    assert [(m["body"], m["is_facilitator"]) for m in welcome["messages"]] == [
        ("earlier, from the facilitator", True),
        ("earlier, from Alice", False),
    ]
    assert (from_facilitator["body"], from_facilitator["is_facilitator"]) == ("live, f", True)
    assert (from_alice["body"], from_alice["is_facilitator"]) == ("live, a", False)
