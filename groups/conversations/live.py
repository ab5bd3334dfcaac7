"""Telling people live: frames to a conversation's open sockets (through supportgroups.live,
after the write has committed) and the header's unread count.

Each open socket of a conversation listens on its group (`Conversation.channel_group`) for
"conversation.frame" events, and on its person's group (supportgroups.live.person_group) for
"access.changed": a block, a suspension, a memorial, a sanction, leaving the group.
"""

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from supportgroups import live
from supportgroups.models import User

from . import selectors
from .models import Conversation


def send(
    conversation: Conversation, frame: dict[str, Any], *, not_to: int | None = None
) -> live.Delivery:
    """Hand `frame` to everyone's open socket (but those of the person `not_to`) once
    committed, encoded to JSON once here."""
    event = {"type": "conversation.frame", "text": json.dumps(frame), "not_to": not_to}
    return live.send_on_commit(conversation.channel_group, event)


def _generation_key(user_id: int) -> str:
    return f"conversations:unread-generation:{user_id}"


def unread_count(user: User) -> live.Kept[int]:
    """The header's count: kept in the cache beside the generations it was worked out under:
    the person's conversations' (moved by every service here that can change the count:
    `unread_counts_changed`) and their access's (moved by `supportgroups.live.access_changed`:
    joining or leaving a group, becoming a facilitator, a sanction). A page pays for it only
    after a change, an emptied cache, or CONVERSATIONS_UNREAD_CACHE_FOR (the net for changes
    made around the services)."""
    return live.Kept(
        user.pk,
        "conversations:unread",
        lambda: selectors.unread_total(user=user),
        seconds=settings.CONVERSATIONS_UNREAD_CACHE_FOR.total_seconds(),
        also=[_generation_key(user.pk)],
    )


def count_at_sign_in(sender: Any, user: User, **kwargs: Any) -> None:
    """On signing in (user_logged_in): the header's count is worked out then, if it is not
    kept already, rather than by the first page."""
    unread_count(user).value()


def unread_counts_changed(user_ids: Iterable[int | None]) -> None:
    """These people's header counts may have moved: they are worked out again at their next
    page, once the change has committed."""
    live.generations_moved(_generation_key(pk) for pk in user_ids if pk is not None)
