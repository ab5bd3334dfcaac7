"""Groups' emails, to the same people the bell told and in the same words (notifications.py)."""

from django.conf import settings

from supportgroups.languages import in_language
from supportgroups.models import Notification, User
from supportgroups.privacy.emails import send_user_email

from .models import MembershipEvent
from .notifications import (
    link,
    memorial_body,
    memorial_facilitations,
    memorial_title,
    recipients,
    subject,
)


def send_event_emails(*, event_id: int) -> int:
    """Email everyone told about this event who wants group email; returns how many were sent.

    Runs in the worker, after the change committed.
    """
    event = (
        MembershipEvent.objects.select_related("membership__group", "membership__user")
        .filter(pk=event_id)
        .first()
    )
    if event is None:  # the person deleted their account before the worker got here
        return 0
    context = {"event": event, "url": settings.SITE_URL + link(event)}
    sent = 0
    for person in recipients(event):
        # The one way to email a member: it honours their email preferences and memorials.
        with in_language(person):
            sent += send_user_email(
                user=person,
                kind=Notification.Kind.GROUP,
                subject=subject(event),
                template="groups/email/membership_event.txt",
                context=context,
            )
    return sent


def send_memorial_emails(*, user: User) -> int:
    """The facilitators told in-app of a member's memorial (notifications.py) by email too."""
    sent = 0
    for facilitation in memorial_facilitations(user):
        with in_language(facilitation.user):
            sent += send_user_email(
                user=facilitation.user,
                kind=Notification.Kind.GROUP,
                subject=memorial_title(user),
                template="privacy/email/memorial_facilitator.txt",
                context={"body": memorial_body(user, facilitation)},
            )
    return sent
