"""Announcements: a group's facilitators (or staff, site-wide) pin a notice to the top of the
group page until it expires, now or from a time they choose. When it is due, a beat scan
delivers it once: an in-app notification for every member (written with the delivered mark,
so never twice), then one task emails those who have not switched announcement emails off
(supportgroups.privacy.emails: preferences, memorials, one-click unsubscribe). Members
acknowledge it; the facilitators see how many have."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from supportgroups.markdown import render_markdown
from supportgroups.models import Notification, User

from . import permissions
from .models import Announcement, AnnouncementReceipt, Membership, SupportGroup


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
        transaction.on_commit(lambda: _deliver_soon(announcement.pk))
    return announcement


def _deliver_soon(announcement_id: int) -> None:
    from .tasks import deliver_announcement

    deliver_announcement.delay(announcement_id)


def audience(announcement: Announcement) -> QuerySet[User]:
    """Active members of its group (every active account for a site-wide one)."""
    people = User.objects.filter(is_active=True)
    if announcement.group_id is None:
        return people
    return people.filter(
        memberships__group_id=announcement.group_id,
        memberships__state=Membership.State.ACTIVE,
    )


def deliver(*, announcement_id: int, now: dt.datetime | None = None) -> list[int]:
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
    return people


def notice_title(announcement: Announcement) -> str:
    where = announcement.group.name if announcement.group else _("everyone")
    return _("Announcement for %(where)s: %(title)s") % {
        "where": where,
        "title": announcement.title,
    }


def notice_url(announcement: Announcement) -> str:
    if announcement.group is None:
        return "/"
    return announcement.group.get_absolute_url()


def due_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Scheduled announcements whose time has come and that nobody has delivered yet."""
    now = now or timezone.now()
    return list(
        Announcement.objects.filter(delivered_at__isnull=True, publish_at__lte=now).values_list(
            "pk", flat=True
        )
    )


def pinned_for(
    *, group: SupportGroup, user: User | None, now: dt.datetime | None = None
) -> list[Announcement]:
    """What the group page shows at its top: the group's and the site's current announcements,
    newest first, each marked with whether this person has acknowledged it (one query)."""
    now = now or timezone.now()
    qs = Announcement.objects.filter(
        Q(group=group) | Q(group__isnull=True),
        publish_at__lte=now,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    if user is not None:
        qs = qs.annotate(
            acknowledged=Exists(
                AnnouncementReceipt.objects.filter(announcement=OuterRef("pk"), user=user)
            )
        )
    return list(qs.order_by("-publish_at", "-id")[:5])


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
