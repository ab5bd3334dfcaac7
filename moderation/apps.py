from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Every app's moderation.py: its adapters, and groups' scope (who moderates what).
        from . import adapters

        adapters.autodiscover()
