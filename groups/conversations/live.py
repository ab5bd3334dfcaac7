"""Telling people live: frames to a conversation's open sockets (through supportgroups.live,
after the write has committed) and the header's unread count.

Each open socket of a conversation listens on its group (`Conversation.channel_group`) for
"conversation.frame" events, and on its person's group (supportgroups.live.person_group) for
"access.changed": a block, a suspension, a memorial, a sanction, leaving the group.
"""

import json
from typing import Any

from django.core.cache import cache
from django.db import transaction

from supportgroups import live
from supportgroups.degrade import when_cache_is_down
from supportgroups.models import User

from . import selectors
from .models import Conversation


def send(conversation: Conversation, frame: dict[str, Any]) -> live.Delivery:
    """Hand `frame` to everyone's open socket once committed, encoded to JSON once here."""
    event = {"type": "conversation.frame", "text": json.dumps(frame)}
    return live.send_on_commit(conversation.channel_group, event)


def _unread_key(user_id: int) -> str:
    return f"conversations:unread:{user_id}"


@when_cache_is_down(0)
def unread_count(user_id: int) -> int:
    """The header's count, kept in the cache so that no page pays a query for it. It is
    worked out again whenever something changes it for the person; until then (a new team
    member, an emptied cache) the header shows none and the inbox is always right."""
    return cache.get(_unread_key(user_id)) or 0


@when_cache_is_down(None)
def _store_unread_counts(user_ids: set[int]) -> None:
    for user in User.objects.filter(pk__in=user_ids):
        cache.set(_unread_key(user.pk), selectors.unread_total(user=user), timeout=None)


def refresh_unread_counts(user_ids) -> None:
    """Work out these people's header counts again once the change has committed."""
    ids = {pk for pk in user_ids if pk is not None}
    if ids:
        transaction.on_commit(lambda: _store_unread_counts(ids), robust=True)
