"""Announcements: a group's facilitators (or staff, site-wide) pin a notice to the top of the
group page until it expires, now or from a time they choose. When it is due it is delivered
once (notifications.deliver_announcement, from a task; a beat scan finds scheduled ones): an
in-app notification for every member, written with the delivered mark so never twice, then
emails to those who have not switched announcement emails off (supportgroups.privacy.emails:
preferences, memorials, one-click unsubscribe). Members acknowledge it; the facilitators see
how many have."""

import datetime as dt
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from supportgroups.markdown import render_markdown
from supportgroups.models import User
from supportgroups.prepared import Prepared

from . import permissions, tasks
from .models import (
    Announcement,
    AnnouncementDigestLine,
    AnnouncementReceipt,
    Membership,
    SupportGroup,
)
from .notifications import notice_title, notice_url


def can_announce(user: User, group: SupportGroup | None) -> bool:
    """A group's facilitators (and staff) for the group; staff with MFA for the whole site."""
    if group is None:
        return permissions.is_staff_with_mfa(user)
    return permissions.can_manage(user, group)


@transaction.atomic
def announce(
    *,
    by: User,
    group: SupportGroup | None,
    title: str,
    body: str,
    publish_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Announcement:
    if not can_announce(by, group):
        raise PermissionDenied(_("Only the group's facilitators can announce here."))
    if group is not None and group.is_read_only:
        raise ValidationError(_("This group no longer meets: it takes no announcements."))
    now = now or timezone.now()
    publish_at = max(publish_at or now, now)
    if not title.strip():
        raise ValidationError({"title": _("Give the announcement a title.")})
    if not body.strip():
        raise ValidationError({"body": _("Write the announcement before posting it.")})
    if expires_at is not None and expires_at <= publish_at:
        raise ValidationError({"expires_at": _("Keep it pinned until after it is published.")})
    announcement = Announcement.objects.create(
        group=group,
        author=by,
        title=title.strip(),
        body=body,
        body_html=render_markdown(body),
        publish_at=publish_at,
        expires_at=expires_at,
    )
    if publish_at <= now:
        transaction.on_commit(partial(tasks.deliver_announcement.delay, announcement.pk))
    return announcement


def _pinned(group_id: int, reader_id: int | None, now: dt.datetime) -> QuerySet[Announcement]:
    qs = Announcement.objects.filter(
        Q(group_id=group_id) | Q(group__isnull=True),
        publish_at__lte=now,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    if reader_id is not None:
        qs = qs.annotate(
            acknowledged=Exists(
                AnnouncementReceipt.objects.filter(announcement=OuterRef("pk"), user_id=reader_id)
            )
        )
    return qs.order_by("-publish_at", "-id")[:5]


# Asked on every view of a group page: compiled once.
_PINNED = Prepared(_pinned)


def pinned_for(
    *, group: SupportGroup, user: User | None, now: dt.datetime | None = None
) -> list[Announcement]:
    """What the group page shows at its top: the group's and the site's current announcements,
    newest first, each marked with whether this person has acknowledged it (one query)."""
    return _PINNED(group.pk, user.pk if user is not None else None, now or timezone.now())


def site_wide(*, now: dt.datetime | None = None) -> list[Announcement]:
    """The site-wide announcements pinned now, newest first (one query): the site-wide page
    and the forums' index show them to everyone."""
    now = now or timezone.now()
    return list(
        Announcement.objects.filter(group__isnull=True, publish_at__lte=now)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("-publish_at", "-id")[:5]
    )


def for_facilitators(*, group: SupportGroup) -> QuerySet[Announcement]:
    """Every announcement of the group with how many have acknowledged it."""
    return group.announcements.annotate(read_count=Count("receipts")).order_by("-publish_at", "-id")


def member_count(*, group: SupportGroup) -> int:
    return group.memberships.filter(state=Membership.State.ACTIVE, user__is_active=True).count()


@transaction.atomic
def acknowledge(*, user: User, announcement: Announcement) -> None:
    if announcement.group is not None and not permissions.can_view_private(
        user, announcement.group
    ):
        raise PermissionDenied(_("Only the group's members can acknowledge this."))
    AnnouncementReceipt.objects.get_or_create(announcement=announcement, user=user)


# --- the daily digest (forums' digest takes these; see emails.send_announcement_emails) -------


def people_with_digest_news() -> QuerySet[AnnouncementDigestLine]:
    return AnnouncementDigestLine.objects.filter(sent_at__isnull=True)


def take_for_digest(*, user: User) -> list[dict[str, str]]:
    """The announcements waiting for the person's daily digest, marked sent in the caller's
    transaction (the digest sends, or rolls them back). One from a group the person has left
    since is marked and left out."""
    lines = list(
        people_with_digest_news()
        .filter(user=user)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("announcement__group")
        .order_by("announcement__publish_at", "pk")
    )
    AnnouncementDigestLine.objects.filter(pk__in=[line.pk for line in lines]).update(
        sent_at=timezone.now()
    )
    return [
        {
            "title": notice_title(line.announcement),
            "body": line.announcement.body,
            "url": settings.SITE_URL + notice_url(line.announcement),
        }
        for line in lines
        if line.announcement.group is None
        or permissions.can_view_private(user, line.announcement.group)
    ]
