"""Celery tasks: thin wrappers taking ids, so a retried or duplicated task is harmless."""

from celery import shared_task

from . import emails, indexing, notifications


@shared_task
def notify_new_post(post_id: int) -> None:
    notifications.deliver_post_notifications(post_id=post_id)


@shared_task
def send_digest(user_id: int) -> int:
    return emails.send_digest(user_id=user_id)


@shared_task
def send_daily_digests() -> int:
    return emails.send_daily_digests()


@shared_task
def reindex_board(board_id: int) -> int:
    return indexing.reindex_board(board_id=board_id)
