from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    """Private conversations: a member and a group's facilitators (or the site moderators) as
    a team, and members with each other by consent. A part of groups/ with its own migrations."""

    name = "groups.conversations"
    label = "conversations"
    verbose_name = "Private conversations"

    def ready(self) -> None:
        from groups.services import register_access_revoked
        from supportgroups.access import register_access_changed

        from . import moderation  # noqa: F401 - registers messages as reportable
        from .live import recheck_after_leaving, recheck_user_sockets

        # Suspension, memorial, sign-out everywhere, sanctions and blocks reach open sockets.
        register_access_changed(recheck_user_sockets)
        # Leaving or being removed from a group closes its facilitators' conversation at once.
        register_access_revoked(recheck_after_leaving)
