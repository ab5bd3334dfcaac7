"""Who is told about a membership change, and what they are told, in-app and by email.

Kept in one place so the bell and the email always agree. People are not told about what
they did themselves (they see it on the page); facilitators are told about new requests.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from supportgroups.models import Notification, User
from supportgroups.privacy.email import send_user_email
from supportgroups.services import notify

from .models import Membership, MembershipEvent

Kind = MembershipEvent.Kind

# Changes the person concerned hears about when someone else (or the system) made them.
PERSON_KINDS = frozenset(
    {
        Kind.APPROVED,
        Kind.DECLINED,
        Kind.WAITLISTED,
        Kind.ADMITTED,
        Kind.REMOVED,
        Kind.PROMOTED,
        Kind.HANDED_ON,
    }
)


def recipients(event: MembershipEvent) -> list[User]:
    membership = event.membership
    if event.kind == Kind.REQUESTED:
        return list(
            User.objects.filter(
                memberships__group_id=membership.group_id,
                memberships__state=Membership.State.ACTIVE,
                memberships__role=Membership.Role.FACILITATOR,
            )
        )
    if event.kind in PERSON_KINDS and event.actor_id != membership.user_id:
        return [membership.user]
    return []


def subject(event: MembershipEvent) -> str:
    texts: dict[str, str] = {
        Kind.REQUESTED: _("%(person)s asked to join %(group)s"),
        Kind.APPROVED: _("Welcome to %(group)s: your request was approved"),
        Kind.DECLINED: _("About your request to join %(group)s"),
        Kind.WAITLISTED: _("You are on the waitlist for %(group)s"),
        Kind.ADMITTED: _("A place opened up: welcome to %(group)s"),
        Kind.REMOVED: _("You are no longer a member of %(group)s"),
        Kind.PROMOTED: _("You are now a co-facilitator of %(group)s"),
        Kind.HANDED_ON: _("Your cohort carries on in %(group)s"),
    }
    return texts[event.kind] % {
        "person": event.membership.user.display_name,
        "group": event.membership.group.name,
    }


def link(event: MembershipEvent) -> str:
    """Facilitators go to their tools to decide; everyone else to the group's page."""
    slug = event.membership.group.slug
    if event.kind == Kind.REQUESTED:
        return reverse("groups:manage", kwargs={"slug": slug})
    return reverse("groups:detail", kwargs={"slug": slug})


def tell_in_app(event: MembershipEvent) -> bool:
    """Add the bell notifications; says whether anyone is to be emailed too."""
    people = recipients(event)
    for person in people:
        notify(
            user=person,
            kind=Notification.Kind.GROUP,
            title=subject(event),
            body=event.message,
            url=link(event),
        )
    return bool(people)


def send_emails(*, event_id: int) -> int:
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
        sent += send_user_email(
            user=person,
            kind=Notification.Kind.GROUP,
            subject=subject(event),
            template="groups/email/membership_event.txt",
            context=context,
        )
    return sent
