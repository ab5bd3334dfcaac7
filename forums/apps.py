from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = "Forums"

    def ready(self) -> None:
        from moderation.registry import register_reportable

        from . import permissions
        from .models import Post

        register_reportable(Post, can_report=permissions.can_report_post)
