"""Live events: the one way to tell open sockets something, sent once the write has committed.

Zulip's `send_event_on_commit` is the model. A service saves first and calls `send_on_commit`;
the event leaves only after the transaction commits, so a rolled-back change tells nobody and
whoever hears it reads the new state. Events carry ids and frames, never a decision: the socket
that receives one re-checks permission against the database before it shows anything.

Best effort: while the channel layer (Redis) cannot be reached the write still stands, the
outage is logged once (not a traceback per event) and clients catch up from the database when
they reconnect.

Each app's own `live.py` names its channel-layer groups and events (chat rooms in
`groups/chat/live.py`, moderators' dashboards in `moderation/live.py`); the one group every app
may address lives here: a person's own, told when their access may have changed.
"""

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from .degrade import Outage, when_cache_is_down

# What a channel-layer call raises while Redis is down or unreachable.
LAYER_ERRORS = (RedisError, OSError, asyncio.TimeoutError)

outage = Outage("The channel layer", "clients catch up from the database later")


def channel_layer() -> BaseChannelLayer:
    layer = get_channel_layer()
    if layer is None:  # settings always name one: Redis, or in memory for the embedded demo
        raise RuntimeError("no channel layer is configured")
    return layer


class LayerOutageFilter(logging.Filter):
    """channels-redis's pub/sub layer tries its Redis subscription again every second while Redis
    is down and logs a traceback each time; the outage is logged once instead (open chat sockets
    learn of it at their next heartbeat). Named in settings.LOGGING, so this module imports no
    models."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, LAYER_ERRORS):
            outage.failed(error, "open chat sockets are closed at their next heartbeat;")
            return False
        return True


@dataclass
class Delivery:
    """Whether an event reached the channel layer: None until the transaction commits."""

    sent: bool | None = None


def send(group: str, event: dict[str, Any]) -> bool:
    """Hand `event` to every socket in `group` now; says whether the channel layer took it."""
    try:
        async_to_sync(channel_layer().group_send)(group, event)
    except LAYER_ERRORS as error:
        outage.failed(error, f"writes are saved but not sent live ({event['type']});")
        return False
    outage.answered()
    return True


def send_on_commit(group: str, event: dict[str, Any]) -> Delivery:
    """`send` once the surrounding transaction has committed (at once outside one)."""
    delivery = Delivery()

    def deliver() -> None:
        delivery.sent = send(group, event)

    transaction.on_commit(deliver, robust=True)
    return delivery


def person_group(user_id: int) -> str:
    """Every open socket that holds a person's access joins this group and handles
    "access.changed" (the consumer's `access_changed` method) by re-reading the person."""
    return f"person.{user_id}"


def access_generation_key(user_id: int) -> str:
    """A counter in the cache that `access_changed` moves: a value derived from what the
    person may read (the header's unread messages) is kept beside the counter it was worked
    out under, and worked out again once the counter has moved (or the cache was emptied)."""
    return f"access-generation:{user_id}"


T = TypeVar("T")
_NOTHING_KEPT: dict[str, Any] = {}


@when_cache_is_down(_NOTHING_KEPT)
def _kept(keys: list[str]) -> dict[str, Any]:
    return cache.get_many(keys)


@when_cache_is_down(None)
def _keep(key: str, value: Any, seconds: float) -> None:
    cache.set(key, value, timeout=seconds)


class Kept(Generic[T]):
    """A fact derived from what this person may do or has waiting for them (the header's links
    to the moderation queue and the reports, its unread counts, whether they may write on the
    public boards), kept in the cache beside their access generation (and the generations
    named in `also`): worked out again once one has moved, the cache was emptied or `seconds`
    have passed (the net for changes made around the services, in the admin or a shell), and
    every time while the cache is down.

    Worked out when first asked for (`value()`, or as a template's condition), or with others
    in one cache round trip (`kept_together`): the site header asks for all of its own so."""

    def __init__(
        self,
        user_id: int,
        name: str,
        work_out: Callable[[], T],
        *,
        seconds: float,
        also: Sequence[str] = (),
    ) -> None:
        self.keys = [f"{name}:{user_id}", access_generation_key(user_id), *also]
        self.work_out, self.seconds = work_out, seconds
        self._known: tuple[T] | None = None

    def value(self) -> T:
        if self._known is None:
            kept_together([self])
        assert self._known is not None
        return self._known[0]

    def __bool__(self) -> bool:
        return bool(self.value())

    def _from(self, found: dict[str, Any]) -> T:
        generation = tuple(found.get(key, 0) for key in self.keys[1:])
        kept = found.get(self.keys[0])
        if kept is not None and kept[0] == generation:
            value: T = kept[1]
            return value
        # Kept under the generation read before working it out: a change that commits
        # meanwhile moves it, and the next page works it out again.
        value = self.work_out()
        _keep(self.keys[0], (generation, value), self.seconds)
        return value


# A page's context may name, under this key, the Kept facts its template will ask for: the site
# header reads them with its own in one cache round trip.
PAGE_FACTS = "kept_facts"


def kept_together(facts: Sequence[Kept[Any]]) -> None:
    """Each fact not known yet, read from the cache in one round trip (worked out if stale)."""
    unknown = [fact for fact in facts if fact._known is None]
    if not unknown:
        return
    found = _kept(list(dict.fromkeys(key for fact in unknown for key in fact.keys)))
    for fact in unknown:
        fact._known = (fact._from(found),)


def generations_moved(keys: Iterable[str]) -> None:
    """The facts kept beside these generations are worked out again at their next asking,
    once the change has committed."""
    keys = set(keys)

    def bump() -> None:
        for key in keys:
            bump_generation(key)

    if keys:
        transaction.on_commit(bump, robust=True)


@when_cache_is_down(None)
def bump_generation(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # none yet, or the cache was emptied: start one
        if not cache.add(key, 1, timeout=None):
            cache.incr(key)


def access_changed(user_id: int) -> Delivery:
    """What this person may do or read may have changed (suspension, memorial, sign-out
    everywhere, a password or staff change, a sanction or its lifting, joining or leaving a
    group, becoming a facilitator): after commit, each of their open sockets re-reads them,
    their session and their rights, and closes or turns read-only (or writable again); and
    their access generation moves (`access_generation_key`)."""
    key = access_generation_key(user_id)
    transaction.on_commit(lambda: bump_generation(key), robust=True)
    return send_on_commit(person_group(user_id), {"type": "access.changed"})
