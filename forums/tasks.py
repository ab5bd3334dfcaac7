"""Celery tasks: thin wrappers taking ids, so a retried or duplicated task is harmless."""

from celery import shared_task


@shared_task
def notify_new_post(post_id: int) -> None:
    from .notifications import deliver_post_notifications

    deliver_post_notifications(post_id=post_id)


@shared_task
def send_digest(user_id: int) -> int:
    from .notifications import send_digest as send

    return send(user_id=user_id)


@shared_task
def send_daily_digests() -> int:
    from .notifications import send_daily_digests as send_all

    return send_all()
