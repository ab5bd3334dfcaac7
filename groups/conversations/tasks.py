"""Celery tasks: thin wrappers that take ids and call a service. Nobody reads their results."""

from celery import shared_task

from . import emails


@shared_task(ignore_result=True)
def scan_unread() -> int:
    """Beat, every minute: claim who has waited long enough and enqueue their email."""
    return len(emails.scan_unread())


@shared_task(ignore_result=True)
def email_unread(user_id: int, conversation_ids: list[int]) -> bool:
    return emails.email_unread(user_id=user_id, conversation_ids=conversation_ids)
