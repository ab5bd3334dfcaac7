"""Celery tasks: thin wrappers around the scans. Nobody reads their results."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def expire_offers() -> int:
    """Beat, every five minutes: offers not answered in time expire."""
    return services.expire_offers()


@shared_task(ignore_result=True)
def ask_check_ins() -> int:
    """Beat, hourly: the 2- and 6-week check-ins that fell due."""
    return services.ask_check_ins()
