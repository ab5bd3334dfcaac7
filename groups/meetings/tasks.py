"""Celery tasks: thin wrappers that take ids and call a service. Nobody reads their results."""

import datetime as dt

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from . import notifications, reminders, services
from .models import MeetingSeries


@shared_task(ignore_result=True)
def scan_reminders() -> int:
    """Beat, every minute: find due reminders and enqueue one send task per delivery row."""
    return len(reminders.scan_due_reminders())


@shared_task(ignore_result=True)
def send_reminder(delivery_id: int) -> bool:
    return reminders.send_delivery(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def send_change_notices(occurrence_id: int, change: str) -> int:
    return notifications.notify_of_change(occurrence_id=occurrence_id, change=change)


@shared_task(ignore_result=True)
def materialise_all() -> int:
    """Beat, hourly: keep every running series' occurrences filled to the horizon."""
    running = MeetingSeries.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=timezone.now().date() - dt.timedelta(days=1)),
        group__is_archived=False,
    ).select_related("group")
    count = 0
    for series in running.iterator():
        services.materialise_occurrences(series=series)
        count += 1
    return count
