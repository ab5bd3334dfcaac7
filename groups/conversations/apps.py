from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    """Private conversations: a member and a group's facilitators (or the site moderators) as
    a team, and members with each other by consent. A part of groups/ with its own migrations."""

    name = "groups.conversations"
    label = "conversations"
    verbose_name = "Private conversations"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .live import count_at_sign_in

        user_logged_in.connect(count_at_sign_in, dispatch_uid="conversations_count_at_sign_in")
