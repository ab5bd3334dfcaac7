"""Celery tasks: thin wrappers that take ids, enqueued by groups.services on commit."""

from celery import shared_task

from . import emails


@shared_task
def send_membership_event_email(event_id: int) -> int:
    return emails.send_event_emails(event_id=event_id)
