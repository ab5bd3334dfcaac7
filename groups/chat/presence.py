"""Who is in a room now, kept in Redis (the cache's server) and never in the database.

Each room is one Redis hash with a field per open socket (its channel name): the time of its
last heartbeat, the person's id and their name. A heartbeat writes its own field and reads the
others in one round trip; nothing reads and rewrites the room's whole record, so two servers
never undo each other's updates. Sockets send a heartbeat every CHAT_HEARTBEAT_SECONDS; fields
older than CHAT_PRESENCE_TTL_SECONDS are dropped by the beat that finds them (a server that died
without saying goodbye), and the whole hash expires with the same timeout. Without Redis (the
embedded demo: one process, an in-memory channel layer) the rooms are kept in the process.

Changes are announced to the room at most once per CHAT_PRESENCE_ANNOUNCE_SECONDS: when many
people arrive at once (the start of a session) a broadcast per arrival would cost n² frames. Every
heartbeat reply carries the list too, so a skipped announcement is caught up within one beat.
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

from supportgroups.degrade import when_cache_is_down

# channel name -> (time of the last heartbeat, user id, display name)
Entries = dict[str, tuple[float, int, str]]
# Without the cache nobody is listed and nothing is announced; chat itself goes on.
NOBODY_HERE: tuple[bool, list[str]] = (False, [])

# The rooms of this process, when the cache is not Redis.
_rooms: dict[int, Entries] = {}
_rooms_lock = threading.Lock()


def _key(room_id: int) -> str:
    return f"chat:presence:{room_id}"


def _decode(value: bytes) -> tuple[float, int, str]:
    beat, user_id, name = value.decode().split("|", 2)
    return float(beat), int(user_id), name


def _change(room_id: int, *, put: Entries, drop: list[str]) -> Entries:
    """Write the fields in ``put``, remove those in ``drop``; returns the room as it was."""
    if not isinstance(cache, RedisCache):
        with _rooms_lock:
            entries = _rooms.setdefault(room_id, {})
            before = dict(entries)
            entries.update(put)
            for channel in drop:
                entries.pop(channel, None)
            return before
    key = cache.make_and_validate_key(_key(room_id))
    # Django's Redis client, which django-stubs does not describe: hashes are not in the cache API.
    client = cache._cache.get_client(key, write=True)  # type: ignore[attr-defined]
    pipeline = client.pipeline(transaction=False)
    pipeline.hgetall(key)
    if put:
        fields = {c: f"{beat:.3f}|{user_id}|{name}" for c, (beat, user_id, name) in put.items()}
        pipeline.hset(key, mapping=fields)
        pipeline.expire(key, settings.CHAT_PRESENCE_TTL_SECONDS)
    if drop:
        pipeline.hdel(key, *drop)
    found = pipeline.execute()[0]
    return {channel.decode(): _decode(value) for channel, value in found.items()}


def names(entries: Entries) -> list[str]:
    return sorted({entry[2] for entry in entries.values()}, key=str.casefold)


def _may_announce(room_id: int) -> bool:
    seconds = settings.CHAT_PRESENCE_ANNOUNCE_SECONDS
    return cache.add(f"chat:presence-announced:{room_id}", 1, seconds)


def _after(room_id: int, before: Entries, *, put: Entries, drop: list[str]) -> list[str]:
    """Who is here once the change is made; drops the fields found stale."""
    entries = {**before, **put}
    for channel in drop:
        entries.pop(channel, None)
    oldest = time.time() - settings.CHAT_PRESENCE_TTL_SECONDS
    stale = [channel for channel, entry in entries.items() if entry[0] < oldest]
    if stale:
        _change(room_id, put={}, drop=stale)
        for channel in stale:
            del entries[channel]
    return names(entries)


@when_cache_is_down(NOBODY_HERE)
def touch(*, room_id: int, channel: str, user_id: int, name: str) -> tuple[bool, list[str]]:
    """Record a heartbeat. Returns (whether to announce a change to the room, the people here)."""
    put = {channel: (time.time(), user_id, name)}
    before = _change(room_id, put=put, drop=[])
    after = _after(room_id, before, put=put, drop=[])
    return names(before) != after and _may_announce(room_id), after


@when_cache_is_down(NOBODY_HERE)
def leave(*, room_id: int, channel: str) -> tuple[bool, list[str]]:
    """Forget a closed socket. Returns (whether to announce, who is still here)."""
    before = _change(room_id, put={}, drop=[channel])
    after = _after(room_id, before, put={}, drop=[channel])
    return names(before) != after and _may_announce(room_id), after
