"""Telling people live: frames to a conversation's open sockets, re-checks to a person's
sockets, and the header's unread count. Everything is sent after the write has committed.

Frames go out through chat's machinery (one encoded event per conversation, saved first, the
outage logged once while Redis is down): a conversation is a small room with its own readers.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction

from groups.chat.services import LAYER_ERRORS, Broadcast, live_outage
from groups.chat.services import _send_on_commit as send_frame_on_commit
from supportgroups.degrade import when_cache_is_down
from supportgroups.models import User

from . import selectors
from .models import Conversation


def user_group_name(user_id: int) -> str:
    """Every open conversation socket of one person listens here."""
    return f"conversations.user.{user_id}"


def send(conversation: Conversation, frame: dict) -> Broadcast:
    return send_frame_on_commit(conversation.channel_group, frame)


def recheck_user_sockets(user_id: int) -> None:
    """Each open socket of this person reads their access afresh (supportgroups.access runs
    this after a suspension, memorial, sign-out everywhere, sanction or block commits)."""
    try:
        async_to_sync(get_channel_layer().group_send)(
            user_group_name(user_id), {"type": "conversation.recheck"}
        )
    except LAYER_ERRORS as error:
        live_outage.failed(error, "a re-check is not sent; sockets re-check on their own;")


def recheck_after_leaving(user_id: int, group_id: int) -> None:
    """groups.services calls this (inside its transaction) when someone leaves a group."""
    transaction.on_commit(lambda: recheck_user_sockets(user_id), robust=True)
    refresh_unread_counts({user_id})


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
