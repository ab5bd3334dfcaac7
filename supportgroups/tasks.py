"""Housekeeping tasks for accounts. Thin wrappers: the work lives in services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def clear_expired_sessions() -> int:
    """Nightly (beat): expired sessions are personal data we no longer need. Idempotent."""
    return services.clear_expired_sessions()
