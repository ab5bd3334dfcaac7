"""Chat asks groups.permissions for everything; this only adapts it for moderation's registry."""

from groups import permissions


def can_report_message(user, message) -> bool:
    return message.is_visible and permissions.can_view_private(user, message.room.group)
