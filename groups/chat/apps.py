from django.apps import AppConfig


class ChatConfig(AppConfig):
    """Live chat rooms: a part of groups/ with its own migrations."""

    name = "groups.chat"
    label = "chat"
    verbose_name = "Chat rooms"
