"""Reads for chat rooms, and the plain dicts that go over the websocket."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from groups.selectors import facilitators_of
from moderation.models import ReviewItem
from supportgroups.models import User
from supportgroups.prepared import Prepared

from .models import ChatMessage, ChatRoom


def _with_group(room_id: int, *, locked: bool) -> QuerySet[ChatRoom]:
    rooms = ChatRoom.objects.select_related("group").filter(pk=room_id)
    return rooms.select_for_update() if locked else rooms


# Read for every message written and every socket's re-check and heartbeat: compiled once.
_ROOM = Prepared(_with_group)
_LAST_SEQUENCE = Prepared(
    lambda room_id: ChatRoom.objects.filter(pk=room_id).values_list("last_sequence", flat=True)
)


def room(room_id: int, *, locked: bool = False) -> ChatRoom:
    """The room and its group as they are now; ``locked``: with the room's row locked until the
    transaction ends, for a write."""
    for found in _ROOM(room_id, locked=locked):
        return found
    raise ChatRoom.DoesNotExist


def last_sequence(room_id: int) -> int:
    """The sequence number of the room's latest message."""
    for sequence in _LAST_SEQUENCE(room_id):
        return sequence
    raise ChatRoom.DoesNotExist


def carried_a_crisis(*, room: ChatRoom, since: datetime) -> bool:
    """Whether a message written in the room since then opened a crisis item (crisis words,
    or a member reported as at risk)."""
    said = ChatMessage.objects.filter(room=room, created_at__gte=since).values("pk")
    return ReviewItem.objects.filter(
        crisis=True,
        content_type=ContentType.objects.get_for_model(ChatMessage),
        object_id__in=Subquery(said),
    ).exists()


def _with_author_role(messages: QuerySet[ChatMessage], room: ChatRoom) -> QuerySet[ChatMessage]:
    """Mark facilitators' messages in the same query, so a page of history costs no extra one.

    The badge comes from the membership, never from the name: anyone can call themselves
    "Sam (facilitator)", only a real facilitator gets the badge.
    """
    facilitator = facilitators_of(group=room.group_id).filter(pk=OuterRef("author_id"))
    return messages.select_related("author").annotate(author_is_facilitator=Exists(facilitator))


def _visible_to(room: ChatRoom, user: User | AnonymousUser) -> QuerySet[ChatMessage]:
    """Shown messages, plus the person's own messages waiting for a facilitator."""
    shown = ChatMessage.objects.filter(room=room, is_hidden=False).filter(
        Q(is_held=False) | Q(author_id=user.pk)
    )
    return _with_author_role(shown, room)


def recent_messages(
    *, room: ChatRoom, user: User | AnonymousUser, limit: int | None = None
) -> list[ChatMessage]:
    """The last ``limit`` messages, oldest first: what a fresh page or socket starts with."""
    limit = limit or settings.CHAT_HISTORY_PAGE
    return list(reversed(_visible_to(room, user).order_by("-sequence")[:limit]))


def messages_before(
    *, room: ChatRoom, user: User | AnonymousUser, before: int
) -> list[ChatMessage]:
    """One page of older history (scrolling up), oldest first."""
    page = _visible_to(room, user).filter(sequence__lt=before).order_by("-sequence")
    return list(reversed(page[: settings.CHAT_HISTORY_PAGE]))


def messages_after(
    *, room: ChatRoom, user: User | AnonymousUser, after: int, limit: int
) -> list[ChatMessage]:
    """What a reconnecting client missed, oldest first, at most ``limit`` of them."""
    return list(_visible_to(room, user).filter(sequence__gt=after).order_by("sequence")[:limit])


def changes_since(
    *, room: ChatRoom, user: User | AnonymousUser, up_to: int, revision: int, limit: int
) -> tuple[list[ChatMessage], list[int]] | None:
    """Edits and removals, since ``revision``, of messages the client already had.

    Returns (changed messages to show, ids to take away), or None when there are more than
    ``limit`` of them and the client had better start again from the recent page.
    """
    candidates = ChatMessage.objects.filter(room=room, sequence__lte=up_to, revision__gt=revision)
    changed = list(_with_author_role(candidates, room).order_by("sequence")[: limit + 1])
    if len(changed) > limit:
        return None
    shown: list[ChatMessage] = []
    gone: list[int] = []
    for message in changed:
        if message.is_hidden or (message.is_held and message.author_id != user.pk):
            gone.append(message.sequence)
        else:
            shown.append(message)
    return shown, gone


def serialize_message(
    message: ChatMessage, *, is_facilitator: bool | None = None
) -> dict[str, Any]:
    """The frame for one message. Messages from the selectors above carry the facilitator mark
    already, a writer that has read its author's membership passes it; otherwise (another
    broadcast from services) it costs one small query."""
    author = message.author
    if is_facilitator is None:
        is_facilitator = getattr(message, "author_is_facilitator", None)
    if is_facilitator is None:
        is_facilitator = (
            message.author_id is not None
            and facilitators_of(group=message.room.group_id).filter(pk=message.author_id).exists()
        )
    return {
        "id": message.sequence,
        "rev": message.revision,
        "author": author.display_name if author else _("Former member"),
        "author_id": message.author_id,
        "is_facilitator": is_facilitator,
        "body": message.body,
        "created": message.created_at.isoformat(),
        "edited": message.edited_at is not None,
        "held": message.is_held,
        "client_msg_id": str(message.client_msg_id),
    }


def serialize_room(room: ChatRoom) -> dict[str, Any]:
    live = room.live_facilitator
    return {
        "locked": room.is_locked,
        "ended": room.is_ended,
        "live_with": live.display_name if live else None,
        "last_revision": room.last_revision,
    }
