"""The live room socket: catch-up, sending, presence, typing and facilitator controls.

Who may do what is asked of chat's permissions (groups.policy underneath) on connect, inside
every write (the services check again under the room lock), on typing, on the page's heartbeat,
and in every group event handler (trusting a yes for a while, see _still_allowed). Each
re-check reads the person afresh from their session and the database, as Django's get_user does
on a page: a suspension, memorial, ended session, password change or staff demotion closes the
socket.
An "access.changed" event on the person's group (supportgroups.live) asks at once; a sanction
turns the page read-only with the reason, and its end makes it writable again.
"""

import asyncio
import contextlib
import json
import logging
import math
import time
import uuid
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib import auth
from django.core.cache import cache
from django.utils.translation import gettext as _

from groups.models import SupportGroup
from groups.policy import ALLOWED, Verdict
from moderation.crisis_message import crisis_message_html
from supportgroups import live
from supportgroups.degrade import when_cache_is_down

from . import permissions, presence, selectors, services
from .limits import TokenBucket, chat_bucket, frame_bucket
from .live import room_event
from .models import ChatRoom

logger = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
# The channel layer (Redis) cannot be reached: "try again later". Not the standard 1013, which
# daphne's websocket library refuses to send (it allows only 1000 and 3000-4999).
CLOSE_TRY_AGAIN = 4503
# Too many sockets opened by one person in a minute; chat.js waits longer before trying again.
CLOSE_TOO_MANY_CONNECTS = 4429
# Actions that write or read the database on the client's say-so take a rate-limit token.
LIMITED_ACTIONS = {
    "send",
    "edit",
    "history",
    "fetch_after",
    "report",
    "remove",
    "mute",
    "room",
    "live",
}
WRITE_ACTIONS = {"send", "edit", "report", "remove", "mute", "room", "live"}


# A client whose frames keep being refused for want of a token (CHAT_FLOOD_STRIKES refusals, then
# more than one a second): closed, so that one script cannot keep the server busy with refusals.
CLOSE_FLOODING = 4430
# An id beyond PostgreSQL's integer range names nothing; read as absent rather than sent to
# the database, which would refuse it with an error.
MAX_ID = 2**31 - 1


def _as_int(value, default: int | None = None) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return number if -MAX_ID <= number <= MAX_ID else default


def _not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e999
        raise ValueError(f"{text} is out of range")
    return number


def _parse(text: str) -> dict | None:
    """The frame as a dict, or None for anything that is not a JSON object: Infinity and NaN
    (Python accepts them, JSON does not) and nesting deep enough to exhaust the parser included.
    """
    try:
        content = json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except (ValueError, RecursionError):
        return None
    return content if isinstance(content, dict) else None


def _holds_unstorable_text(content: dict) -> bool:
    """Whether any key or value, however deep, is text PostgreSQL cannot hold."""
    pending: list = [content]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and services.unstorable(value):
            return True
    return False


def _echo(value) -> str | None:
    """A field of the client's frame said back in an error frame: only short text."""
    return value[:100] if isinstance(value, str) else None


def _write_frame(verdict: Verdict) -> dict:
    """What the page needs to enable its message box, or to disable it and say why."""
    return {
        "allowed": verdict.allowed,
        "code": verdict.code,
        "reason": verdict.reason,
        "until": verdict.until.isoformat() if verdict.until else None,
    }


def _connects_key(user_id: int) -> str:
    return f"chat:connects:{user_id}"


@when_cache_is_down(True)
def _connects_allowed(user_id: int) -> bool:
    """At most CHAT_CONNECTS_PER_MINUTE sockets opened per person per minute, across servers:
    a reconnect loop (or a script) must not hammer the database with catch-ups."""
    key = _connects_key(user_id)
    cache.add(key, 0, timeout=60)
    return cache.incr(key) <= settings.CHAT_CONNECTS_PER_MINUTE


@when_cache_is_down(None)
def _connect_not_counted(user_id: int) -> None:
    """A socket turned away because the channel layer is down cost no catch-up; chat.js retries
    every few seconds through an outage, which must not use up the person's allowance."""
    with contextlib.suppress(ValueError):  # the minute ran out meanwhile
        cache.decr(_connects_key(user_id))


@when_cache_is_down(None)
def _bar_connects(user_id: int) -> None:
    """A person whose socket was closed for flooding opens no other for a minute: each new
    socket costs a catch-up, and its flood is read before it can be refused. A page waits a
    minute after that close anyway."""
    cache.set(_connects_key(user_id), settings.CHAT_CONNECTS_PER_MINUTE, timeout=60)


class ChatConsumer(AsyncJsonWebsocketConsumer):
    room: ChatRoom | None = None
    accepted = False

    async def __call__(self, scope, receive, send):
        """Without the channel layer (Redis down) a socket can neither join its room nor hear
        it: close with "try again later" (chat.js retries within seconds) and log the outage
        once, rather than a crash and a traceback per socket."""
        # daphne hands a socket's frames over through an asyncio.Queue (as channels' test
        # communicator does): how many wait unread is how far the client is ahead of us.
        queue = getattr(receive, "__self__", None)
        self.unread = queue.qsize if isinstance(queue, asyncio.Queue) else lambda: 0
        try:
            await super().__call__(scope, receive, send)
        except live.LAYER_ERRORS as error:
            live.outage.failed(error, "new sockets are turned away;")
            if self.accepted:  # after connect() counted it: an attempt that cost no catch-up
                await database_sync_to_async(_connect_not_counted)(scope["user"].pk)
            else:  # the layer failed before the handshake: accept, or the code is not seen
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN})

    async def accept(self, subprotocol=None, headers=None):
        await super().accept(subprotocol, headers)
        self.accepted = True

    async def dispatch(self, message):
        """Handle one event without channels' per-event hop to the database thread.

        AsyncConsumer.dispatch runs close_old_connections in the single thread-sensitive worker
        before every event; with 200 sockets that hop per delivered message was the largest cost
        in bench/chat.py. Every database call here goes through database_sync_to_async, which
        closes old connections itself, before and after.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- connection ------------------------------------------------------------------------
    async def connect(self):
        self.user = self.scope["user"]
        if self.user.is_authenticated and not await database_sync_to_async(_connects_allowed)(
            self.user.pk
        ):
            # Accepted first so that the browser sees the code and backs off.
            await self.accept()
            await self.close(code=CLOSE_TOO_MANY_CONNECTS)
            return
        self.room = await database_sync_to_async(self._load_room)(
            self.scope["url_route"]["kwargs"]["slug"]
        )
        if self.room is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.write: Verdict | None = None  # set by _welcome, then by every re-check
        self.bucket = chat_bucket()  # actions that read or write the database
        self.frames = frame_bucket()  # every frame
        self.refusals = TokenBucket(capacity=settings.CHAT_FLOOD_STRIKES, rate=1.0)
        self.told = False  # of the current run of refused frames
        self.last_typing = 0.0
        self.checked_at = time.monotonic()  # just checked by _load_room
        await self.accept()
        # Join the live groups first, then read the catch-up: a message saved in between
        # arrives twice at worst, and the client drops the duplicate by id.
        await self.channel_layer.group_add(self.room.group_name, self.channel_name)
        await self.channel_layer.group_add(live.person_group(self.user.pk), self.channel_name)
        live.outage.answered()
        params = parse_qs(self.scope.get("query_string", b"").decode())
        await self.send_json(
            await database_sync_to_async(self._welcome)(
                _as_int(params.get("last_seen_id", [None])[0]),
                _as_int(params.get("rev", [None])[0], 0),
            )
        )
        await self._heartbeat()

    async def disconnect(self, code):
        if self.room is None:
            return
        try:
            await self.channel_layer.group_discard(self.room.group_name, self.channel_name)
            await self.channel_layer.group_discard(
                live.person_group(self.user.pk), self.channel_name
            )
        except live.LAYER_ERRORS as error:  # Redis drops a lost connection's subscriptions
            live.outage.failed(error, "new sockets are turned away;")
            return
        announce, people = await database_sync_to_async(presence.leave)(
            room_id=self.room.pk, channel=self.channel_name
        )
        if announce:
            await self.channel_layer.group_send(
                self.room.group_name,
                room_event({"type": "presence", "people": people}),
            )

    def _load_room(self, slug: str) -> ChatRoom | None:
        if not self.user.is_authenticated:
            return None
        group = SupportGroup.objects.filter(slug=slug).first()
        if group is None or not permissions.read_verdict(self.user, group):
            return None
        room = services.room_for_group(group=group)
        room.group = group
        return room

    def _reread_person(self):
        """The person as a page would see them now: their session read again from the store
        (ended by "sign out everywhere" or a suspension: gone; after a password change: a
        stale hash) and their account from the database. Anonymous if either no longer holds.
        """
        engine = import_module(settings.SESSION_ENGINE)
        session = engine.SessionStore(self.scope["session"].session_key)
        user = auth.get_user(SimpleNamespace(session=session))
        return user if user.pk == self.user.pk else None

    def _welcome(self, last_seen: int | None, revision: int) -> dict:
        """The room's state and the messages the client lacks (see selectors)."""
        room = ChatRoom.objects.select_related("group", "live_facilitator").get(pk=self.room.pk)
        self.room = room
        # Read before the messages: every sequence up to here is committed, so the client may
        # count itself complete up to it even where a message is hidden or held from it.
        up_to = room.last_sequence
        changes, reset = ([], []), last_seen is None
        if not reset:
            limit = settings.CHAT_CATCH_UP_LIMIT
            messages = selectors.messages_after(
                room=room, user=self.user, after=last_seen, limit=limit + 1
            )
            if len(messages) <= limit:
                changes = selectors.changes_since(
                    room=room, user=self.user, up_to=last_seen, revision=revision, limit=limit
                )
            # Too far behind: start again from the recent page.
            reset = len(messages) > limit or changes is None
        if reset:
            changes = ([], [])
            messages = selectors.recent_messages(room=room, user=self.user)
        self.write = permissions.person_verdict(self.user, room.group)
        return {
            "type": "welcome",
            "reset": reset,
            "room": selectors.serialize_room(room),
            "messages": [selectors.serialize_message(m) for m in [*messages, *changes[0]]],
            "removed": changes[1],
            "up_to": up_to,
            "write": _write_frame(self.write),
        }

    # --- frames from the client ------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Every frame, readable or not, costs a token first; then it must be a JSON object
        whose text PostgreSQL can store. Anything else is answered with an error frame."""
        if not await self._take_frame_token():
            return
        if text_data is None:
            await self._error("bad_request", _("The chat could not read that."), {})
            return
        if len(text_data) > settings.CHAT_MAX_MESSAGE_LENGTH * 4:
            await self._error("too_long", _("That message is far too long."), {})
            return
        content = _parse(text_data)
        if content is None:
            await self._error("bad_request", _("The chat could not read that."), {})
            return
        if _holds_unstorable_text(content):
            await self._error(
                "bad_text",
                _("The message holds a character that cannot be stored. Please remove it."),
                content,
            )
            return
        await self.receive_json(content)

    async def _take_frame_token(self) -> bool:
        """The per-socket frame limit. The first refused frame of a run is answered; refusals
        beyond their own allowance (a burst, then one a second) close the socket. Counting them
        in a row instead let a flooder whose slow frames let tokens refill in between go on.

        A socket with more frames waiting unread than it may send in a minute is closed at once:
        daphne reads and parses every frame before this code sees one, so a flooder fast enough
        to keep the loop busy parsing was handed over only a few frames a second, never ran out
        of tokens, and slowed everyone else's messages. (A page that sends in step with a slow
        server has a few frames waiting, not a minute's worth.)"""
        minute = settings.CHAT_FRAME_BURST + 60 * settings.CHAT_FRAMES_PER_SECOND
        flooded = self.unread() > minute
        if not flooded and self.frames.take():
            self.told = False
            return True
        if flooded or not self.refusals.take():
            logger.info("Chat socket of user %s closed for flooding.", self.user.pk)
            await self.close(code=CLOSE_FLOODING)
            await database_sync_to_async(_bar_connects)(self.user.pk)
            # Leave the room now and stop: what it sent meanwhile is never read (dropping each
            # frame still cost a dispatch, seconds' worth for a fast flooder).
            await self.disconnect(CLOSE_FLOODING)
            raise StopConsumer
        elif not self.told:
            self.told = True
            await self._error(
                "rate_limited",
                _("You are sending very quickly. Please wait a few seconds and try again."),
                {},
            )
        return False

    async def receive_json(self, content, **kwargs):
        action = str(content.get("type"))
        if action == "heartbeat":
            # Renews the access check: a page beats every CHAT_HEARTBEAT_SECONDS, well within
            # the window; beats faster than a page sends cost no queries.
            await self._heartbeat(trust=settings.CHAT_HEARTBEAT_SECONDS / 2)
            return
        if action == "typing":
            await self._typing()
            return
        if action == "recheck":  # the page's sanction has run out: may they write again?
            if self.bucket.take():
                await self._still_allowed(trust=0)
            return
        handler = getattr(self, f"_do_{action}", None) if action in LIMITED_ACTIONS else None
        if handler is None:
            await self._error("bad_request", _("The chat could not read that."), content)
            return
        if not self.bucket.take():
            await self._error(
                "rate_limited",
                _("You are sending very quickly. Please wait a few seconds and try again."),
                content,
            )
            return
        # A write re-reads the person and their session first, so it never rides on a change
        # of access whose event is still on its way.
        if action in WRITE_ACTIONS and not await self._still_allowed(trust=0):
            return
        try:
            frames = await database_sync_to_async(handler)(content)
        except services.ChatRefused as refused:
            await self._error(refused.code, refused.message, content)
            if refused.code == "forbidden":
                await self._still_allowed(trust=0)
            return
        for frame in frames:
            await self.send_json(frame)

    async def _error(self, code: str, message: str, content: dict) -> None:
        await self.send_json(
            {
                "type": "error",
                "code": code,
                "message": message,
                "action": _echo(content.get("type")),
                "client_msg_id": _echo(content.get("client_msg_id")),
            }
        )

    async def _heartbeat(self, *, trust: float | None = None) -> None:
        if live.outage.down:
            # Redis is away (or not yet known to be back): this socket hears nothing live and may
            # have missed frames. The page tries again every few seconds and, once it gets in,
            # catches up from the database.
            await self.close(code=CLOSE_TRY_AGAIN)
            return
        if not await self._still_allowed(trust=trust):
            return
        announce, people, up_to = await database_sync_to_async(self._beat)()
        await self.send_json({"type": "pong", "people": people, "up_to": up_to})
        if announce:
            await self.channel_layer.group_send(
                self.room.group_name,
                room_event({"type": "presence", "people": people}),
            )

    async def _typing(self) -> None:
        """Tell the others someone is typing (if they may write); at most one every two
        seconds, never stored."""
        now = time.monotonic()
        if now - self.last_typing < 2 or not await self._still_allowed():
            return
        self.last_typing = now
        verdict = await database_sync_to_async(self._typing_verdict)()
        if not verdict:
            await self._error(verdict.code, verdict.reason, {"type": "typing"})
            return
        await self.channel_layer.group_send(
            self.room.group_name,
            {"type": "chat.typing", "user_id": self.user.pk, "name": self.user.display_name},
        )

    # --- actions (run in a worker thread; they return the frames for this socket) -------------
    def _do_send(self, content: dict) -> list[dict]:
        try:
            client_msg_id = uuid.UUID(str(content.get("client_msg_id")))
        except ValueError as error:
            raise services.ChatRefused("bad_request", _("The chat could not read that.")) from error
        result = services.post_message(
            room=self.room,
            author=self.user,
            body=content.get("body", ""),
            client_msg_id=client_msg_id,
        )
        return self._after_write(result, announce=not result.created)

    def _do_edit(self, content: dict) -> list[dict]:
        result = services.edit_message(
            room=self.room,
            editor=self.user,
            sequence=_as_int(content.get("id"), 0),
            body=content.get("body", ""),
        )
        return self._after_write(result, announce=False)

    def _after_write(self, result: services.PostResult, *, announce: bool) -> list[dict]:
        """What only the writer hears: their held message, the crisis support message, and
        their own message when the room could not be told (Redis down)."""
        frames = []
        unheard = result.broadcast is not None and result.broadcast.sent is False
        if announce or unheard or result.message.is_held:
            frames.append(
                {"type": "message", "message": selectors.serialize_message(result.message)}
            )
        if unheard:
            frames.append(
                {"type": "notice", "message": _("Chat is offline; your message is kept.")}
            )
        if result.message.is_held:
            frames.append(
                {
                    "type": "notice",
                    "message": _(
                        "Your message is waiting for a facilitator. Only you can see it for now."
                    ),
                }
            )
        if result.screen.crisis:
            html = crisis_message_html(
                self.user, group_id=self.room.group_id, cookies=self.scope.get("cookies", {})
            )
            frames.append({"type": "crisis", "html": html})
        return frames

    def _beat(self) -> tuple[bool, list[str], int]:
        """Presence, and the room's last sequence: a client that has not heard of it asks for
        what it missed. Live frames are not kept for a daphne process that was not listening
        (pub/sub), so a message published while its Redis connection came back would otherwise
        go unseen until the next one arrived."""
        announce, people = presence.touch(
            room_id=self.room.pk,
            channel=self.channel_name,
            user_id=self.user.pk,
            name=self.user.display_name,
        )
        up_to = ChatRoom.objects.values_list("last_sequence", flat=True).get(pk=self.room.pk)
        return announce, people, up_to

    def _typing_verdict(self) -> Verdict:
        room = ChatRoom.objects.select_related("group").get(pk=self.room.pk)
        return permissions.write_verdict(self.user, room)

    def _check_can_read(self) -> None:
        verdict = permissions.read_verdict(self.user, self.room.group)
        if not verdict:
            raise services.ChatRefused("forbidden", verdict.reason)

    def _do_history(self, content: dict) -> list[dict]:
        self._check_can_read()
        messages = selectors.messages_before(
            room=self.room, user=self.user, before=_as_int(content.get("before"), 0)
        )
        return [
            {
                "type": "history",
                "messages": [selectors.serialize_message(m) for m in messages],
                "has_more": len(messages) == settings.CHAT_HISTORY_PAGE,
            }
        ]

    def _do_fetch_after(self, content: dict) -> list[dict]:
        """The messages after the client's highest contiguous id: fills a gap in live delivery.

        With several daphne processes two messages are published independently after commit,
        so a client can hear 6 before 5; it asks here when 5 does not follow within a moment.
        ``up_to`` is read before the messages, so the client is complete up to it even where a
        sequence is hidden or held from it and will never arrive.
        """
        self._check_can_read()
        after = max(_as_int(content.get("after"), 0), 0)
        up_to = ChatRoom.objects.values_list("last_sequence", flat=True).get(pk=self.room.pk)
        limit = settings.CHAT_CATCH_UP_LIMIT
        messages = selectors.messages_after(
            room=self.room, user=self.user, after=after, limit=limit
        )
        has_more = len(messages) == limit
        if has_more:
            up_to = messages[-1].sequence
        return [
            {
                "type": "after",
                "after": after,
                "up_to": max(up_to, after),
                "messages": [selectors.serialize_message(m) for m in messages],
                "has_more": has_more,
            }
        ]

    def _do_report(self, content: dict) -> list[dict]:
        sequence = _as_int(content.get("id"), 0)
        services.report_message(
            room=self.room,
            by=self.user,
            sequence=sequence,
            reason=str(content.get("reason", "")),
            note=str(content.get("note", ""))[:2000],
        )
        notice = _("Thank you. A facilitator will look at this message.")
        return [{"type": "reported", "id": sequence, "message": notice}]

    def _do_remove(self, content: dict) -> list[dict]:
        services.remove_message(
            room=self.room, by=self.user, sequence=_as_int(content.get("id"), 0)
        )
        return []

    def _do_mute(self, content: dict) -> list[dict]:
        services.mute_member(
            room=self.room,
            by=self.user,
            user_id=_as_int(content.get("user_id"), 0),
            minutes=_as_int(content.get("minutes"), 0),
        )
        return [{"type": "notice", "message": _("The member is muted in this group.")}]

    def _do_room(self, content: dict) -> list[dict]:
        flags = {k: bool(content[k]) for k in ("locked", "ended") if k in content}
        self.room = services.set_room_state(room=self.room, by=self.user, **flags)
        return []

    def _do_live(self, content: dict) -> list[dict]:
        self.room = services.set_live_session(
            room=self.room, by=self.user, live=bool(content.get("live"))
        )
        return []

    # --- events from the channel layer: each one re-checks access first ----------------------
    async def _still_allowed(self, *, trust: float | None = None) -> bool:
        """Re-check access unless the last check is younger than ``trust`` seconds: by default
        CHAT_ACCESS_RECHECK_SECONDS, 0 for a write.

        Asking the database for every event costs queries per socket per message, which held a
        200-person room to about 2 messages a second (see bench/chat.py). Writes are always
        checked afresh under the room lock, and every change of access sends "access.changed",
        which asks afresh at once; the window is only the net under those. The page's heartbeat
        renews it (see receive_json), so that a room's sockets re-check one by one, each at its
        own beat, rather than all on the same message once their windows run out together.
        """
        if trust is None:
            trust = settings.CHAT_ACCESS_RECHECK_SECONDS
        now = time.monotonic()
        if now - self.checked_at < trust:
            return True
        self.checked_at = now
        read, write = await database_sync_to_async(self._recheck)()
        if not read:
            await self.send_json({"type": "closed", "message": read.reason})
            await self.close(code=CLOSE_FORBIDDEN)
            return False
        if write != self.write:
            self.write = write
            await self.send_json({"type": "write", "write": _write_frame(write)})
        return True

    def _recheck(self) -> tuple[Verdict, Verdict]:
        """(may they still read, may they write) for the person read afresh."""
        user = self._reread_person()
        if user is None:
            # Signed out everywhere, suspended, or the password changed (in this browser too:
            # Django gave it a new session, which a reload picks up).
            gone = Verdict(
                allowed=False,
                code="signed_out",
                reason=_("Your session has ended. Reload the page to sign in again."),
            )
            return gone, gone
        self.user = user
        # The group afresh too: archived, or a cohort that has finished, is read-only.
        self.room.group = group = SupportGroup.objects.get(pk=self.room.group_id)
        access = permissions.page_access(user, group)  # both answers from one membership query
        if access.can_read:
            return ALLOWED, access.write
        read = permissions.read_verdict(user, group)  # for its reason
        return read, read

    async def chat_frame(self, event):
        """A frame for the whole room, encoded once by whoever sent it (live.room_event)."""
        if await self._still_allowed():
            await self.send(text_data=event["text"])

    async def chat_typing(self, event):
        if event["user_id"] != self.user.pk and await self._still_allowed():
            await self.send_json({"type": "typing", "name": event["name"]})

    async def access_changed(self, event):
        await self._still_allowed(trust=0)
