from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Groups"

    def ready(self) -> None:
        # The table versions the kept parts of the directory and group pages sit beside: every
        # process (a Celery worker, a shell) must know them, so that its writes move them too.
        from . import rendering  # noqa: F401
