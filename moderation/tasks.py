"""Thin Celery wrappers around alerts and the queue (they take ids)."""

from celery import shared_task

from . import alerts, queue


@shared_task(acks_late=True)
def alert_crisis(item_id: int) -> int:
    return alerts.send_crisis_alert(item_id=item_id)


@shared_task
def escalate_unclaimed_crises() -> int:
    return alerts.escalate_unclaimed_crises()


@shared_task
def release_stale_claims() -> int:
    return queue.release_stale_claims()
