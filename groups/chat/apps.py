from django.apps import AppConfig


class ChatConfig(AppConfig):
    """Live chat rooms: a part of groups/ with its own migrations."""

    name = "groups.chat"
    label = "chat"
    verbose_name = "Chat rooms"

    def ready(self):
        from groups.services import register_access_revoked
        from supportgroups.access import register_access_changed

        from .services import disconnect_user_from_group, recheck_user_sockets

        # Leaving or being removed from a group closes the person's open chat sockets at once.
        register_access_revoked(disconnect_user_from_group)
        # Suspension, memorial, sign-out everywhere, a password change, a staff demotion and
        # every sanction reach the person's open sockets within a second.
        register_access_changed(recheck_user_sockets)
