"""Groups' emails, to the same people the bell told and in the same words (notifications.py)."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from supportgroups.languages import in_language
from supportgroups.models import Notification, User
from supportgroups.privacy.emails import send_user_email, takes_daily_digest

from .models import (
    Announcement,
    AnnouncementDigestLine,
    CohortOffer,
    GroupEmail,
    Membership,
    MembershipEvent,
)
from .notifications import (
    link,
    memorial_body,
    memorial_facilitations,
    memorial_title,
    notice_title,
    notice_url,
    offer_title,
    offer_url,
    recipients,
    subject,
    welcome_title,
)

logger = logging.getLogger(__name__)


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


def send_announcement_emails(*, announcement_id: int, user_ids: list[int]) -> int:
    """The announcement by email, in the words the bell showed, to those told in-app who have
    not switched announcement emails off."""
    announcement = Announcement.objects.select_related("group").filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    context = {"announcement": announcement, "url": settings.SITE_URL + notice_url(announcement)}
    sent = 0
    for person in User.objects.filter(pk__in=user_ids).order_by("pk"):
        if takes_daily_digest(user=person):
            # One email a day, chosen: the announcement waits for forums' daily digest.
            AnnouncementDigestLine.objects.get_or_create(announcement=announcement, user=person)
            continue
        sent += send_user_email(
            user=person,
            kind=Notification.Kind.ANNOUNCEMENT,
            subject=notice_title(announcement),
            template="groups/email/announcement.txt",
            context=context,
        )
    return sent


def send_welcome_email(*, membership_id: int) -> int:
    """The group's welcome message to a member who has just come in, in the words of the bell's
    line (welcome.py), unless they left again before the worker got here."""
    membership = (
        Membership.objects.select_related("group", "user")
        .filter(pk=membership_id, state=Membership.State.ACTIVE)
        .first()
    )
    if membership is None or not membership.group.welcome_message.strip():
        return 0
    group = membership.group
    with in_language(membership.user):
        return int(
            send_user_email(
                user=membership.user,
                kind=Notification.Kind.GROUP,
                subject=welcome_title(group),
                template="groups/email/welcome.txt",
                context={"group": group, "url": settings.SITE_URL + group.get_absolute_url()},
            )
        )


def _claim_group_email(*, email_id: int) -> tuple[GroupEmail, list[int]] | None:
    """Mark the email sent and say to whom it goes (its group's active members but the writer);
    None if it was claimed already, so a second copy of the task sends nothing."""
    with transaction.atomic():
        email = (
            GroupEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("group")
            .filter(pk=email_id, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return None
        email.sent_at = timezone.now()
        email.save(update_fields=["sent_at"])
        people = list(
            Membership.objects.filter(
                group_id=email.group_id, state=Membership.State.ACTIVE, user__is_active=True
            )
            .exclude(user_id=email.author_id or 0)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
    return email, people


def send_group_email(*, group_email_id: int) -> int:
    """Send a facilitator's email to the group's members, once."""
    claimed = _claim_group_email(email_id=group_email_id)
    if claimed is None:
        return 0
    email, user_ids = claimed
    context = {"email": email, "url": settings.SITE_URL + email.group.get_absolute_url()}
    sent = 0
    for person in User.objects.filter(pk__in=user_ids).order_by("pk"):
        try:
            with in_language(person):
                sent += send_user_email(
                    user=person,
                    kind=Notification.Kind.ANNOUNCEMENT,
                    subject=f"{email.group.name}: {email.subject}",
                    template="groups/email/group_email.txt",
                    context=context,
                )
        except Exception:  # one address the mail server refuses must not cost everyone after it
            logger.exception("The group email %s could not reach user %s.", email.pk, person.pk)
    GroupEmail.objects.filter(pk=email.pk).update(sent_count=sent)
    return sent


def send_cohort_offer_email(*, offer_id: int) -> int:
    """The offer of a place, in the bell's words, while it is still open."""
    offer = (
        CohortOffer.objects.select_related("cohort", "waiting__user", "waiting__group")
        .filter(pk=offer_id, state=CohortOffer.State.OPEN)
        .first()
    )
    if offer is None:
        return 0
    person = offer.waiting.user
    with in_language(person):
        return int(
            send_user_email(
                user=person,
                kind=Notification.Kind.GROUP,
                subject=offer_title(offer),
                template="groups/email/cohort_offer.txt",
                context={"offer": offer, "url": settings.SITE_URL + offer_url(offer)},
            )
        )
