from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        from django.contrib.auth import get_user_model

        from .profiles import ProfileTarget, can_report_profile
        from .registry import register_reportable

        register_reportable(get_user_model(), can_report=can_report_profile, adapter=ProfileTarget)
