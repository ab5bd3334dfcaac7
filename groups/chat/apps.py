from django.apps import AppConfig


class ChatConfig(AppConfig):
    """Live chat rooms: a part of groups/ with its own migrations."""

    name = "groups.chat"
    label = "chat"
    verbose_name = "Chat rooms"

    def ready(self):
        from moderation.registry import register_reportable

        from .models import ChatMessage
        from .permissions import can_report_message

        # Besides the one-click report in the room, moderation's report form (with a reason)
        # accepts chat messages from anyone who can see them.
        register_reportable(ChatMessage, can_report=can_report_message)
