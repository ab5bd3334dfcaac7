"""Thin Celery wrappers around emails and the queue (they take ids)."""

from celery import shared_task

from . import emails, queue


@shared_task(acks_late=True)
def alert_crisis(item_id: int) -> int:
    return emails.send_crisis_alert(item_id=item_id)


@shared_task
def escalate_unclaimed_crises() -> int:
    return emails.escalate_unclaimed_crises()


@shared_task
def release_stale_claims() -> int:
    return queue.release_stale_claims()


@shared_task
def alert_overdue_follow_ups() -> int:
    return emails.alert_overdue_follow_ups()


@shared_task
def escalate_overdue_follow_ups() -> int:
    return emails.escalate_overdue_follow_ups()
