"""Thin Celery wrappers around delivery (they take ids)."""

from celery import shared_task
from django.utils import timezone

from . import delivery

BACKOFF_SECONDS = 30
MAX_BACKOFF_SECONDS = 30 * 60


@shared_task(acks_late=True)
def push_to_person(user_id: int, kind: str, url: str) -> int:
    plan = delivery.plan_for_person(user_id=user_id, kind=kind, now=timezone.now())
    if plan is None:
        return 0
    payload = delivery.payload_for(plan.person, kind=kind, url=url).encode()
    for device_id in plan.devices:
        send_to_device.delay(device_id, payload, False)
    return len(plan.devices)


@shared_task(bind=True, acks_late=True, max_retries=6)
def send_to_device(self, subscription_id: int, payload: str, urgent: bool) -> str:
    try:
        return delivery.send_to_device(
            subscription_id=subscription_id, payload=payload, urgent=urgent
        )
    except delivery.TryLater as error:
        wait = min(BACKOFF_SECONDS * 2**self.request.retries, MAX_BACKOFF_SECONDS)
        raise self.retry(exc=error, countdown=wait) from error


@shared_task
def release_held() -> int:
    """Beat, every minute: people whose quiet hours ended with something held hear it once."""
    count = 0
    for plan in delivery.release_held(now=timezone.now()):
        payload = delivery.payload_for(plan.person, kind=delivery.HELD, url="/notifications/")
        for device_id in plan.devices:
            send_to_device.delay(device_id, payload.encode(), False)
        count += 1
    return count
