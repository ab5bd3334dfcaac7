from django.apps import AppConfig
from django.db.models.signals import post_save


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = "Forums"

    def ready(self) -> None:
        from groups.models import SupportGroup

        from .receivers import group_saved

        post_save.connect(group_saved, sender=SupportGroup, dispatch_uid="forums.group_language")
