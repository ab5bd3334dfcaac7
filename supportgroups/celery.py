"""The Celery app. Tasks are thin wrappers that take ids and call a service
(see docs/architecture.md)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportgroups.settings")

app = Celery("supportgroups")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _require_secret_key(**kwargs) -> None:
    from .startup import require_secret_key

    require_secret_key()
