"""Out-of-order live delivery: a client fills a gap with fetch_after instead of skipping it.

With several daphne processes two writers publish after commit independently, so seq 2 can
reach a socket before seq 1. The test plays the slow process: it saves two messages and
publishes only the second through the real channel layer.
"""

import pytest
from channels.db import database_sync_to_async

from groups.chat.models import ChatMessage
from tests.chat.sockets import open_socket, post, publish, run, save_unpublished

pytestmark = pytest.mark.django_db(transaction=True)


def test_fetch_after_returns_the_message_a_late_publish_left_out(room_people):
    group, cookies = room_people["group"], room_people["cookies"]
    post(room_people, "alice", "before")  # seq 1, so the gap is not at the very start

    async def scenario():
        _, bob = await open_socket(cookies[room_people["bob"].pk], group.slug)
        contiguous = bob.welcome["up_to"]
        save = database_sync_to_async(save_unpublished)
        five = await save(group=group, author=room_people["alice"], body="five")
        six = await save(group=group, author=room_people["facilitator"], body="six")
        # Six is published, five's publish has not come (yet, or ever, for this socket).
        await publish(six)
        live = (await bob.expect("message"))["message"]
        # The client keeps six, sees the gap and asks for what follows its contiguous id.
        await bob.send({"type": "fetch_after", "after": contiguous})
        filled = await bob.expect("after")
        await bob.close()
        # The old client reconnected with the highest id seen and never heard of five.
        _, naive = await open_socket(
            cookies[room_people["bob"].pk],
            group.slug,
            query=f"last_seen_id={six.sequence}&rev={six.revision}",
        )
        await naive.close()
        return contiguous, five, six, live, filled, naive.welcome

    contiguous, five, six, live, filled, naive = run(scenario)
    assert contiguous == 1 and (five.sequence, six.sequence) == (2, 3)
    assert live["id"] == six.sequence
    assert [m["id"] for m in filled["messages"]] == [five.sequence, six.sequence]
    assert filled["messages"][0]["body"] == "five"
    assert (filled["after"], filled["up_to"], filled["has_more"]) == (1, 3, False)
    assert naive["messages"] == []  # why the client must send its contiguous id


def test_up_to_covers_messages_held_from_this_member(room_people):
    """A held message never reaches others, so the reply must let them step past its id."""
    group, cookies = room_people["group"], room_people["cookies"]
    post(room_people, "alice", "one")
    held = post(room_people, "alice", "two")
    ChatMessage.objects.filter(pk=held.pk).update(is_held=True)
    post(room_people, "alice", "three")

    async def scenario():
        replies = {}
        for key in ("bob", "alice"):
            _, socket = await open_socket(cookies[room_people[key].pk], group.slug)
            await socket.send({"type": "fetch_after", "after": 0})
            replies[key] = await socket.expect("after")
            await socket.close()
        return replies, socket.welcome

    replies, welcome = run(scenario)
    assert [m["id"] for m in replies["bob"]["messages"]] == [1, 3]
    assert replies["bob"]["up_to"] == 3
    assert [m["id"] for m in replies["alice"]["messages"]] == [1, 2, 3]
    assert welcome["up_to"] == 3


def test_fetch_after_pages_by_the_catch_up_limit(room_people, settings):
    settings.CHAT_CATCH_UP_LIMIT = 2
    group, cookies = room_people["group"], room_people["cookies"]
    for body in ("a", "b", "c"):
        post(room_people, "alice", body)

    async def scenario():
        _, bob = await open_socket(cookies[room_people["bob"].pk], group.slug)
        await bob.send({"type": "fetch_after", "after": 0})
        first = await bob.expect("after")
        await bob.send({"type": "fetch_after", "after": first["up_to"]})
        second = await bob.expect("after")
        await bob.close()
        return first, second

    first, second = run(scenario)
    assert ([m["id"] for m in first["messages"]], first["up_to"], first["has_more"]) == (
        [1, 2],
        2,
        True,
    )
    assert ([m["id"] for m in second["messages"]], second["up_to"], second["has_more"]) == (
        [3],
        3,
        False,
    )


def test_a_heartbeat_reply_names_the_last_message_a_lost_publish_left_unheard(room_people):
    """Pub/sub keeps nothing for a daphne process whose Redis connection was coming back: the
    message's live frame is gone. The next heartbeat's reply says it exists, so the page asks."""
    group, cookies = room_people["group"], room_people["cookies"]
    post(room_people, "alice", "heard")

    async def scenario():
        _, bob = await open_socket(cookies[room_people["bob"].pk], group.slug)
        save = database_sync_to_async(save_unpublished)
        lost = await save(group=group, author=room_people["alice"], body="never published")
        await bob.send({"type": "heartbeat"})
        pongs = []  # the reply to the heartbeat sent on connecting, then to this one
        while len(pongs) < 2:
            frame = await bob.communicator.receive_json_from()
            if frame["type"] == "pong":
                pongs.append(frame)
        await bob.close()
        return bob.welcome, lost, pongs

    welcome, lost, pongs = run(scenario)
    assert welcome["up_to"] == pongs[0]["up_to"] == 1
    assert pongs[1]["up_to"] == lost.sequence == 2
