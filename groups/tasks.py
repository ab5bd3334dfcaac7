"""Celery tasks: thin wrappers that take ids, enqueued by groups.services on commit."""

from celery import shared_task

from . import emails, notifications


@shared_task
def send_membership_event_email(event_id: int) -> int:
    return emails.send_event_emails(event_id=event_id)


@shared_task
def send_welcome_email(membership_id: int) -> int:
    return emails.send_welcome_email(membership_id=membership_id)


@shared_task
def send_group_email(group_email_id: int) -> int:
    """A facilitator's email to the whole group: returns how many were emailed."""
    return emails.send_group_email(group_email_id=group_email_id)


@shared_task
def deliver_announcement(announcement_id: int) -> int:
    """In-app for everyone (once), then the emails: returns how many were emailed."""
    people = notifications.deliver_announcement(announcement_id=announcement_id)
    return emails.send_announcement_emails(announcement_id=announcement_id, user_ids=people)


@shared_task
def deliver_due_announcements() -> int:
    """Beat: scheduled announcements whose time has come."""
    ids = notifications.due_announcement_ids()
    for announcement_id in ids:
        deliver_announcement.delay(announcement_id)
    return len(ids)


@shared_task
def send_cohort_offer_email(offer_id: int) -> int:
    return emails.send_cohort_offer_email(offer_id=offer_id)


@shared_task
def expire_cohort_offers() -> int:
    """Beat: unanswered offers of a place in a next cohort expire and pass the place on."""
    from .cohorts import expire_offers  # cohorts enqueues this module's tasks at import

    return expire_offers()
