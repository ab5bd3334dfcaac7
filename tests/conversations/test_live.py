"""Conversations live over the real ASGI stack (origin check, session auth) and channels-redis:
messages are saved first and reach every open socket of the people who may read them; a
client id makes a resend harmless; a reconnecting client catches up from PostgreSQL; a block
ends the conversation for open sockets on both sides at once; two facilitators see who is
answering."""

import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from groups.conversations import services
from groups.conversations.models import Message
from moderation.models import ReviewItem
from supportgroups.asgi import application
from supportgroups.privacy import services as privacy
from tests.chat.sockets import ORIGIN, Socket, run, session_cookie
from tests.conversations.conftest import People, ask, say, start
from tests.moderation.conftest import crisis_lexicon  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db(transaction=True)


COOKIES: dict[int, str] = {}


async def connect(user, conversation, *, query: str = ""):
    """(accepted, Socket past its welcome frame | close code), signed in as `user`."""
    headers = [
        (b"origin", ORIGIN),
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}={COOKIES[user.pk]}".encode()),
    ]
    path = f"/ws/messages/{conversation.pk}/" + (f"?{query}" if query else "")
    communicator = WebsocketCommunicator(application, path, headers=headers)
    accepted, code = await communicator.connect(timeout=5)
    if not accepted:
        await communicator.disconnect()  # end the refused application here, not at shutdown
        return False, code
    socket = Socket(communicator)
    socket.welcome = await socket.expect("welcome")
    return True, socket


def _pair(people: People):
    conversation = start(people.nico, people.group, people.marta, body="Hello Marta")
    services.accept(conversation=conversation, user=people.marta)
    return conversation


@pytest.fixture
def people(transactional_db) -> People:
    """Signed in before any socket opens: a session made inside the event loop's thread would
    leave that thread's database connection open."""
    people = People()
    COOKIES.clear()
    for person in vars(people).values():
        if hasattr(person, "display_name"):
            COOKIES[person.pk] = session_cookie(person)
    return people


def test_a_message_is_saved_then_reaches_both_sides_once(people):
    conversation = _pair(people)

    async def scenario():
        _, marta = await connect(people.marta, conversation)
        _, nico = await connect(people.nico, conversation)
        assert [m["body"] for m in marta.welcome["messages"]] == ["Hello Marta"]
        client_msg_id = str(uuid.uuid4())
        frame = {"type": "send", "client_msg_id": client_msg_id, "body": "Hi Nico!"}
        await marta.send(frame)
        for socket in (marta, nico):
            got = await socket.expect("message")
            assert (got["message"]["body"], got["message"]["author"]) == ("Hi Nico!", "Marta")
        await marta.send(frame)  # a resend after a dropped connection
        again = await marta.expect("message")
        assert again["message"]["client_msg_id"] == client_msg_id
        assert await nico.frames() == [], "the others hear of it once"
        for socket in (marta, nico):
            await socket.close()

    run(scenario)
    assert Message.objects.filter(body="Hi Nico!").count() == 1


def test_a_reconnecting_client_gets_what_it_missed_and_what_was_taken_down(people):
    conversation = _pair(people)
    seen = say(conversation, people.nico, "Seen before the drop").message
    conversation.refresh_from_db()
    revision = conversation.last_revision
    services.hide_message(message=seen, reason="Taken down while away")
    for n in range(3):
        say(conversation, people.nico, f"while away {n}")

    async def scenario():
        _, marta = await connect(
            people.marta, conversation, query=f"last_seen_id={seen.sequence}&rev={revision}"
        )
        await marta.close()
        return marta.welcome

    welcome = run(scenario)
    assert not welcome["reset"]
    assert [m["body"] for m in welcome["messages"]] == [f"while away {n}" for n in range(3)]
    assert welcome["removed"] == [seen.sequence]


@pytest.mark.parametrize("who", ["asked", "oscar", "olga"])
def test_nobody_outside_the_conversation_opens_its_socket(people, who):
    conversation = start(people.nico, people.group, people.marta)  # not accepted yet
    person = {"asked": people.marta, "oscar": people.oscar, "olga": people.olga}[who]

    async def scenario():
        return await connect(person, conversation)

    accepted, code = run(scenario)
    assert (accepted, code) == (False, 4403)


def test_blocking_mid_conversation_ends_it_for_both_open_sockets(people):
    conversation = _pair(people)

    async def scenario():
        _, marta = await connect(people.marta, conversation)
        _, nico = await connect(people.nico, conversation)
        assert marta.welcome["write"]["allowed"] and nico.welcome["write"]["allowed"]
        await database_sync_to_async(privacy.block)(blocker=people.nico, blocked=people.marta)
        for socket in (marta, nico):
            told = await socket.expect("write", timeout=2)
            assert told["write"] == {
                "allowed": False,
                "code": "ended",
                "reason": "This conversation has ended.",
                "until": None,
            }
        await marta.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "Wait!"})
        refused = await marta.expect("error")
        assert refused["code"] == "ended"
        assert await nico.frames() == [], "nothing from Marta reaches Nico"
        for socket in (marta, nico):
            await socket.close()

    run(scenario)
    assert not Message.objects.filter(body="Wait!").exists()


def test_a_change_reaches_open_sockets_and_a_reconnecting_client(people):
    conversation = _pair(people)  # Nico's "Hello Marta" is message 1
    conversation.refresh_from_db()
    revision = conversation.last_revision

    async def scenario():
        _, marta = await connect(people.marta, conversation)
        _, nico = await connect(people.nico, conversation)
        await nico.send({"type": "edit", "id": 1, "body": "Hello Marta, welcome"})
        for socket in (marta, nico):
            changed = (await socket.expect("message"))["message"]
            assert (changed["id"], changed["body"], changed["edited"]) == (
                1,
                "Hello Marta, welcome",
                True,
            )
        await marta.send({"type": "edit", "id": 1, "body": "Not mine"})
        assert (await marta.expect("error"))["code"] == "forbidden"
        await nico.send({"type": "edit", "id": 2**40, "body": "No such message"})
        assert (await nico.expect("error"))["code"] == "not_found"
        await marta.close()
        # Back after a dropped connection: the change comes with the catch-up.
        _, again = await connect(people.marta, conversation, query=f"last_seen_id=1&rev={revision}")
        for socket in (again, nico):
            await socket.close()
        return again.welcome

    welcome = run(scenario)
    assert [m["body"] for m in welcome["edited"]] == ["Hello Marta, welcome"]
    assert Message.objects.get(conversation=conversation, sequence=1).edited_at is not None


def test_members_see_who_is_writing_never_stored_and_not_once_blocked(people):
    conversation = _pair(people)
    revision = conversation.last_revision

    async def scenario():
        _, marta = await connect(people.marta, conversation)
        _, marta_phone = await connect(people.marta, conversation)
        _, nico = await connect(people.nico, conversation)
        await marta.send({"type": "typing"})
        writing = await nico.expect("typing")
        assert (writing["name"], writing["user_id"]) == ("Marta", people.marta.pk)
        await marta.send({"type": "typing"})  # still typing within two seconds: said once
        assert await nico.frames(0.3) == []
        assert await marta_phone.frames(0.3) == [], "not to the writer's own pages"

        await database_sync_to_async(privacy.block)(blocker=nico_user, blocked=marta_user)
        for socket in (marta, marta_phone, nico):
            await socket.expect("write", timeout=2)
        await marta_phone.send({"type": "typing"})  # has not typed yet: refused by the block
        assert (await marta_phone.expect("error"))["code"] == "ended"
        assert await nico.frames(0.3) == [], "nothing from Marta reaches Nico"
        for socket in (marta, marta_phone, nico):
            await socket.close()

    nico_user, marta_user = people.nico, people.marta
    run(scenario)
    conversation.refresh_from_db()
    assert conversation.last_revision == revision and conversation.replying_by is None


def test_removal_from_the_group_closes_the_members_question_socket(people):
    from groups import services as groups_services
    from groups.models import Membership

    question = ask(people.marta, people.group)

    async def scenario():
        _, marta = await connect(people.marta, question)
        membership = await database_sync_to_async(Membership.objects.get)(
            user=people.marta, group=people.group
        )
        await database_sync_to_async(groups_services.remove)(membership=membership, by=people.fran)
        closed = await marta.expect("closed", timeout=2)
        assert await marta.expect_closed() == 4403
        return closed

    assert run(scenario)["message"] == "You no longer have access to this group."


def test_two_facilitators_see_who_is_answering(people):
    """The team inbox across two facilitators: Fran takes the question and starts typing; Sam
    is told at once, so only one of them answers."""
    question = ask(people.marta, people.group)

    async def scenario():
        _, fran = await connect(people.fran, question)
        _, sam = await connect(people.sam, question)
        _, marta = await connect(people.marta, question)
        await database_sync_to_async(services.assign)(
            conversation=question, by=people.fran, to=people.fran
        )
        for socket in (sam, marta):
            state = await socket.expect("state")
            assert state == {"type": "state", "assigned_to": "Facil Fran", "closed": False}
        await fran.send({"type": "typing"})
        for socket in (sam, marta):
            assert (await socket.expect("replying"))["name"] == "Facil Fran"
        await fran.send({"type": "typing"})  # still typing: said once
        assert await sam.frames() == []
        # Sam opening the conversation now is told as well, by the welcome frame.
        _, late = await connect(people.sam, question)
        assert late.welcome["replying"] == "Facil Fran"
        await fran.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "Hello!"})
        answer = await sam.expect("message")
        assert (answer["message"]["author"], answer["message"]["team"]) == ("Facil Fran", True)
        await marta.send({"type": "typing"})  # members do not claim anything
        for socket in (fran, sam, late, marta):
            await socket.close()

    run(scenario)
    question.refresh_from_db()
    assert question.replying_by is None and question.awaiting_reply_since is None


def test_crisis_words_over_the_socket_bring_the_writer_the_caring_message(
    people,
    crisis_lexicon,  # noqa: F811
):
    conversation = _pair(people)

    async def scenario():
        _, marta = await connect(people.marta, conversation)
        _, nico = await connect(people.nico, conversation)
        body = "I want to end my life."
        await marta.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": body})
        caring = await marta.expect("crisis")
        assert "It sounds like things are very hard right now" in caring["html"]
        assert (await nico.expect("message"))["message"]["body"] == body
        assert [f["type"] for f in await nico.frames()] == [], "only the writer is shown it"
        for socket in (marta, nico):
            await socket.close()

    run(scenario)
    assert ReviewItem.objects.get().crisis


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"type": "send", "body": "a\\u0000b"}',
        "[1, 2]",
        '{"type": "read", "up_to": 1e999}',
    ],
)
def test_hostile_frames_get_an_error_frame_and_the_socket_stays(people, text):
    conversation = _pair(people)

    async def scenario():
        _, marta = await connect(people.marta, conversation)
        await marta.communicator.send_to(text_data=text)
        error = await marta.expect("error")
        await marta.send({"type": "heartbeat"})
        assert (await marta.communicator.receive_json_from())["type"] == "pong"
        await marta.close()
        return error

    assert run(scenario)["code"] in {"bad_request", "bad_text"}
    assert Message.objects.count() == 1


def test_a_memorial_closes_the_socket(people):
    conversation = _pair(people)

    async def scenario():
        _, marta = await connect(people.marta, conversation)
        await database_sync_to_async(privacy.memorialise)(user=people.marta, by=people.fran)
        closed = await marta.expect("closed", timeout=2)
        assert await marta.expect_closed() == 4403
        return closed

    assert run(scenario)["message"] == "Sign in to take part."
