"""The Celery app. Tasks are thin wrappers that take ids and call a service
(see docs/architecture.md)."""

import os

from celery import Celery, signals
from celery.contrib.django.task import DjangoTask
from kombu.exceptions import OperationalError

from . import logs  # noqa: F401 - connects the signals that carry request ids into tasks
from .degrade import broker_outage

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportgroups.settings")


class QueuedWhenPossible(DjangoTask):
    """Asking for a task never fails the request that asks: while the broker (Redis) cannot be
    reached the task is not queued, and the outage is logged once. The request's own writes
    have committed by then (tasks are asked for on commit); reminders are offered again by their
    scan, other tasks (notifications) are best effort."""

    def apply_async(self, *args, **kwargs):
        try:
            result = super().apply_async(*args, **kwargs)
        except OperationalError as error:
            broker_outage.failed(error, f"{self.name} is not queued;")
            return None
        broker_outage.answered()
        return result


app = Celery("supportgroups", task_cls=QueuedWhenPossible)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _require_secret_key(**kwargs) -> None:
    from .startup import require_secret_key

    require_secret_key()
