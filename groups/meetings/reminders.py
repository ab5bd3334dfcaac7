"""Reminder scanning and sending: each reminder is sent once, never twice, never skipped.

1. `scan_due_reminders` (a beat task, every MEETINGS_SCAN_SECONDS) inserts a ReminderDelivery
   row for every due (occurrence, person, kind); the unique constraint makes a second scan's
   inserts no-ops.
2. It marks late rows (meeting already started or cancelled) as skipped. Archived groups and
   finished cohorts no longer meet: nothing of theirs is due (no rows are made), and a row made
   before the group went quiet is skipped as "no longer meets" when a worker claims it.
3. It picks open rows that have no live task (never enqueued, or enqueued or claimed longer ago
   than the lease: the worker holding them died, or the queue is that far behind), stamps
   them `enqueued_at` under `SKIP LOCKED` so a concurrent scan picks others, and enqueues one thin
   task per id. No ETA/countdown: the row is due now, so a redelivery cannot be early or lost.
4. `send_delivery` claims its row (pending, or claimed longer ago than the claim lease)
   under `SELECT ... FOR UPDATE SKIP LOCKED`, commits the claim, sends, and marks it sent only if
   its claim still holds. A worker that dies after claiming leaves a stale claim that step 3
   re-enqueues. Workers prefetch one task per thread and acknowledge it only when it has run
   (settings), so a killed worker holds few, and the scan after the lease offers them again.
   The one remaining window is a death after the email left and before "sent" was written; that
   email is sent again (at-least-once), while the in-app reminder is written in the same
   transaction as "sent" and so is exactly-once.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from groups.permissions import can_view_private
from supportgroups.models import Notification, User
from supportgroups.services import notify

from . import emails
from .models import Occurrence, ReminderDelivery, ReminderPreference
from .selectors import expecting

logger = logging.getLogger(__name__)

Kind = ReminderDelivery.Kind
State = ReminderDelivery.State
OFFSETS = {Kind.DAY_BEFORE: dt.timedelta(hours=24), Kind.HOUR_BEFORE: dt.timedelta(hours=1)}
PREFERENCE_FIELD: dict[str, str] = {Kind.DAY_BEFORE: "remind_24h", Kind.HOUR_BEFORE: "remind_1h"}
ENQUEUE_BATCH = 20_000


def claim_lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.MEETINGS_CLAIM_LEASE_SECONDS)


def preferences_for(user: User) -> ReminderPreference:
    try:
        return user.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(user=user)


def recipients(occurrence: Occurrence, kind: str) -> QuerySet[User]:
    """The people who expect the meeting (selectors.expecting) and want this kind by some way."""
    users = expecting(occurrence=occurrence).exclude(
        **{f"reminder_preference__{PREFERENCE_FIELD[kind]}": False}
    )
    return users.exclude(
        Q(reminder_preference__by_email=False) & Q(reminder_preference__in_app=False)
    )


def create_due_deliveries(*, now: dt.datetime) -> None:
    """Rows for due reminders that have none yet; a concurrent scan's duplicates are ignored."""
    lookback = dt.timedelta(hours=settings.MEETINGS_LATE_LOOKBACK_HOURS)
    for kind, offset in OFFSETS.items():
        due = Occurrence.objects.filter(
            is_cancelled=False,
            starts_at__gt=now - lookback,
            starts_at__lte=now + offset,
            series__group__is_archived=False,
        ).select_related("series__group")
        for occurrence in due:
            if occurrence.series.group.read_only_at(now):
                continue  # a finished cohort no longer meets: nothing is due
            late = occurrence.starts_at <= now
            have_row = occurrence.reminder_deliveries.filter(kind=kind).values("user_id")
            user_ids = recipients(occurrence, kind).exclude(pk__in=have_row)
            rows = [
                ReminderDelivery(
                    occurrence=occurrence,
                    user_id=user_id,
                    kind=kind,
                    state=State.SKIPPED if late else State.PENDING,
                    skip_reason="late" if late else "",
                )
                for user_id in user_ids.values_list("pk", flat=True)
            ]
            ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True)


def skip_late_deliveries(*, now: dt.datetime) -> int:
    """Reminders whose meeting has started or was cancelled are dropped, and recorded as such."""
    open_rows = ReminderDelivery.objects.filter(state__in=[State.PENDING, State.CLAIMED])
    stale = Q(state=State.PENDING) | Q(claimed_at__lt=now - claim_lease())
    late = open_rows.filter(stale, occurrence__starts_at__lte=now).update(
        state=State.SKIPPED, skip_reason="late"
    )
    cancelled = open_rows.filter(stale, occurrence__is_cancelled=True).update(
        state=State.SKIPPED, skip_reason="cancelled"
    )
    return late + cancelled


@transaction.atomic
def take_deliveries_to_enqueue(*, now: dt.datetime) -> list[int]:
    """Open rows with no live task: never enqueued, or enqueued/claimed too long ago."""
    before = now - claim_lease()
    ids = list(
        ReminderDelivery.objects.select_for_update(skip_locked=True)
        .filter(
            Q(state=State.PENDING) | Q(state=State.CLAIMED, claimed_at__lt=before),
            Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=before),
        )
        .order_by("id")
        .values_list("id", flat=True)[:ENQUEUE_BATCH]
    )
    ReminderDelivery.objects.filter(id__in=ids).update(enqueued_at=now)
    return ids


def _publish(ids: list[int]) -> None:
    from .tasks import send_reminder

    # One broker connection for the whole batch: about twice as fast as .delay() per id.
    with send_reminder.app.producer_or_acquire() as producer:
        for delivery_id in ids:
            send_reminder.apply_async((delivery_id,), producer=producer)


def scan_due_reminders(*, now: dt.datetime | None = None) -> list[int]:
    """Find due reminders and hand them to workers; returns the ids enqueued."""
    now = now or timezone.now()
    with transaction.atomic():
        create_due_deliveries(now=now)
    skip_late_deliveries(now=now)
    ids = take_deliveries_to_enqueue(now=now)
    transaction.on_commit(lambda: _publish(ids))  # at once unless a caller holds a transaction
    return ids


@transaction.atomic
def claim_delivery(*, delivery_id: int, now: dt.datetime | None = None) -> ReminderDelivery | None:
    """Take the row for sending, or None if it is sent, skipped or being sent by someone else."""
    now = now or timezone.now()
    stale_before = now - claim_lease()
    delivery = (
        ReminderDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("occurrence__series__group", "user__reminder_preference")
        .filter(Q(state=State.PENDING) | Q(state=State.CLAIMED, claimed_at__lt=stale_before))
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        return None
    occurrence = delivery.occurrence
    reason = ""
    if occurrence.is_cancelled:
        reason = "cancelled"
    elif occurrence.starts_at <= now:
        reason = "late"
    elif occurrence.series.group.read_only_at(now):
        reason = "no longer meets"
    elif not can_view_private(delivery.user, occurrence.series.group):
        reason = "not a member"
    if reason:
        delivery.state, delivery.skip_reason = State.SKIPPED, reason
        delivery.save(update_fields=["state", "skip_reason"])
        return None
    delivery.state, delivery.claimed_at = State.CLAIMED, now
    delivery.attempts += 1
    delivery.save(update_fields=["state", "claimed_at", "attempts"])
    return delivery


def send_claimed(delivery: ReminderDelivery) -> bool:
    """Send a claimed reminder; False if the claim was lost to another worker meanwhile."""
    preferences = preferences_for(delivery.user)
    if preferences.by_email:
        emails.send_reminder_email(delivery)
    with transaction.atomic():
        won = ReminderDelivery.objects.filter(
            pk=delivery.pk, state=State.CLAIMED, claimed_at=delivery.claimed_at
        ).update(state=State.SENT, sent_at=timezone.now())
        if won and preferences.in_app:
            occurrence = delivery.occurrence
            notify(
                user=delivery.user,
                kind=Notification.Kind.REMINDER,
                title=emails.reminder_subject(delivery),
                url=occurrence.get_absolute_url(),
            )
    if not won:
        logger.warning("Reminder %s was re-claimed while it was being sent", delivery.pk)
    return bool(won)


def send_delivery(*, delivery_id: int) -> bool:
    delivery = claim_delivery(delivery_id=delivery_id)
    return delivery is not None and send_claimed(delivery)
