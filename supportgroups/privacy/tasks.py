"""Thin Celery tasks: they take ids and call a service."""

from celery import shared_task
from django.conf import settings

from . import export, services


@shared_task
def build_export_task(export_id: int) -> None:
    export.build_export(export_id=export_id)


@shared_task
def purge_expired_exports_task() -> None:
    export.purge_expired(max_age=settings.DATA_EXPORT_LINK_MAX_AGE)


@shared_task
def memorial_hooks_task(user_id: int) -> None:
    services.run_memorial_hooks(user_id=user_id)
