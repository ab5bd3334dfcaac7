from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Every app's moderation.py: its adapters, and groups' scope (who moderates what).
        from django.contrib.auth.signals import user_logged_in

        from . import adapters
        from .context_processors import queue_link_at_sign_in

        adapters.autodiscover()
        user_logged_in.connect(
            queue_link_at_sign_in, dispatch_uid="moderation_queue_link_at_sign_in"
        )
