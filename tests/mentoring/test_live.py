"""Ending a match reaches the mentoring conversation's open pages at once: both sockets are
told they can no longer write, and a message sent anyway is refused and stored nowhere."""

import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from groups.conversations.models import Message
from groups.mentoring import services
from supportgroups.asgi import application
from tests.chat.sockets import ORIGIN, Socket, run, session_cookie
from tests.factories import UserFactory

from .conftest import make_coordinator, make_mentor, make_request, walk_to_active

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(cookie: str, conversation) -> Socket:
    headers = [
        (b"origin", ORIGIN),
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
    ]
    communicator = WebsocketCommunicator(
        application, f"/ws/messages/{conversation.pk}/", headers=headers
    )
    accepted, _code = await communicator.connect(timeout=5)
    assert accepted
    socket = Socket(communicator)
    socket.welcome = await socket.expect("welcome")
    return socket


def test_ending_a_match_turns_both_open_conversation_pages_read_only(transactional_db):
    mentor = make_mentor("Mentor Max").user
    mentee = UserFactory(display_name="Mentee Mia")
    match = walk_to_active(make_request(mentee=mentee), mentor, make_coordinator())
    cookies = {person.pk: session_cookie(person) for person in (mentor, mentee)}

    async def scenario():
        mia = await connect(cookies[mentee.pk], match.conversation)
        max_ = await connect(cookies[mentor.pk], match.conversation)
        assert mia.welcome["write"]["allowed"] and max_.welcome["write"]["allowed"]
        await database_sync_to_async(services.end)(match=match, by=mentee)
        for socket in (mia, max_):
            told = await socket.expect("write", timeout=2)
            assert (told["write"]["allowed"], told["write"]["code"]) == (False, "ended")
        await max_.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "Wait!"})
        assert (await max_.expect("error"))["code"] == "ended"
        for socket in (mia, max_):
            await socket.close()

    run(scenario)
    assert not Message.objects.filter(body="Wait!").exists()
