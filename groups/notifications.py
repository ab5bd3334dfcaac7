"""Who is told about a change in a group, and what they are told: the in-app notifications.

The email that goes with each (emails.py) reads its people, subject and link from here, so the
bell and the email always agree. People are not told about what they did themselves (they see
it on the page); facilitators are told about new requests and about a member's memorial.
"""

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from supportgroups.models import Notification, User
from supportgroups.push import services as push
from supportgroups.services import notifications_changed, notify

from .models import Announcement, CohortOffer, Membership, MembershipEvent, SupportGroup

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
        Kind.DEMOTED,
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
        Kind.DEMOTED: _("You are no longer a co-facilitator of %(group)s"),
        Kind.HANDED_ON: _("Your cohort carries on in %(group)s"),
    }
    return texts[event.kind] % {
        "person": event.membership.user.display_name,
        "group": event.membership.group.name,
    }


def welcome_title(group: SupportGroup) -> str:
    """The bell's line and the email's subject for a group's welcome message (welcome.py)."""
    return _("Welcome to %(group)s: the group's norms") % {"group": group.name}


def link(event: MembershipEvent) -> str:
    """Facilitators go to their tools to decide; everyone else to the group's page."""
    slug = event.membership.group.slug
    if event.kind == Kind.REQUESTED:
        return reverse("groups:manage", kwargs={"slug": slug})
    return reverse("groups:detail", kwargs={"slug": slug})


def notify_of_event(event: MembershipEvent) -> bool:
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


def memorial_facilitations(user: User) -> QuerySet[Membership]:
    """The facilitators (as their memberships) of every group the member was active in."""
    group_ids = Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values(
        "group_id"
    )
    return (
        Membership.objects.filter(
            group_id__in=group_ids,
            role=Membership.Role.FACILITATOR,
            state=Membership.State.ACTIVE,
        )
        .exclude(user=user)
        .select_related("user", "group")
    )


def memorial_title(user: User) -> str:
    return _("%(name)s has died") % {"name": user.display_name}


def memorial_body(user: User, facilitation: Membership) -> str:
    return _(
        "At their family's request, %(name)s's account is now a memorial. Their posts stay. "
        "You may want to let %(group)s know, and look after anyone who was close to them."
    ) % {"name": user.display_name, "group": facilitation.group.name}


def notify_of_memorial(*, user: User) -> None:
    """Facilitators of the member's groups hear of it, so that they can support the group."""
    for facilitation in memorial_facilitations(user):
        notify(
            user=facilitation.user,
            kind=Notification.Kind.GROUP,
            title=memorial_title(user),
            body=memorial_body(user, facilitation),
            url=facilitation.group.get_absolute_url(),
        )


# --- announcements (groups.announcements) ----------------------------------------------------


def audience(announcement: Announcement) -> QuerySet[User]:
    """Active members of its group (every active account for a site-wide one)."""
    people = User.objects.filter(is_active=True)
    if announcement.group_id is None:
        return people
    return people.filter(
        memberships__group_id=announcement.group_id,
        memberships__state=Membership.State.ACTIVE,
    )


def deliver_announcement(*, announcement_id: int, now: dt.datetime | None = None) -> list[int]:
    """Tell everyone in-app, once: the delivered mark and the notifications commit together.
    Returns who is to be emailed (nobody if it was delivered already or is not due)."""
    now = now or timezone.now()
    with transaction.atomic():
        announcement = (
            Announcement.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=announcement_id, delivered_at__isnull=True, publish_at__lte=now)
            .select_related("group")
            .first()
        )
        if announcement is None:
            return []
        announcement.delivered_at = now
        announcement.save(update_fields=["delivered_at"])
        people = list(
            audience(announcement)
            .exclude(pk=announcement.author_id or 0)  # the writer knows already
            .values_list("pk", flat=True)
        )
        Notification.objects.bulk_create(
            Notification(
                user_id=user_id,
                kind=Notification.Kind.ANNOUNCEMENT,
                title=notice_title(announcement),
                url=notice_url(announcement),
            )
            for user_id in people
        )
        notifications_changed(people)
        push.mirror_many(
            user_ids=people,
            notification_kind=Notification.Kind.ANNOUNCEMENT,
            url=notice_url(announcement),
        )
    return people


def notice_title(announcement: Announcement) -> str:
    where = announcement.group.name if announcement.group else _("everyone")
    return _("Announcement for %(where)s: %(title)s") % {
        "where": where,
        "title": announcement.title,
    }


def notice_url(announcement: Announcement) -> str:
    if announcement.group is None:
        return reverse("groups:site_announcements")
    return announcement.group.get_absolute_url()


def due_announcement_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Scheduled announcements whose time has come and that nobody has delivered yet."""
    now = now or timezone.now()
    return list(
        Announcement.objects.filter(delivered_at__isnull=True, publish_at__lte=now).values_list(
            "pk", flat=True
        )
    )


# --- places in a next cohort (groups.cohorts) -------------------------------------------------


def offer_title(offer: CohortOffer) -> str:
    return _("A place in %(group)s is yours if you want it") % {"group": offer.cohort.name}


def offer_url(offer: CohortOffer) -> str:
    return reverse("groups:cohort_offer", kwargs={"slug": offer.cohort.slug, "offer_id": offer.pk})
