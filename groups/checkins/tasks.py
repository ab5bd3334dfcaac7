"""Thin Celery wrappers around the check-in reminders (they take ids)."""

from celery import shared_task

from . import reminders


@shared_task(ignore_result=True)
def scan_check_in_reminders() -> int:
    """Beat, every minute: make the due reminder rows and enqueue one send task per row."""
    return len(reminders.scan_due_reminders())


@shared_task(ignore_result=True, acks_late=True)
def send_check_in_reminder(reminder_id: int) -> bool:
    return reminders.send_reminder(reminder_id=reminder_id)
