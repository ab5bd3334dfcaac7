"""Reads for chat rooms, and the plain dicts that go over the websocket."""

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ChatMessage, ChatRoom, RoomMute


def _visible_to(room: ChatRoom, user) -> QuerySet[ChatMessage]:
    """Shown messages, plus the person's own messages waiting for a facilitator."""
    return (
        ChatMessage.objects.filter(room=room, is_hidden=False)
        .filter(Q(is_held=False) | Q(author_id=user.pk))
        .select_related("author")
    )


def recent_messages(*, room: ChatRoom, user, limit: int | None = None) -> list[ChatMessage]:
    """The last ``limit`` messages, oldest first: what a fresh page or socket starts with."""
    limit = limit or settings.CHAT_HISTORY_PAGE
    return list(reversed(_visible_to(room, user).order_by("-sequence")[:limit]))


def messages_before(*, room: ChatRoom, user, before: int) -> list[ChatMessage]:
    """One page of older history (scrolling up), oldest first."""
    page = _visible_to(room, user).filter(sequence__lt=before).order_by("-sequence")
    return list(reversed(page[: settings.CHAT_HISTORY_PAGE]))


def messages_after(*, room: ChatRoom, user, after: int, limit: int) -> list[ChatMessage]:
    """What a reconnecting client missed, oldest first, at most ``limit`` of them."""
    return list(_visible_to(room, user).filter(sequence__gt=after).order_by("sequence")[:limit])


def changes_since(
    *, room: ChatRoom, user, up_to: int, revision: int, limit: int
) -> tuple[list, list[int]] | None:
    """Edits and removals, since ``revision``, of messages the client already had.

    Returns (changed messages to show, ids to take away), or None when there are more than
    ``limit`` of them and the client had better start again from the recent page.
    """
    changed = list(
        ChatMessage.objects.filter(room=room, sequence__lte=up_to, revision__gt=revision)
        .select_related("author")
        .order_by("sequence")[: limit + 1]
    )
    if len(changed) > limit:
        return None
    shown, gone = [], []
    for message in changed:
        if message.is_hidden or (message.is_held and message.author_id != user.pk):
            gone.append(message.sequence)
        else:
            shown.append(message)
    return shown, gone


def active_mute(*, room: ChatRoom, user) -> RoomMute | None:
    return RoomMute.objects.filter(room=room, user_id=user.pk, until__gt=timezone.now()).first()


def serialize_message(message: ChatMessage) -> dict:
    author = message.author
    return {
        "id": message.sequence,
        "rev": message.revision,
        "author": author.display_name if author else _("Former member"),
        "author_id": message.author_id,
        "body": message.body,
        "created": message.created_at.isoformat(),
        "edited": message.edited_at is not None,
        "held": message.is_held,
        "client_msg_id": str(message.client_msg_id),
    }


def serialize_room(room: ChatRoom) -> dict:
    live = room.live_facilitator
    return {
        "locked": room.is_locked,
        "ended": room.is_ended,
        "live_with": live.display_name if live else None,
        "last_revision": room.last_revision,
    }
