"""The policy matrix: every persona × every write action, generated from ONE table.

Each cell says what that person gets when they try that action over HTTP: it is done, they are
sent to sign in, the thing is hidden (404: its existence is not revealed), or they are refused
with the one policy's reason (groups.policy) shown to them. Whatever is refused changes nothing
in the database; whatever is allowed changes something.

To add a surface (say chat's form and websocket), add a column to TABLE and an entry to ACTIONS
with a function that performs it; to add an outcome, add a token to OUTCOMES. A perform function
returns the HTTP response, or for a websocket anything with the same `status_code` (403 for a
refusal frame), `content` (the reason shown) and, for a sign-in redirect, `url`.
"""
# ruff: noqa: E501  (the table reads best one persona per line)

from collections.abc import Callable
from dataclasses import dataclass
from uuid import uuid4

import pytest
from django.test import Client
from django.urls import reverse

from forums import services as forum_services
from forums.models import Post, PostRevision, Reaction, Thread
from groups.conversations import services as conversation_services
from groups.conversations.models import Conversation, Message, MessageRevision, Participant
from groups.meetings.models import RSVP
from groups.mentoring.models import MentorRequest
from groups.models import GroupEmail
from moderation.models import AuditLogEntry, Report
from resources.models import Resource
from tests.factories import (
    BoardFactory,
    FacilitatorMembershipFactory,
    LanguageFactory,
    MembershipFactory,
    OccurrenceFactory,
    UserFactory,
    sanction,
    with_mfa,
)

pytestmark = pytest.mark.django_db

# Columns: on the group's private board (thread, reply, edit own post, react over htmx, report a
# post), the group's meeting (rsvp), the resources library (suggest), the same forum actions
# on a public board (p*), and private conversations (ask the group's facilitators, answer in
# one's own question to them, start one with a member of the group, change one's own message
# in one's question: nobody else has a message of theirs to change there, so theirs is a 404),
# asking for a peer mentor (outside any group), the thread and post controls on the group's
# board (pin, lock, close, hide a post) and moving a public thread to another public board
# (pmove), for the board's moderators only; and emailing the whole group.
TABLE = """
persona            thread   reply    edit     react    report   rsvp     suggest  pthread  preply   pedit    preact   preport  ask      answer   message  change   mentor   pin      lock     close    hide     pmove    email
anonymous          login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    404
outsider           404      404      404      404      404      member   ok       ok       ok       ok       ok       ok       404      404      404      404      ok       404      404      404      404      forbid   404
pending            404      404      404      404      404      member   ok       ok       ok       ok       ok       ok       404      404      404      404      ok       404      404      404      404      forbid   404
waitlisted         404      404      404      404      404      member   ok       ok       ok       ok       ok       ok       404      404      404      404      ok       404      404      404      404      forbid   404
removed            404      404      404      404      404      member   ok       ok       ok       ok       ok       ok       404      404      404      404      ok       404      404      404      404      forbid   404
member             ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       forbid   forbid   forbid   forbid   forbid   forbid
silenced           silenced silenced silenced silenced ok       silenced silenced silenced silenced silenced silenced ok       silenced ok       silenced ok       silenced forbid   forbid   forbid   forbid   forbid   forbid
group_muted        muted    muted    muted    muted    ok       muted    ok       ok       ok       ok       ok       ok       muted    ok       ok       ok       ok       forbid   forbid   forbid   forbid   forbid   forbid
suspended          login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    login    404
facilitator        ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       team     ok       ok       404      ok       ok       ok       ok       ok       forbid   ok
other_facilitator  404      404      404      404      404      member   ok       ok       ok       ok       ok       ok       404      404      404      404      ok       404      404      404      404      forbid   404
site_moderator     ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       ok       404      404      404      404      ok       ok       ok       ok       ok       ok       ok
staff_without_mfa  404      404      404      404      404      member   ok       ok       ok       ok       ok       ok       404      404      404      404      ok       404      404      404      404      forbid   404
"""
# Reports stay open to silenced and muted people: reporting harm (or someone at risk) is a safety
# path, not a way to be heard, and nobody but moderators sees a report. Private conversations
# (ask the group's facilitators, answer in one's own question to them, message a member): a
# silenced or muted member can still answer the facilitators and nothing else; a mute in the
# group does not reach private talk between members. Suspended accounts are
# signed out everywhere, so every surface sends them to sign in.


@dataclass(frozen=True)
class Outcome:
    allowed: bool
    status: int | None = None  # None: a redirect to the sign-in page
    reason: str = ""


OUTCOMES = {
    "ok": Outcome(allowed=True),
    "login": Outcome(allowed=False),
    "404": Outcome(allowed=False, status=404),
    "member": Outcome(False, 403, "Only members of this group can take part here."),
    "silenced": Outcome(False, 403, "A moderator has paused your posting"),
    "muted": Outcome(False, 403, "A facilitator has muted you in this group"),
    "team": Outcome(False, 403, "You facilitate this group"),
    "forbid": Outcome(False, 403),  # may read it, but has not the power asked for
}


def _parse(table: str) -> tuple[list[str], dict[str, dict[str, Outcome]]]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    actions = header[1:]
    cells = {}
    for persona, *tokens in rows:
        assert len(tokens) == len(actions), f"row {persona} has {len(tokens)} cells"
        cells[persona] = {a: OUTCOMES[t] for a, t in zip(actions, tokens, strict=True)}
    return actions, cells


COLUMNS, CELLS = _parse(TABLE)


# --- the world every cell runs in ------------------------------------------------------------


class World:
    """One listed group with its private board and a meeting, one public board, and the person
    under test. The posts acted on are written by someone else (nobody reports their own)."""

    def __init__(self, persona: str):
        occurrence = OccurrenceFactory()
        self.group = occurrence.series.group
        self.occurrence = occurrence
        author = MembershipFactory(group=self.group).user
        self.private = forum_services.ensure_group_board(group=self.group)
        self.public = BoardFactory()
        self.other_public = BoardFactory()  # where a public thread may be moved
        self.opening = {
            board: forum_services.create_thread(
                author=author, board=board, title="A thread", body=f"Opening on {board.slug}"
            ).post
            for board in (self.private, self.public)
        }
        self.me = make_persona(persona, self.group)
        self.own = {board: self._own_post(board) for board in (self.private, self.public)}
        self.author = author
        FacilitatorMembershipFactory(group=self.group)  # someone to ask
        self.their_question = conversation_services.ask_team(
            member=author, group=self.group, subject="", body="A question", client_msg_id=uuid4()
        ).message.conversation
        self.my_question = self._own_question()
        self.language = LanguageFactory()

    def _own_question(self) -> Conversation | None:
        """The person's question to the facilitators, as if asked while they still could."""
        if self.me is None or not self.group.memberships.filter(
            user=self.me, state="active", role="member"
        ):
            return None
        question = Conversation.objects.create(
            kind="facilitators", group=self.group, started_by=self.me, last_sequence=1
        )
        Participant.objects.create(conversation=question, user=self.me)
        Message.objects.create(conversation=question, sequence=1, revision=1, author=self.me)
        return question

    def _own_post(self, board) -> Post:
        """A post by the person under test, as if written while they still could."""
        post = forum_services.create_reply(
            author=self.opening[board].author,
            thread=self.opening[board].thread,
            body=f"An earlier reply on {board.slug}",
        ).post
        if self.me is not None:
            Post.objects.filter(pk=post.pk).update(author=self.me)
        return post

    def client(self) -> Client:
        client = Client()
        if self.me is not None:
            client.force_login(self.me)
        return client

    def snapshot(self) -> tuple:
        """Everything a write could change."""
        counts = tuple(m.objects.count() for m in (Thread, Post, PostRevision, Reaction, Report))
        extra = (
            RSVP.objects.count(),
            Resource.objects.count(),
            Message.objects.count(),
            MessageRevision.objects.count(),
            MentorRequest.objects.count(),
        )
        extra += (GroupEmail.objects.count(), AuditLogEntry.objects.count())
        extra += tuple(
            Thread.objects.order_by("pk").values_list(
                "pinned_at", "locked_at", "closed_at", "board"
            )
        )
        extra += (Post.objects.filter(hidden_at__isnull=False).count(),)
        bodies = tuple(
            Post.objects.filter(pk__in=[p.pk for p in self.own.values()]).values_list("body")
        )
        return counts + extra + bodies


def make_persona(persona: str, group):
    member = lambda **kw: MembershipFactory(group=group, **kw).user  # noqa: E731
    match persona:
        case "anonymous":
            return None
        case "outsider":
            return UserFactory()
        case "pending" | "waitlisted" | "removed":
            return member(state=persona)
        case "member":
            return member()
        case "silenced" | "suspended":
            person = member()
            sanction(person, "silence" if persona == "silenced" else "suspend")
            return person
        case "group_muted":
            person = member()
            sanction(person, "mute", group=group)
            return person
        case "facilitator":
            return FacilitatorMembershipFactory(group=group).user
        case "other_facilitator":
            return FacilitatorMembershipFactory().user
        case "site_moderator":
            return with_mfa(UserFactory(is_staff=True))
        case "staff_without_mfa":
            return UserFactory(is_staff=True)
    raise AssertionError(f"unknown persona {persona}")


# --- the actions -----------------------------------------------------------------------------

Perform = Callable[[Client, World], object]


def _new_thread(board_of: Callable[[World], object]) -> Perform:
    def perform(client, world):
        board = board_of(world)
        url = reverse("forums:new_thread", args=[board.slug])
        return client.post(url, {"title": "New words", "body": "Typed text", "action": "post"})

    return perform


def _reply(board_of) -> Perform:
    def perform(client, world):
        thread = world.opening[board_of(world)].thread
        url = reverse("forums:reply", args=[thread.pk])
        return client.post(url, {"body": "A typed reply", "action": "post"})

    return perform


def _edit(board_of) -> Perform:
    def perform(client, world):
        url = reverse("forums:edit", args=[world.own[board_of(world)].pk])
        return client.post(url, {"body": "Changed words", "action": "post"})

    return perform


def _react(board_of) -> Perform:
    """The htmx endpoint, as the reaction buttons call it."""

    def perform(client, world):
        url = reverse("forums:react", args=[world.opening[board_of(world)].pk])
        return client.post(url, {"kind": "hug"}, HTTP_HX_REQUEST="true")

    return perform


def _report(board_of) -> Perform:
    def perform(client, world):
        url = reverse("moderation:report", args=["forums.post", world.opening[board_of(world)].pk])
        return client.post(url, {"reason": "harassment", "note": "Unkind words"})

    return perform


def _rsvp(client, world):
    return client.post(reverse("meetings:rsvp", args=[world.occurrence.pk]), {"going": "yes"})


def _suggest(client, world):
    return client.post(
        reverse("resources:suggest"),
        {
            "title": "A helpline",
            "url": "https://helpline.example.org/",
            "kind": "organisation",
            "summary": "Typed summary of the helpline.",
        },
    )


def _ask(client, world):
    url = reverse("conversations:ask", args=[world.group.slug])
    return client.post(url, {"body": "A typed question", "client_msg_id": str(uuid4())})


def _answer(client, world):
    """In the person's own question to the facilitators, or (for the team, and for anyone
    without one) in a member's question."""
    question = world.my_question or world.their_question
    return client.post(question.get_absolute_url(), {"body": "A typed answer"})


def _message(client, world):
    url = reverse("conversations:start", args=[world.group.slug])
    return client.post(url, {"people": [world.author.pk], "body": "My scan is on Monday too"})


def _change(client, world):
    """The person's own first message in their question (anyone without one: a member's)."""
    question = world.my_question or world.their_question
    url = reverse("conversations:edit", args=[question.pk, 1])
    return client.post(url, {"body": "A changed message"})


def _mentor(client, world):
    return client.post(
        reverse("mentoring:ask"),
        {
            "topics": "Starting chemo",
            "role": "patient",
            "age_range": "40s",
            "time_zone": "UTC",
            "languages": [world.language.pk],
            **dict.fromkeys(
                [
                    "weight_cancer",
                    "weight_age",
                    "weight_role",
                    "weight_language",
                    "weight_treatment",
                ],
                "1",
            ),
        },
    )


def _control(action: str, board_of, data) -> Perform:
    """A thread control, as the thread's controls page posts it."""

    def perform(client, world):
        thread = world.opening[board_of(world)].thread
        url = reverse("forums:thread_controls", args=[thread.pk])
        return client.post(url, {"action": action, "reason": "Cooling off", **data(world)})

    return perform


def _hide(client, world):
    url = reverse("forums:moderate_post", args=[world.opening[world.private].pk])
    return client.post(url, {"reason": "Unkind words"})


def _email(client, world):
    url = reverse("groups:email_group", args=[world.group.slug])
    return client.post(url, {"subject": "Tonight moves online", "body": "New link soon."})


def _no_data(world):
    return {}


def _private(world):
    return world.private


def _public(world):
    return world.public


ACTIONS: dict[str, Perform] = {
    "thread": _new_thread(_private),
    "reply": _reply(_private),
    "edit": _edit(_private),
    "react": _react(_private),
    "report": _report(_private),
    "rsvp": _rsvp,
    "suggest": _suggest,
    "pthread": _new_thread(_public),
    "preply": _reply(_public),
    "pedit": _edit(_public),
    "preact": _react(_public),
    "preport": _report(_public),
    "ask": _ask,
    "answer": _answer,
    "message": _message,
    "change": _change,
    "mentor": _mentor,
    "pin": _control("pin", _private, _no_data),
    "lock": _control("lock", _private, _no_data),
    "close": _control("close", _private, _no_data),
    "hide": _hide,
    "pmove": _control("move", _public, lambda world: {"board": world.other_public.pk}),
    "email": _email,
}


def test_the_table_covers_every_action():
    assert set(COLUMNS) == set(ACTIONS)


@pytest.mark.parametrize(
    ("persona", "action"), [(p, a) for p in CELLS for a in COLUMNS], ids=lambda v: v
)
def test_policy_matrix(persona, action):
    world = World(persona)
    expected = CELLS[persona][action]
    before = world.snapshot()
    response = ACTIONS[action](world.client(), world)
    after = world.snapshot()
    status = response.status_code
    if expected.allowed:
        assert status < 400, f"{persona} {action}: {status}"
        assert after != before, f"{persona} {action}: allowed but nothing was written"
        return
    assert after == before, f"{persona} {action}: refused ({status}) but the database changed"
    if expected.status is None:
        assert status == 302 and response.url.startswith(reverse("account_login")), status
        return
    assert status == expected.status, f"{persona} {action}: wanted {expected.status}, got {status}"
    if expected.reason:
        assert expected.reason in response.content.decode()


# --- chat: the no-JavaScript form and the websocket ------------------------------------------
# Transactional: the socket's consumer reads the database from its own threads. On the socket
# the sanctions (silence, mute, suspension) arrive while the socket is already open, so this
# column also proves that an open socket hears of them ("closed": the server closed it).
CHAT_TABLE = """
persona            form     socket
anonymous          login    closed
outsider           404      closed
pending            404      closed
waitlisted         404      closed
removed            404      closed
member             ok       ok
silenced           silenced silenced
group_muted        muted    muted
suspended          login    closed
facilitator        ok       ok
other_facilitator  404      closed
site_moderator     ok       ok
staff_without_mfa  404      closed
"""
OUTCOMES["closed"] = Outcome(allowed=False, status=4403)
CHAT_COLUMNS, CHAT_CELLS = _parse(CHAT_TABLE)
SANCTIONED = {"silenced": "silence", "group_muted": "mute", "suspended": "suspend"}


@dataclass
class SocketResult:
    """What the person saw on the socket, in the shape the matrix reads from HTTP responses."""

    status_code: int
    content: bytes = b""


class ChatWorld:
    """A group with a chat room, and the person under test, sanctioned now or (for the socket)
    once their socket is open."""

    def __init__(self, persona: str, *, sanction_later: bool):
        self.group = MembershipFactory().group
        kind = SANCTIONED.get(persona)
        self.me = make_persona("member" if kind else persona, self.group)
        self._pending = kind
        if not sanction_later:
            self.apply_sanction()

    def apply_sanction(self) -> None:
        if self._pending:
            group = self.group if self._pending == "mute" else None
            sanction(self.me, self._pending, group=group)
            self._pending = None

    def snapshot(self) -> int:
        from groups.chat.models import ChatMessage

        return ChatMessage.objects.count()


def _chat_form(world: ChatWorld):
    import uuid

    client = Client()
    if world.me is not None:
        client.force_login(world.me)
    url = reverse("chat:room", args=[world.group.slug])
    return client.post(url, {"body": "Typed in chat", "client_msg_id": str(uuid.uuid4())})


def _chat_socket(world: ChatWorld) -> SocketResult:
    import asyncio
    import json
    import uuid

    from channels.db import database_sync_to_async

    from tests.chat.sockets import open_socket, run, session_cookie

    cookie = session_cookie(world.me) if world.me is not None else None

    async def heard(socket, seconds: float) -> list[dict]:
        """Frames within `seconds`; a close by the server ends the list as {"type": "close"}.
        Polls the queue: a receive timeout would cancel the consumer under test."""
        found, queue = [], socket.communicator.output_queue
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            if queue.empty():
                await asyncio.sleep(0.01)
                continue
            output = await socket.communicator.receive_output()
            if output["type"] == "websocket.close":
                return [*found, {"type": "close"}]
            found.append(json.loads(output["text"]))
        return found

    async def scenario() -> SocketResult:
        accepted, socket = await open_socket(cookie, world.group.slug)
        if not accepted:
            return SocketResult(4403)
        try:
            await database_sync_to_async(world.apply_sanction)()
            frames = await heard(socket, 1.0)  # what the server pushes within a second
            if frames and frames[-1]["type"] == "close":
                return SocketResult(4403)
            await socket.send(
                {"type": "send", "body": "Typed in chat", "client_msg_id": str(uuid.uuid4())}
            )
            for frame in await heard(socket, 1.5):
                if frame["type"] == "error":
                    return SocketResult(403, frame["message"].encode())
                if frame["type"] in ("closed", "close"):
                    return SocketResult(4403)
            sent = await database_sync_to_async(world.snapshot)()
            return SocketResult(200 if sent else 500)
        finally:
            await socket.close()

    return run(scenario)


CHAT_ACTIONS = {"form": _chat_form, "socket": _chat_socket}


def test_the_chat_table_covers_every_chat_surface():
    assert set(CHAT_COLUMNS) == set(CHAT_ACTIONS)
    assert set(CHAT_CELLS) == set(CELLS)  # the same personas as the table above


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("persona", "action"), [(p, a) for p in CHAT_CELLS for a in CHAT_COLUMNS], ids=lambda v: v
)
def test_chat_policy_matrix(persona, action):
    world = ChatWorld(persona, sanction_later=action == "socket")
    expected = CHAT_CELLS[persona][action]
    before = world.snapshot()
    response = CHAT_ACTIONS[action](world)
    after = world.snapshot()
    status = response.status_code
    if expected.allowed:
        assert status < 400, f"{persona} {action}: {status}"
        assert after == before + 1, f"{persona} {action}: allowed but nothing was written"
        return
    assert after == before, f"{persona} {action}: refused ({status}) but a message was stored"
    if expected.status is None:
        assert status == 302 and response.url.startswith(reverse("account_login")), status
        return
    # The form answers a refusal with 400 and the reason beside the typed text.
    wanted = 400 if action == "form" and expected.status == 403 else expected.status
    assert status == wanted, f"{persona} {action}: wanted {wanted}, got {status}"
    if expected.reason:
        import html

        assert expected.reason in html.unescape(response.content.decode())
