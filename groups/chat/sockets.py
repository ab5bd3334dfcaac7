"""What every live socket does, whoever it serves: the chat room's (`consumers.py`) and a private
conversation's (`groups/conversations/consumers.py`).

- Frames from the client: `read_frame` takes a frame token, then reads a JSON object whose text
  PostgreSQL can store, and answers anything else with an error frame; ids are read with
  `as_int`.
- `LiveSocket`, the consumer both build on: "try again later" while the channel layer is down,
  the access re-check (`still_allowed`, trusting a yes for a while), and the frames a socket's
  group sends, heard through this process's relay for that group.
- The relay (`join`, `leave`): one channel-layer subscription per group per daphne process,
  whose events are handed to that group's sockets in the process one after another. A socket
  subscribed on its own would take each event through its own queue, decode it again and wake
  its own task: for a room of 200 that was most of daphne's time per message (bench/chat.py).
"""

import asyncio
import collections
import contextlib
import json
import logging
import math
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module
from types import SimpleNamespace
from typing import Any, NamedTuple
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import BaseChannelLayer
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils.translation import gettext as _

from groups.policy import Verdict
from supportgroups import live
from supportgroups.degrade import when_cache_is_down
from supportgroups.models import User
from supportgroups.ratelimits import within_rate

from .limits import TokenBucket, chat_bucket, frame_bucket
from .services import unstorable

logger = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
# Too many sockets opened by one person in a minute; the page waits longer before trying again.
CLOSE_TOO_MANY_CONNECTS = 4429
# A client whose frames keep being refused for want of a token (CHAT_FLOOD_STRIKES refusals, then
# more than one a second): closed, so that one script cannot keep the server busy with refusals.
CLOSE_FLOODING = 4430
# The channel layer (Redis) cannot be reached: "try again later". Not the standard 1013, which
# daphne's websocket library refuses to send (it allows only 1000 and 3000-4999).
CLOSE_TRY_AGAIN = 4503
# "X is typing" goes out at most this often per socket, however often the page says so.
TYPING_EVERY_SECONDS = 2
# An id beyond PostgreSQL's integer range names nothing; read as absent rather than sent to
# the database, which would refuse it with an error.
MAX_ID = 2**31 - 1


class Refusal(NamedTuple):
    """Why a frame the client sent cannot be used, for the error frame."""

    code: str
    message: str
    content: dict[str, Any]  # what could be read of it, to echo its type and client id


def _int_or_none(value: object) -> int | None:
    if not isinstance(value, str | int | float):  # what JSON and a query string hold
        return None
    try:
        number = int(value)
    except (ValueError, OverflowError):
        return None
    return number if -MAX_ID <= number <= MAX_ID else None


def as_int(value: object, default: int = 0) -> int:
    """A number the client sent (an id, a count), or ``default`` for anything else."""
    number = _int_or_none(value)
    return default if number is None else number


def query_int(scope: Mapping[str, Any], name: str) -> int | None:
    """A number from the socket's address (?last_seen_id=...), None if absent or unreadable."""
    values = parse_qs(scope.get("query_string", b"").decode()).get(name)
    return _int_or_none(values[0]) if values else None


def _not_json(constant: str) -> float:
    raise ValueError(f"{constant} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e999
        raise ValueError(f"{text} is out of range")
    return number


def _parse(text: str) -> dict[str, Any] | None:
    """The frame as a dict, or None for anything that is not a JSON object: Infinity and NaN
    (Python accepts them, JSON does not) and nesting deep enough to exhaust the parser included.
    """
    try:
        content = json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except (ValueError, RecursionError):
        return None
    return content if isinstance(content, dict) else None


def _holds_unstorable_text(content: dict[str, Any]) -> bool:
    """Whether any key or value, however deep, is text PostgreSQL cannot hold."""
    pending: list[object] = [content]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and unstorable(value):
            return True
    return False


def read_frame(text: str | None, max_length: int) -> dict[str, Any] | Refusal:
    """The client's frame as a JSON object whose text PostgreSQL can store, or why not."""
    unreadable = Refusal("bad_request", _("The chat could not read that."), {})
    if text is None:
        return unreadable
    if len(text) > max_length * 4:
        return Refusal("too_long", _("That message is far too long."), {})
    content = _parse(text)
    if content is None:
        return unreadable
    if _holds_unstorable_text(content):
        return Refusal(
            "bad_text",
            _("The message holds a character that cannot be stored. Please remove it."),
            content,
        )
    return content


def echo(value: object) -> str | None:
    """A field of the client's frame said back in an error frame: only short text."""
    return value[:100] if isinstance(value, str) else None


def write_frame(verdict: Verdict) -> dict[str, Any]:
    """What the page needs to enable its message box, or to disable it and say why."""
    return {
        "allowed": verdict.allowed,
        "code": verdict.code,
        "reason": verdict.reason,
        "until": verdict.until.isoformat() if verdict.until else None,
    }


def signed_out() -> Verdict:
    """Signed out everywhere, suspended, or the password changed (in this browser too: Django
    gave it a new session, which a reload picks up)."""
    return Verdict(
        allowed=False,
        code="signed_out",
        reason=_("Your session has ended. Reload the page to sign in again."),
    )


# --- sockets opened per person ----------------------------------------------------------------


@when_cache_is_down(True)
def _connects_allowed(key: str) -> bool:
    """At most CHAT_CONNECTS_PER_MINUTE sockets opened per person per minute, across servers:
    a reconnect loop (or a script) must not hammer the database with catch-ups."""
    return within_rate(key, limit=settings.CHAT_CONNECTS_PER_MINUTE, window=60)


@when_cache_is_down(None)
def _connect_not_counted(key: str) -> None:
    """A socket turned away because the channel layer is down cost no catch-up; the page retries
    every few seconds through an outage, which must not use up the person's allowance."""
    with contextlib.suppress(ValueError):  # the minute ran out meanwhile
        cache.decr(key)


@when_cache_is_down(None)
def _bar_connects(key: str) -> None:
    """A person whose socket was closed for flooding opens no other for a minute: each new
    socket costs a catch-up, and its flood is read before it can be refused. A page waits a
    minute after that close anyway."""
    cache.set(key, settings.CHAT_CONNECTS_PER_MINUTE, timeout=60)


# --- the relay ----------------------------------------------------------------------------------


@dataclass(eq=False)
class _Relay:
    """One group's subscription in this process, and the sockets that hear it."""

    layer: BaseChannelLayer
    group: str
    # Insertion-ordered, so sockets hear an event in the order they joined.
    sockets: dict["LiveSocket", None] = field(default_factory=dict)
    channel: str = ""
    subscribed: "asyncio.Future[None] | None" = None
    reading: "asyncio.Task[None] | None" = None

    async def subscribe(self) -> None:
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        self.reading = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while True:
            event = await self.layer.receive(self.channel)
            for socket in list(self.sockets):
                try:
                    await socket.hear(event)
                except Exception:  # one socket's failure must not silence the others
                    logger.exception("A socket could not take its group's event.")

    async def unsubscribe(self) -> None:
        if self.subscribed is not None:
            await asyncio.wait([self.subscribed])
        if self.reading is not None:
            # The layer forgets the relay's channel when its receive is cancelled; waited for,
            # so that the event loop does not end in the middle of it.
            self.reading.cancel()
            await asyncio.wait([self.reading])
        if self.channel:
            with contextlib.suppress(*live.LAYER_ERRORS):  # Redis drops it with the connection
                await self.layer.group_discard(self.group, self.channel)


# Per event loop (tests run several, one after another), then per (layer, group).
_relays: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[int, str], _Relay]]"
_relays = weakref.WeakKeyDictionary()


async def join(layer: BaseChannelLayer, group: str, socket: "LiveSocket") -> None:
    """Have ``socket`` hear ``group``'s events from now on (once this returns)."""
    relays = _relays.setdefault(asyncio.get_running_loop(), {})
    relay = relays.get((id(layer), group))
    if relay is None:
        relay = relays[id(layer), group] = _Relay(layer, group)
        relay.subscribed = asyncio.ensure_future(relay.subscribe())
    relay.sockets[socket] = None
    assert relay.subscribed is not None
    try:
        await asyncio.shield(relay.subscribed)
    except BaseException:
        if relay.subscribed.done() and relays.get((id(layer), group)) is relay:
            del relays[id(layer), group]  # failed: the next socket tries again
        await leave(layer, group, socket)
        raise


async def leave(layer: BaseChannelLayer, group: str, socket: "LiveSocket") -> None:
    """``socket`` hears no more of ``group``; the last one out ends the subscription."""
    relays = _relays.get(asyncio.get_running_loop(), {})
    relay = relays.get((id(layer), group))
    if relay is None or socket not in relay.sockets:
        return
    del relay.sockets[socket]
    if relay.sockets:
        return
    del relays[id(layer), group]
    await relay.unsubscribe()


# --- the socket ---------------------------------------------------------------------------------


class LiveSocket(AsyncJsonWebsocketConsumer):
    """A socket that hears one group's frames (``hear_group``) and re-checks its person's access.

    Each subclass says what the person may do now (``recheck``), and calls ``listen()`` once it
    has sent its welcome. Events for the group arrive through the relay, in order, and are
    forwarded as they are (encoded once by their sender) when the last access check is recent;
    otherwise, and while the socket is busy with a frame of its own, they wait in a backlog that
    the socket forwards, in order, once it has checked again. So a room's sockets never queue
    behind one another's database calls, and a page never hears a room frame before its welcome
    or in the middle of answering it.
    """

    user: User
    user_id = 0  # the person's, read once: `user` may be the lazy object the scope holds
    hear_group = ""  # set by load()
    accepted = False
    joined = False  # the person's group (and, through the relay, hear_group)
    checked_at = 0.0
    write: Verdict | None = None  # the last answer to "may they write", as the page was told
    last_typing = 0.0  # when this socket last told the others its person is typing

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.backlog: collections.deque[dict[str, Any]] = collections.deque()
        self.busy = 0  # handling one of its own frames or events
        self.listening = False
        self.forwarding: asyncio.Task[None] | None = None
        # Asked for every room event: read from the settings once.
        self.trust_seconds: float = settings.CHAT_ACCESS_RECHECK_SECONDS
        self.bucket = chat_bucket()  # actions that read or write the database
        self.frames = frame_bucket()  # every frame
        self.refusals = TokenBucket(capacity=settings.CHAT_FLOOD_STRIKES, rate=1.0)
        self.told = False  # of the current run of refused frames

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Without the channel layer (Redis down) a socket can neither join its group nor hear
        it: close with "try again later" (the page retries within seconds) and log the outage
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
                await database_sync_to_async(_connect_not_counted)(self.connects_key())
            else:  # the layer failed before the handshake: accept, or the code is not seen
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN})
        finally:
            await self.stop_listening()

    # --- what each kind of socket says -------------------------------------------------------
    def connects_key(self) -> str:
        """Where the person's sockets of this kind opened this minute are counted."""
        raise NotImplementedError

    def load(self, route: dict[str, Any]) -> bool:
        """Find what the socket's address names and set ``hear_group``; False if it names
        nothing this person may read (in a worker thread)."""
        raise NotImplementedError

    def welcome(self, last_seen: int | None, revision: int) -> dict[str, Any]:
        """The first frame: the state and the messages the client lacks since ``last_seen``
        (and ``revision``), or the recent page without one (in a worker thread)."""
        raise NotImplementedError

    def recheck(self) -> tuple[Verdict, Verdict]:
        """(may they still read, may they write), for the person read afresh (in a worker
        thread)."""
        raise NotImplementedError

    def typing_verdict(self) -> Verdict:
        """May the person show the others they are typing now: whether they may write (in a
        worker thread)."""
        raise NotImplementedError

    async def welcomed(self) -> None:
        """What follows the welcome."""

    async def left(self) -> None:
        """What follows leaving the groups."""

    # --- connection ---------------------------------------------------------------------------
    async def connect(self) -> None:
        if not await self.admit():
            return
        if not await database_sync_to_async(self.load)(self.scope["url_route"]["kwargs"]):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.checked_at = time.monotonic()  # load() has just asked
        await self.accept()
        await self.listen()
        await self.channel_layer.group_add(live.person_group(self.user.pk), self.channel_name)
        self.joined = True
        live.outage.answered()
        welcome = await database_sync_to_async(self.welcome)(
            query_int(self.scope, "last_seen_id"), query_int(self.scope, "rev") or 0
        )
        await self.send_json(welcome)
        await self.welcomed()

    async def disconnect(self, code: int) -> None:
        await self.stop_listening()
        if not self.joined:
            return
        self.joined = False
        try:
            await self.channel_layer.group_discard(
                live.person_group(self.user.pk), self.channel_name
            )
        except live.LAYER_ERRORS as error:  # Redis drops a lost connection's subscriptions
            live.outage.failed(error, "new sockets are turned away;")
            return
        await self.left()

    async def admit(self) -> bool:
        """Whether the person may open one more socket of this kind this minute; if not, the
        socket is accepted (so that the page sees the code and backs off) and closed."""
        person = self.scope.get("user")
        if isinstance(person, User) and person.is_authenticated:
            self.user, self.user_id = person, person.pk
            if not await database_sync_to_async(_connects_allowed)(self.connects_key()):
                await self.accept()
                await self.close(code=CLOSE_TOO_MANY_CONNECTS)
                return False
            return True
        await self.close(code=CLOSE_FORBIDDEN)
        return False

    async def accept(
        self, subprotocol: str | None = None, headers: list[tuple[str, str]] | None = None
    ) -> None:
        await super().accept(subprotocol, headers)
        self.accepted = True

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        await self.stop_listening()
        await super().close(code, reason)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Handle one of the socket's own events (a frame from the client, an event on the
        person's group), holding the group's frames back meanwhile; and without channels'
        per-event hop to the database thread: AsyncConsumer.dispatch runs close_old_connections
        in the single thread-sensitive worker before every event. Every database call here goes
        through database_sync_to_async, which closes old connections itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        self.busy += 1
        try:
            await handler(message)
        finally:
            self.busy -= 1
            self._forward_backlog()

    # --- the group's frames -------------------------------------------------------------------
    async def listen(self) -> None:
        """Hear ``hear_group`` through this process's relay. Joined before the catch-up is read:
        a message saved in between arrives twice at worst, and the client drops the duplicate by
        id; what arrives before the welcome waits in the backlog (connect() runs in dispatch)."""
        await join(self.channel_layer, self.hear_group, self)
        self.listening = True

    async def stop_listening(self) -> None:
        self.backlog.clear()
        if self.forwarding is not None and self.forwarding is not asyncio.current_task():
            self.forwarding.cancel()
        if self.listening:
            self.listening = False
            await leave(self.channel_layer, self.hear_group, self)

    async def hear(self, event: dict[str, Any]) -> None:
        """An event for the group, from the relay: forwarded now if nothing is waiting, this
        socket is idle and its last access check is recent."""
        if event.get("not_to") == self.user_id:  # "X is typing", to X
            return
        if self.backlog or self.busy or not self._trusted():
            self.backlog.append(event)
            self._forward_backlog()
            return
        await self.send(text_data=event["text"])

    def _forward_backlog(self) -> None:
        if self.backlog and not self.busy and self.forwarding is None and self.listening:
            self.forwarding = asyncio.ensure_future(self._forward_waiting())

    async def _forward_waiting(self) -> None:
        try:
            while self.backlog and not self.busy:
                if not await self.still_allowed():
                    self.backlog.clear()
                    return
                if self.busy:  # a frame of its own came in meanwhile: forwarded after it
                    return
                # Taken off only once sent: what arrives meanwhile queues behind it.
                await self.send(text_data=self.backlog[0]["text"])
                self.backlog.popleft()
        except Exception as error:
            # Unchecked, the waiting frames must not go out (nor the check be asked again in a
            # loop): the page reconnects, is checked on the way in and catches up.
            logger.warning("A socket could not check its access again: %r", error)
            await self.close(code=CLOSE_TRY_AGAIN)
        finally:
            self.forwarding = None
            self._forward_backlog()

    async def tell_typing(self, frame: dict[str, Any]) -> None:
        """Hand ``frame`` ("X is typing") to the group's other sockets: at most one every
        TYPING_EVERY_SECONDS, only while the person may write, never stored, and never to the
        person's own sockets (see ``hear``)."""
        now = time.monotonic()
        if now - self.last_typing < TYPING_EVERY_SECONDS or not await self.still_allowed():
            return
        self.last_typing = now
        verdict = await database_sync_to_async(self.typing_verdict)()
        if not verdict:
            await self.error(verdict.code, verdict.reason, {"type": "typing"})
            return
        event = {"type": "typing.frame", "text": json.dumps(frame), "not_to": self.user.pk}
        await self.channel_layer.group_send(self.hear_group, event)

    # --- the access re-check ------------------------------------------------------------------
    def _trusted(self, trust: float | None = None) -> bool:
        if trust is None:
            trust = self.trust_seconds
        return time.monotonic() - self.checked_at < trust

    async def still_allowed(self, *, trust: float | None = None) -> bool:
        """Re-check access unless the last check is younger than ``trust`` seconds: by default
        CHAT_ACCESS_RECHECK_SECONDS, 0 for a write.

        Asking the database for every event costs queries per socket per message, which held a
        200-person room to about 2 messages a second (see bench/chat.py). Writes are always
        checked afresh under their lock, and every change of access sends "access.changed",
        which asks afresh at once; the window is only the net under those. The page's heartbeat
        renews it, so that a room's sockets re-check one by one, each at its own beat, rather
        than all on the same message once their windows run out together.
        """
        if self._trusted(trust):
            return True
        asked_at = time.monotonic()
        verdicts = await database_sync_to_async(self.recheck)()
        self.checked_at = asked_at  # only once answered: a check that failed trusts nothing
        return await self.take_verdicts(*verdicts)

    async def take_verdicts(self, read: Verdict, write: Verdict) -> bool:
        """Act on a re-check's answers: close, or tell the page whether it may write."""
        if not read:
            await self.send_json({"type": "closed", "message": read.reason})
            await self.close(code=CLOSE_FORBIDDEN)
            return False
        if write != self.write:
            self.write = write
            await self.send_json({"type": "write", "write": write_frame(write)})
        return True

    def reread_person(self) -> User | None:
        """The person as a page would see them now: their session read again from the store
        (ended by "sign out everywhere" or a suspension: gone; after a password change: a
        stale hash) and their account from the database. None if either no longer holds."""
        engine = import_module(settings.SESSION_ENGINE)
        session = engine.SessionStore(self.scope["session"].session_key)
        user = auth.get_user(SimpleNamespace(session=session))  # type: ignore[arg-type]
        if isinstance(user, AnonymousUser) or user.pk != self.user.pk:
            return None
        self.user = user
        return user

    async def access_changed(self, event: dict[str, Any]) -> None:
        await self.still_allowed(trust=0)

    # --- frames from the client ---------------------------------------------------------------
    def longest_message(self) -> int:
        """The longest message this kind of socket takes, in characters."""
        raise NotImplementedError

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        """Every frame, readable or not, costs a token first; then it must be a JSON object
        whose text PostgreSQL can store. Anything else is answered with an error frame."""
        if not await self.take_frame_token():
            return
        content = read_frame(text_data, self.longest_message())
        if isinstance(content, Refusal):
            await self.error(*content)
            return
        await self.receive_json(content)

    async def take_frame_token(self) -> bool:
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
            logger.info("Socket of user %s closed for flooding.", self.user.pk)
            await self.close(code=CLOSE_FLOODING)
            await database_sync_to_async(_bar_connects)(self.connects_key())
            # Leave now and stop: what it sent meanwhile is never read (dropping each frame
            # still cost a dispatch, seconds' worth for a fast flooder).
            await self.disconnect(CLOSE_FLOODING)
            raise StopConsumer
        if not self.told:
            self.told = True
            await self.error(
                "rate_limited",
                _("You are sending very quickly. Please wait a few seconds and try again."),
                {},
            )
        return False

    async def error(self, code: str, message: str, content: dict[str, Any]) -> None:
        await self.send_json(
            {
                "type": "error",
                "code": code,
                "message": message,
                "action": echo(content.get("type")),
                "client_msg_id": echo(content.get("client_msg_id")),
            }
        )
