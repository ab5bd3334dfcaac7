"""Websocket helpers: the real ASGI stack (origin check, session auth) over channels-redis."""

import asyncio
import time
import uuid

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import transaction

from groups.chat import selectors, services
from groups.chat.live import room_event
from groups.chat.models import ChatMessage, ChatRoom
from supportgroups.asgi import application
from tests.factories import client_for

ORIGIN = b"http://127.0.0.1"
BACKGROUND = {"pong", "presence"}  # frames that arrive on their own timing


def session_cookie(user) -> str:
    return client_for(user).cookies[settings.SESSION_COOKIE_NAME].value


class Socket:
    """A WebsocketCommunicator with helpers that skip heartbeat and presence frames."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.communicator = communicator
        self.welcome: dict | None = None

    async def send(self, frame: dict) -> None:
        await self.communicator.send_json_to(frame)

    async def expect(self, kind: str, timeout: float = 3) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            frame = await self.communicator.receive_json_from(timeout=deadline - time.monotonic())
            if frame["type"] == kind:
                return frame
            assert frame["type"] in BACKGROUND, f"expected {kind}, got {frame}"

    async def frames(self, seconds: float = 0.3) -> list[dict]:
        """Everything but background frames that arrives within ``seconds``.

        Polls the queue: a receive timeout would cancel the application under test.
        """
        found = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.communicator.output_queue.empty():
                await asyncio.sleep(0.01)
                continue
            frame = await self.communicator.receive_json_from()
            if frame["type"] not in BACKGROUND:
                found.append(frame)
        return found

    async def expect_closed(self, timeout: float = 3) -> int:
        deadline = time.monotonic() + timeout
        while True:
            output = await self.communicator.receive_output(timeout=deadline - time.monotonic())
            if output["type"] == "websocket.close":
                return output.get("code")

    async def close(self) -> None:
        await self.communicator.disconnect()


async def open_socket(
    cookie: str | None, slug: str, *, query: str = "", origin=ORIGIN, welcome: bool = True
):
    """Connect as the person whose session cookie is given; returns (accepted, Socket|code),
    the Socket past its welcome frame unless ``welcome`` is False."""
    headers = [(b"origin", origin)] if origin else []
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    path = f"/ws/chat/{slug}/" + (f"?{query}" if query else "")
    communicator = WebsocketCommunicator(application, path, headers=headers)
    accepted, code = await communicator.connect(timeout=5)
    if not accepted:
        # A refused application still waits for the client's disconnect: end it here rather than
        # leave the event loop to cancel it at shutdown.
        await communicator.disconnect()
        return False, code
    socket = Socket(communicator)
    if welcome:
        socket.welcome = await socket.expect("welcome")
    return True, socket


def run(scenario, *args):
    """Run an async scenario from a sync test; ORM calls inside it come back to this thread."""
    return async_to_sync(scenario)(*args)


def post(room_people, author_key, body):
    room = services.room_for_group(group=room_people["group"])
    return services.post_message(
        room=room, author=room_people[author_key], body=body, client_msg_id=uuid.uuid4()
    ).message


def save_unpublished(*, group, author, body: str) -> ChatMessage:
    """Store a message as post_message does but without its broadcast: the publish of another
    daphne process that is late (or lost for one socket)."""
    with transaction.atomic():
        room = ChatRoom.objects.select_for_update().get(group=group)
        room.last_sequence += 1
        room.last_revision += 1
        room.save(update_fields=["last_sequence", "last_revision"])
        return ChatMessage.objects.create(
            room=room,
            sequence=room.last_sequence,
            revision=room.last_revision,
            author=author,
            body=body,
            client_msg_id=uuid.uuid4(),
        )


async def publish(message: ChatMessage) -> None:
    """The live broadcast of one stored message, through the real channel layer."""
    frame = await database_sync_to_async(selectors.serialize_message)(message)
    await get_channel_layer().group_send(
        message.room.group_name, room_event({"type": "message", "message": frame})
    )
