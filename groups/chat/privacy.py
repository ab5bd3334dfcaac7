"""What chat holds about a person, for export and deletion (supportgroups.privacy.registry).

Messages stay in the room as "Former member"; if the person asks for removal, each message is
taken out of the room live (services.hide_message, which keeps room revisions right for
reconnecting clients) and its words are blanked.
"""

from supportgroups.privacy.registry import register

from . import services
from .models import ChatMessage, ChatRoom

REMOVED_REASON = "Removed with the author's account"


def _export_messages(user, rows):
    return [
        {
            "group": m.room.group.name,
            "body": m.body,
            "created_at": m.created_at,
            "edited_at": m.edited_at,
            "hidden": m.is_hidden,
        }
        for m in rows.select_related("room__group").order_by("created_at")
    ]


def _erase_messages(*, user, placeholder, remove_content):
    if remove_content:
        for message in ChatMessage.objects.filter(author=user, is_hidden=False):
            services.hide_message(message=message, reason=REMOVED_REASON)
        ChatMessage.objects.filter(author=user).update(body="")
    ChatMessage.objects.filter(author=user).update(author=placeholder)


def _erase_live_facilitator(*, user, placeholder, remove_content):
    ChatRoom.objects.filter(live_facilitator=user).update(live_facilitator=None)


register(
    ChatMessage,
    on_delete="anonymise",
    why="A conversation stays readable; messages show Former member (removed on request).",
    export=_export_messages,
    erase=_erase_messages,
)
register(
    ChatRoom,
    on_delete="keep_minimal",
    why="The room belongs to the group; only the live-session marker pointed at the person.",
    export=None,
    erase=_erase_live_facilitator,
)
