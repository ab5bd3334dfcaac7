"""Reminding members to check in, once per period, like meeting reminders (meetings/reminders.py).

1. `scan_due_reminders` (beat, every minute) makes a CheckInReminder row for every member of a
   group whose check-in is due and who has not answered yet: weekly groups once in each ISO
   week, before-meeting groups from CHECKINS_REMIND_BEFORE_HOURS before the next meeting. The
   unique constraint makes a second scan's rows no-ops.
2. It hands each open row with no live task (never enqueued, or enqueued or claimed longer ago
   than the lease: the worker died, or the queue is that far behind) to one task, stamping
   `enqueued_at` under SKIP LOCKED so that a concurrent scan picks others.
3. `send_reminder` claims the row under SKIP LOCKED, skips it if the check-in is no longer due
   (answered, turned off, no longer a member, the period over), sends the email through
   send_user_email (which honours the person's email choices), and marks it sent in the same
   transaction as the in-app line, only if its claim still holds.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.meetings.models import Occurrence
from groups.models import Membership
from supportgroups.languages import in_language
from supportgroups.models import Notification, User
from supportgroups.privacy.emails import send_user_email
from supportgroups.services import notify

from . import permissions
from .models import CheckIn, CheckInReminder, CheckInSetup
from .services import period_for

CLAIM_LEASE = dt.timedelta(minutes=10)


def _due(setup: CheckInSetup, now: dt.datetime) -> str | None:
    """The period a reminder is due for now, or None (a before-meeting group whose next
    meeting is further off than CHECKINS_REMIND_BEFORE_HOURS, or none at all)."""
    period = period_for(setup, now=now)
    if setup.cadence == CheckInSetup.Cadence.WEEKLY:
        return period
    if not period.startswith("meeting-"):
        return None
    window = now + dt.timedelta(hours=settings.CHECKINS_REMIND_BEFORE_HOURS)
    meeting = Occurrence.objects.filter(pk=int(period.removeprefix("meeting-")))
    return period if meeting.filter(starts_at__lte=window).exists() else None


def create_due_reminders(*, now: dt.datetime) -> int:
    made = 0
    setups = CheckInSetup.objects.filter(enabled=True, group__is_archived=False).select_related(
        "group"
    )
    for setup in setups:
        if setup.group.read_only_at(now):
            continue
        period = _due(setup, now)
        if period is None:
            continue
        answered = CheckIn.objects.filter(group=setup.group, period=period).values("member_id")
        members = (
            User.objects.filter(
                is_active=True,
                memberships__group=setup.group,
                memberships__state=Membership.State.ACTIVE,
            )
            .exclude(pk__in=answered)
            .values_list("pk", flat=True)
        )
        rows = [CheckInReminder(group=setup.group, member_id=pk, period=period) for pk in members]
        made += len(CheckInReminder.objects.bulk_create(rows, ignore_conflicts=True))
    return made


def _open_rows(now: dt.datetime) -> Q:
    return Q(sent_at__isnull=True, skipped_at__isnull=True) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE)
    )


@transaction.atomic
def _take_to_enqueue(now: dt.datetime) -> list[int]:
    not_queued = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - CLAIM_LEASE)
    ids = list(
        CheckInReminder.objects.select_for_update(skip_locked=True)
        .filter(_open_rows(now), not_queued)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    CheckInReminder.objects.filter(pk__in=ids).update(enqueued_at=now)
    return ids


def scan_due_reminders(*, now: dt.datetime | None = None) -> list[int]:
    """Make the due rows and hand the open ones with no live task to workers; returns their
    ids."""
    now = now or timezone.now()
    create_due_reminders(now=now)
    ids = _take_to_enqueue(now)

    def publish() -> None:
        from .tasks import send_check_in_reminder

        for reminder_id in ids:
            send_check_in_reminder.delay(reminder_id)

    transaction.on_commit(publish)
    return ids


def _skip_reason(reminder: CheckInReminder, now: dt.datetime) -> str:
    setup = CheckInSetup.objects.filter(group=reminder.group, enabled=True).first()
    if setup is None:
        return "turned off"
    if not permissions.can_check_in(reminder.member, reminder.group):
        return "not a member"
    if period_for(setup, now=now) != reminder.period:
        return "period over"
    answered = CheckIn.objects.filter(
        group=reminder.group, member=reminder.member, period=reminder.period
    )
    return "answered" if answered.exists() else ""


def send_reminder(*, reminder_id: int, now: dt.datetime | None = None) -> bool:
    """Send one reminder if it is still due and nobody else holds it; True if it was sent."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = (
            CheckInReminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("group", "member")
            .filter(_open_rows(now), pk=reminder_id)
            .first()
        )
        if reminder is None:
            return False
        if _skip_reason(reminder, now):
            reminder.skipped_at = now
            reminder.save(update_fields=["skipped_at"])
            return False
        reminder.claimed_at = now
        reminder.save(update_fields=["claimed_at"])
    url = reverse("checkins:check_in", args=[reminder.group.slug])
    with in_language(reminder.member):
        subject = _("How are you? A check-in for %(group)s") % {"group": reminder.group.name}
        send_user_email(
            user=reminder.member,
            kind=Notification.Kind.REMINDER,
            subject=subject,
            template="checkins/email/reminder.txt",
            context={"group": reminder.group, "check_in_url": settings.SITE_URL + url},
        )
    with transaction.atomic():
        won = CheckInReminder.objects.filter(
            pk=reminder.pk, claimed_at=reminder.claimed_at, sent_at__isnull=True
        ).update(sent_at=timezone.now())
        if won:
            with in_language(reminder.member):
                notify(
                    user=reminder.member,
                    kind=Notification.Kind.REMINDER,
                    title=_("A check-in for %(group)s: how are you?")
                    % {"group": reminder.group.name},
                    url=url,
                )
    return bool(won)
