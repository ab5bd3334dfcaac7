"""Who is in a room now, kept in the cache (Redis in production) and never in the database.

One cache entry per room maps each open socket to (user id, name, last heartbeat). Sockets send a
heartbeat every CHAT_HEARTBEAT_SECONDS; entries older than CHAT_PRESENCE_TTL_SECONDS are dropped
on every update (a server that died without saying goodbye), and the whole entry expires with the
same timeout. Two servers writing at once may drop one update; the next heartbeat restores it.

Changes are announced to the room at most once per CHAT_PRESENCE_ANNOUNCE_SECONDS: when many
people arrive at once (the start of a session) a broadcast per arrival would cost n² frames. Every
heartbeat reply carries the list too, so a skipped announcement is caught up within one beat.
"""

import time

from django.conf import settings
from django.core.cache import cache

from supportgroups.degrade import when_cache_is_down

# channel name -> (user id, display name, time of the last heartbeat)
Entries = dict[str, tuple[int, str, float]]
# Without the cache nobody is listed and nothing is announced; chat itself goes on.
NOBODY_HERE: tuple[bool, list[str]] = (False, [])


def _key(room_id: int) -> str:
    return f"chat:presence:{room_id}"


def _fresh(entries: Entries) -> Entries:
    oldest = time.time() - settings.CHAT_PRESENCE_TTL_SECONDS
    return {channel: entry for channel, entry in entries.items() if entry[2] >= oldest}


def names(entries: Entries) -> list[str]:
    return sorted({entry[1] for entry in entries.values()}, key=str.casefold)


def _may_announce(room_id: int) -> bool:
    seconds = settings.CHAT_PRESENCE_ANNOUNCE_SECONDS
    return cache.add(f"chat:presence-announced:{room_id}", 1, seconds)


@when_cache_is_down(NOBODY_HERE)
def touch(*, room_id: int, channel: str, user_id: int, name: str) -> tuple[bool, list[str]]:
    """Record a heartbeat. Returns (whether to announce a change to the room, the people here)."""
    entries: Entries = cache.get(_key(room_id)) or {}
    before = names(entries)
    entries = _fresh(entries)
    entries[channel] = (user_id, name, time.time())
    cache.set(_key(room_id), entries, timeout=settings.CHAT_PRESENCE_TTL_SECONDS)
    after = names(entries)
    return before != after and _may_announce(room_id), after


@when_cache_is_down(NOBODY_HERE)
def leave(*, room_id: int, channel: str) -> tuple[bool, list[str]]:
    """Forget a closed socket. Returns (whether to announce, who is still here)."""
    entries: Entries = cache.get(_key(room_id)) or {}
    before = names(entries)
    entries = _fresh(entries)
    entries.pop(channel, None)
    cache.set(_key(room_id), entries, timeout=settings.CHAT_PRESENCE_TTL_SECONDS)
    after = names(entries)
    return before != after and _may_announce(room_id), after
