"""Celery tasks: thin wrappers that take ids and call services."""

from celery import shared_task

from . import selectors, services


@shared_task
def check_all_links() -> int:
    """Weekly (beat): one task per address, so a slow site never holds up the others."""
    ids = list(selectors.links_to_check().values_list("pk", flat=True))
    for resource_id in ids:
        check_link.delay(resource_id)
    return len(ids)


@shared_task
def check_link(resource_id: int) -> None:
    services.check_link(resource_id=resource_id)
