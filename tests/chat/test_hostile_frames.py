"""Whatever a client sends, the socket answers with an error frame or ignores it: it never dies
with 1011, nothing is logged as an error, and nothing is written when a frame is refused. Every
frame costs a token, and a socket that keeps flooding is closed without slowing the others."""

import json
import logging
import uuid

import pytest
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from groups.chat.models import ChatMessage, ChatRoom
from groups.chat.sockets import CLOSE_FLOODING, CLOSE_TOO_MANY_CONNECTS
from moderation.models import ReviewItem, Sanction
from tests.chat.sockets import open_socket, run

pytestmark = pytest.mark.django_db(transaction=True)

ACTIONS = [
    "send",
    "edit",
    "history",
    "fetch_after",
    "report",
    "remove",
    "mute",
    "room",
    "live",
    "recheck",
    "typing",
    "nonsense",
]  # not "heartbeat": its pong marks the end of each frame's replies (see replies_to)
FIELDS = ["id", "before", "after", "body", "client_msg_id", "reason", "user_id", "minutes"]
hostile_text = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(["a", "\x00", "\ud800", "\udfff", "é", "\u202e"])),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63, max_value=2**70),
    st.floats(),  # inf and nan: json.dumps writes them as Infinity and NaN
    hostile_text,
)
any_json = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(hostile_text, children, max_size=3)
    ),
    max_leaves=8,
)
frames = st.one_of(
    st.fixed_dictionaries(
        {"type": st.sampled_from(ACTIONS)},
        optional={name: st.one_of(any_json, st.just(str(uuid.uuid4()))) for name in FIELDS},
    ).map(json.dumps),
    any_json.map(json.dumps),
    st.text(),
    st.binary(max_size=50),
    st.sampled_from(
        [
            "[" * 3000 + "]" * 3000,
            '{"a":' * 3000 + "1" + "}" * 3000,
            '{"type": "history", "before": Infinity}',
            '{"type": "fetch_after", "after": 1e999}',
            '{"type": "report", "id": 99999999999999999999999, "reason": "spam"}',
            '{"type": "remove", "id": -Infinity}',
            '{"type": "edit", "id": NaN, "body": "x"}',
        ]
    ),
)


def snapshot() -> tuple:
    return (
        tuple(ChatMessage.objects.values_list("pk", "body", "revision")),
        tuple(ChatRoom.objects.values_list("last_revision", "is_locked", "is_ended")),
        ReviewItem.objects.count(),
        Sanction.objects.count(),
    )


def errors_logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.fixture
def generous_limits(settings):
    """Room for every frame of an example to reach its handler rather than the rate limit."""
    settings.CHAT_FRAME_BURST = settings.CHAT_RATE_LIMIT_BURST = 10_000
    settings.CHAT_CONNECTS_PER_MINUTE = 10_000


async def send_raw(socket, raw: str | bytes) -> None:
    """One frame as the server receives it (send_to refuses an empty one, browsers do not)."""
    key = "bytes" if isinstance(raw, bytes) else "text"
    await socket.communicator.send_input({"type": "websocket.receive", key: raw})


async def open_as(people, key):
    """A socket of one of room_people, past its welcome and the pong that follows it."""
    _, socket = await open_socket(people["cookies"][people[key].pk], people["group"].slug)
    await socket.expect("pong")
    return socket


async def replies_to(socket, raw) -> list[dict]:
    """The frames answering ``raw``: a heartbeat after it is answered in order, so its pong
    marks the end of them (and that the socket is still open and serving)."""
    await send_raw(socket, raw)
    await socket.send({"type": "heartbeat"})
    found = []
    while True:
        output = await socket.communicator.receive_output(timeout=5)
        assert output["type"] == "websocket.send", f"closed after {raw!r}: {output}"
        frame = json.loads(output["text"])
        if frame["type"] == "pong":
            return found
        if frame["type"] != "presence":  # announced on its own timing
            found.append(frame)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raws=st.lists(frames, min_size=1, max_size=4))
def test_no_frame_kills_the_socket_or_changes_anything_when_refused(
    room_people, generous_limits, caplog, raws
):

    async def scenario():
        socket = await open_as(room_people, "alice")
        for raw in raws:
            before = await database_sync_to_async(snapshot)()
            replies = await replies_to(socket, raw)
            if any(frame["type"] == "error" for frame in replies):
                assert await database_sync_to_async(snapshot)() == before, raw
        await socket.close()

    caplog.clear()
    run(scenario)
    assert not errors_logged(caplog)


@pytest.mark.parametrize(
    ("body", "code"),
    [("a\x00b", "bad_text"), ("broken \ud800 letter", "bad_text"), ("\x00", "bad_text")],
)
def test_text_postgresql_cannot_hold_is_refused_with_a_clear_error(room_people, body, code):

    async def scenario():
        socket = await open_as(room_people, "alice")
        frame = {"type": "send", "client_msg_id": str(uuid.uuid4()), "body": body}
        replies = await replies_to(socket, json.dumps(frame))
        await socket.close()
        return replies

    [error] = run(scenario)
    assert error["code"] == code and "cannot be stored" in error["message"]
    assert error["client_msg_id"]  # the page puts the text back in the box
    assert not ChatMessage.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 3000 + "]" * 3000,
        '{"type": "history", "before": Infinity}',
        '{"type": "fetch_after", "after": 1e999}',
        '{"type": "report", "id": 99999999999999999999999, "reason": "spam"}',
    ],
)
def test_frames_seen_in_use_are_answered_and_the_socket_lives(room_people, caplog, raw):

    async def scenario():
        socket = await open_as(room_people, "alice")
        replies = await replies_to(socket, raw)
        await socket.close()
        return replies

    replies = run(scenario)
    assert {frame["type"] for frame in replies} <= {"error", "history", "after"}
    assert not errors_logged(caplog)


def test_heartbeats_and_typing_cost_tokens(room_people, settings):
    settings.CHAT_FRAME_BURST = 4
    settings.CHAT_FRAMES_PER_SECOND = 0.01

    async def scenario():
        socket = await open_as(room_people, "alice")
        for kind in ["heartbeat", "typing", "heartbeat", "typing", "heartbeat"]:
            await socket.send({"type": kind})
        frames = await socket.communicator.receive_json_from(timeout=3)
        while frames["type"] == "pong" or frames["type"] == "presence":
            frames = await socket.communicator.receive_json_from(timeout=3)
        await socket.close()
        return frames

    assert run(scenario)["code"] == "rate_limited"


def test_a_flooding_socket_is_closed_and_the_others_keep_chatting(room_people, settings):
    settings.CHAT_FRAME_BURST = 10
    settings.CHAT_FRAMES_PER_SECOND = 0.01
    settings.CHAT_FLOOD_STRIKES = 20

    async def scenario():
        flooder = await open_as(room_people, "alice")
        other = await open_as(room_people, "bob")
        for _ in range(100):
            await flooder.communicator.send_to(text_data="junk")
        code = await flooder.expect_closed()
        cid = str(uuid.uuid4())
        await other.send({"type": "send", "client_msg_id": cid, "body": "Still here"})
        echoed = await other.expect("message")
        await other.close()
        # The flooder may not open another socket for a minute.
        cookie = room_people["cookies"][room_people["alice"].pk]
        _, again = await open_socket(cookie, room_people["group"].slug, welcome=False)
        return code, echoed["message"]["body"], await again.expect_closed()

    assert run(scenario) == (CLOSE_FLOODING, "Still here", CLOSE_TOO_MANY_CONNECTS)


def test_a_socket_far_behind_on_reading_its_frames_is_closed_for_flooding(room_people, settings):
    """More frames waiting unread than a minute's allowance: closed without reading them all,
    however many tokens it would still have had by the time each was read."""
    settings.CHAT_FRAME_BURST = 5
    settings.CHAT_FRAMES_PER_SECOND = 100  # a minute's allowance: 6,005 frames
    settings.CHAT_FLOOD_STRIKES = 1_000_000  # refusals alone never close it here

    async def scenario():
        flooder = await open_as(room_people, "alice")
        for _ in range(7_000):
            await flooder.communicator.send_to(text_data="junk")
        replies = 0
        while (output := await flooder.communicator.receive_output(timeout=5))["type"] != (
            "websocket.close"
        ):
            replies += 1
        return output["code"], replies

    code, replies = run(scenario)
    assert code == CLOSE_FLOODING
    assert replies < 100  # the frames it read before seeing how far behind it was
