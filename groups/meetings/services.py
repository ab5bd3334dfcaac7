"""Writes for meetings: series, occurrences, RSVPs, attendance, calendar feeds, preferences.

Every change runs in one transaction; emails go out from Celery tasks enqueued on commit.
Reminder scanning and sending live in reminders.py.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import policy
from groups.activity import record_activity, record_activity_of
from groups.models import Membership, SupportGroup
from supportgroups.models import Notification, User
from supportgroups.services import notify

from .models import (
    RSVP,
    CalendarFeed,
    MeetingSeries,
    Occurrence,
    ReminderDelivery,
    ReminderPreference,
    new_feed_token,
)
from .recurrence import expand, local_to_utc

Status = RSVP.Status


def horizon() -> dt.timedelta:
    return dt.timedelta(days=settings.MEETINGS_HORIZON_DAYS)


def _announce(occurrence: Occurrence, change: str) -> None:
    """Tell the people going, by email and in-app, once the transaction commits."""
    from .tasks import send_change_notices

    # Celery's Django fixup makes every task a DjangoTask; the stubs type a plain Task.
    send_change_notices.delay_on_commit(occurrence.pk, change)  # type: ignore[attr-defined]


# --- series --------------------------------------------------------------------------------


# What a facilitator sets on a series, in the order the series form asks for it.
EDITABLE = (
    "title",
    "starts_on",
    "start_time",
    "duration_minutes",
    "time_zone",
    "recurrence",
    "ended_on",
    "place",
    "join_url",
    "note",
    "capacity",
)


@transaction.atomic
def create_series(
    *,
    group: SupportGroup,
    created_by: User | None,
    title: str,
    starts_on: dt.date,
    start_time: dt.time,
    duration_minutes: int,
    time_zone: str,
    recurrence: str,
    ended_on: dt.date | None = None,
    place: str = "",
    join_url: str = "",
    note: str = "",
    capacity: int | None = None,
    now: dt.datetime | None = None,
) -> MeetingSeries:
    if group.is_read_only:
        raise ValidationError(_("This group is archived or has ended; it plans no new meetings."))
    series = MeetingSeries(
        group=group,
        created_by=created_by,
        title=title,
        starts_on=starts_on,
        start_time=start_time,
        duration_minutes=duration_minutes,
        time_zone=time_zone,
        recurrence=recurrence,
        ended_on=ended_on,
        place=place,
        join_url=join_url,
        note=note,
        capacity=capacity,
    )
    series.full_clean()
    series.save()
    materialise_occurrences(series=series, now=now)
    return series


@transaction.atomic
def update_series(
    *, series: MeetingSeries, now: dt.datetime | None = None, **fields: object
) -> MeetingSeries:
    """Change any of EDITABLE; future occurrences follow (see materialise_occurrences).

    More places (or no limit) move waitlisted people up at once.
    """
    unknown = fields.keys() - EDITABLE
    if unknown:
        raise TypeError(f"update_series cannot change {sorted(unknown)}")
    now = now or timezone.now()
    for name, value in fields.items():
        setattr(series, name, value)
    series.full_clean()
    series.save()
    materialise_occurrences(series=series, now=now)
    waitlisted = RSVP.objects.filter(status=Status.WAITLISTED).values("occurrence_id")
    waiting = series.occurrences.filter(starts_at__gt=now, is_cancelled=False, pk__in=waitlisted)
    for occurrence in waiting.select_for_update(of=("self",)).select_related("series"):
        _promote_from_waitlist(occurrence, now)
    return series


@transaction.atomic
def end_series(
    *, series: MeetingSeries, last_date: dt.date, now: dt.datetime | None = None
) -> MeetingSeries:
    """No occurrences after `last_date`; those already planned are cancelled or removed."""
    return update_series(series=series, now=now, ended_on=last_date)


@transaction.atomic
def materialise_occurrences(*, series: MeetingSeries, now: dt.datetime | None = None) -> None:
    """Make the occurrence rows for the horizon agree with the series' rule.

    New dates get rows; rows whose time changed are updated (people going are told); rows whose
    date left the rule (edited or ended series) are removed, or cancelled if anyone answered.
    Moved rows keep their own time unless the series ended before their date. An archived group
    or a finished cohort no longer meets, so it gets no new rows.
    """
    now = now or timezone.now()
    until = now + horizon()
    quiet = series.group.read_only_at(now)
    slots = {slot.local_date: slot for slot in expand(series, after=now, before=until)}
    existing = {
        o.local_date: o
        for o in series.occurrences.select_for_update().filter(
            starts_at__gte=now, starts_at__lt=until
        )
    }
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                series=series,
                local_date=day,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
            )
            for day, slot in slots.items()
            if day not in existing and not quiet
        ],
        ignore_conflicts=True,
    )
    for day, occurrence in existing.items():
        if occurrence.is_cancelled:
            continue
        slot = slots.get(day)
        ended = series.ended_on is not None and day > series.ended_on
        if ended or (slot is None and not occurrence.is_moved):
            _drop(occurrence)
        elif (
            slot
            and not occurrence.is_moved
            and (occurrence.starts_at, occurrence.ends_at)
            != (
                slot.starts_at,
                slot.ends_at,
            )
        ):
            _reschedule(occurrence, slot.starts_at, slot.ends_at, moved=False)


def _drop(occurrence: Occurrence) -> None:
    if occurrence.rsvps.exclude(status=Status.NOT_GOING).exists():
        _cancel(occurrence)
    else:
        occurrence.delete()


def _cancel(occurrence: Occurrence) -> None:
    occurrence.is_cancelled = True
    occurrence.sequence += 1
    occurrence.save(update_fields=["is_cancelled", "sequence"])
    _announce(occurrence, "cancelled")


def _reschedule(
    occurrence: Occurrence, starts_at: dt.datetime, ends_at: dt.datetime, *, moved: bool
) -> None:
    occurrence.starts_at, occurrence.ends_at = starts_at, ends_at
    occurrence.is_moved = occurrence.is_moved or moved
    occurrence.sequence += 1
    occurrence.save(update_fields=["starts_at", "ends_at", "is_moved", "sequence"])
    # Reminders not yet sent are worked out again for the new time; sent ones stay sent.
    occurrence.reminder_deliveries.filter(
        state__in=[ReminderDelivery.State.PENDING, ReminderDelivery.State.SKIPPED]
    ).delete()
    _announce(occurrence, "moved")


# --- one occurrence --------------------------------------------------------------------------


@transaction.atomic
def cancel_occurrence(*, occurrence: Occurrence) -> Occurrence:
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    if not occurrence.is_cancelled:
        _cancel(occurrence)
    return occurrence


@transaction.atomic
def move_occurrence(
    *,
    occurrence: Occurrence,
    new_date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    now: dt.datetime | None = None,
) -> Occurrence:
    """Move one occurrence to another local date and time in the series' zone."""
    now = now or timezone.now()
    occurrence = (
        Occurrence.objects.select_for_update().select_related("series").get(pk=occurrence.pk)
    )
    zone = occurrence.series.time_zone
    starts_at = local_to_utc(new_date, start_time, zone)
    ends_at = local_to_utc(new_date, end_time, zone)
    if occurrence.is_cancelled:
        raise ValidationError(_("This meeting is cancelled; it cannot be moved."))
    if ends_at <= starts_at:
        raise ValidationError({"end_time": _("The meeting must end after it starts.")})
    if starts_at <= now:
        raise ValidationError({"new_date": _("Choose a time in the future.")})
    _reschedule(occurrence, starts_at, ends_at, moved=True)
    return occurrence


# --- RSVPs and attendance ------------------------------------------------------------------------


def _has_room(occurrence: Occurrence) -> bool:
    capacity = occurrence.series.capacity
    return capacity is None or occurrence.rsvps.filter(status=Status.GOING).count() < capacity


def _promote_from_waitlist(occurrence: Occurrence, now: dt.datetime) -> None:
    while _has_room(occurrence):
        nxt = (
            occurrence.rsvps.filter(status=Status.WAITLISTED)
            .select_related("user")
            .order_by("status_changed_at", "id")
            .first()
        )
        if nxt is None:
            return
        nxt.status, nxt.status_changed_at = Status.GOING, now
        nxt.save(update_fields=["status", "status_changed_at"])
        notify(
            user=nxt.user,
            kind=Notification.Kind.MEETING_CHANGE,
            title=_("A place opened up: you are going to %(title)s")
            % {"title": occurrence.series.title},
            url=occurrence.get_absolute_url(),
        )


@transaction.atomic
def set_rsvp(
    *, occurrence: Occurrence, user: User, going: bool, now: dt.datetime | None = None
) -> RSVP:
    """Going (or waitlisted when full) / not going. Leaving a place moves the waitlist up.

    The occurrence row is locked so two people answering at once cannot both take the last place.
    """
    now = now or timezone.now()
    occurrence = (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("series__group")
        .get(pk=occurrence.pk)
    )
    if going:  # saying "can't make it" only frees a place, so it is never refused
        policy.require(policy.write_verdict(user, occurrence.series.group))
    if going and (occurrence.is_cancelled or occurrence.starts_at <= now):
        raise ValidationError(_("This meeting has started or is cancelled."))
    rsvp = RSVP.objects.filter(occurrence=occurrence, user=user).first()
    previous = rsvp.status if rsvp else None
    if going:
        if rsvp is not None and previous in (Status.GOING, Status.WAITLISTED):
            return rsvp
        status = Status.GOING if _has_room(occurrence) else Status.WAITLISTED
    else:
        status = Status.NOT_GOING
    if rsvp is None:
        rsvp = RSVP.objects.create(
            occurrence=occurrence, user=user, status=status, status_changed_at=now
        )
    elif previous != status:
        rsvp.status, rsvp.status_changed_at = status, now
        rsvp.save(update_fields=["status", "status_changed_at"])
    if previous == Status.GOING and status == Status.NOT_GOING:
        _promote_from_waitlist(occurrence, now)
    record_activity(user=user, group=occurrence.series.group_id)  # answering is taking part
    return rsvp


@transaction.atomic
def record_attendance(
    *, occurrence: Occurrence, attended_user_ids: set[int], now: dt.datetime | None = None
) -> Occurrence:
    """Mark who came; people who came without answering get a "going" answer recorded."""
    now = now or timezone.now()
    if occurrence.starts_at > now:
        raise ValidationError(_("Attendance can be recorded once the meeting has started."))
    members = set(
        Membership.objects.filter(
            group_id=occurrence.series.group_id, state=Membership.State.ACTIVE
        ).values_list("user_id", flat=True)
    )
    attended = attended_user_ids & members
    rsvps = {r.user_id: r for r in occurrence.rsvps.all()}
    for rsvp in rsvps.values():
        rsvp.attended = rsvp.user_id in attended
    RSVP.objects.bulk_update(rsvps.values(), ["attended"])
    RSVP.objects.bulk_create(
        RSVP(
            occurrence=occurrence,
            user_id=user_id,
            status=Status.GOING,
            status_changed_at=now,
            attended=True,
        )
        for user_id in attended - rsvps.keys()
    )
    record_activity_of(user_ids=attended, group=occurrence.series.group_id)
    return occurrence


# --- calendar feed and reminder preferences ------------------------------------------------------


@transaction.atomic
def regenerate_feed(*, user: User) -> CalendarFeed:
    """Create the person's secret address, or replace it (the old one stops working at once)."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
    return feed


@transaction.atomic
def revoke_feed(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


@transaction.atomic
def update_reminder_preferences(
    *, user: User, remind_24h: bool, remind_1h: bool, by_email: bool, in_app: bool
) -> ReminderPreference:
    return ReminderPreference.objects.update_or_create(
        user=user,
        defaults={
            "remind_24h": remind_24h,
            "remind_1h": remind_1h,
            "by_email": by_email,
            "in_app": in_app,
        },
    )[0]
