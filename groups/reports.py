"""groups' figures for the organisation's reports: counts per group and period, never a name
or a word anyone wrote. Each function is one SQL query, whatever the number of groups."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery

from supportgroups.reporting import (
    MinutesBetween,
    Percentile,
    PeriodCount,
    Window,
    in_groups,
    local_date,
    month_of,
)

from .chat.models import ChatMessage
from .meetings.models import RSVP
from .models import MembershipEvent, SupportGroup

Kind = MembershipEvent.Kind

# A person became a member: at once, approved, given a place from the waitlist, or invited.
BECAME_MEMBER = (Kind.JOINED, Kind.APPROVED, Kind.ADMITTED, Kind.INVITED)
DECIDED = (Kind.APPROVED, Kind.DECLINED, Kind.WAITLISTED)


@dataclass(frozen=True)
class Decisions:
    group_id: int
    requests: int
    approved: int
    declined: int
    median_hours_to_decision: float | None


@dataclass(frozen=True)
class Attendance:
    group_id: int
    month: datetime.date
    meetings: int
    going: int
    attended: int


def group_names(group_ids: Sequence[int] | None) -> dict[int, str]:
    return dict(in_groups(SupportGroup.objects.all(), "pk", group_ids).values_list("pk", "name"))


def new_members_by_month(group_ids: Sequence[int] | None, window: Window) -> list[PeriodCount]:
    """People who became members, per group and month (someone who left and came back counts
    each time they came in)."""
    rows = (
        in_groups(MembershipEvent.objects.all(), "membership__group_id", group_ids)
        .filter(kind__in=BECAME_MEMBER, created_at__gte=window.start, created_at__lt=window.end)
        .annotate(month=month_of("created_at"))
        .values("membership__group_id", "month")
        .annotate(count=Count("id"))
        .order_by()
    )
    return [
        PeriodCount(row["membership__group_id"], local_date(row["month"]), row["count"])
        for row in rows
    ]


def decisions(group_ids: Sequence[int] | None, window: Window) -> list[Decisions]:
    """Requests to join made in the window, how they were answered, and how long that took."""
    answers = MembershipEvent.objects.filter(
        membership_id=OuterRef("membership_id"),
        kind__in=DECIDED,
        created_at__gte=OuterRef("created_at"),
    ).order_by("created_at", "id")
    rows = (
        in_groups(MembershipEvent.objects.all(), "membership__group_id", group_ids)
        .filter(kind=Kind.REQUESTED, created_at__gte=window.start, created_at__lt=window.end)
        .annotate(
            answered_at=Subquery(answers.values("created_at")[:1]),
            answer=Subquery(answers.values("kind")[:1]),
        )
        .values("membership__group_id")
        .annotate(
            requests=Count("id"),
            approved=Count("id", filter=Q(answer=Kind.APPROVED)),
            declined=Count("id", filter=Q(answer=Kind.DECLINED)),
            median=Percentile(MinutesBetween("created_at", "answered_at"), 0.5),
        )
        .order_by()
    )
    return [
        Decisions(
            group_id=row["membership__group_id"],
            requests=row["requests"],
            approved=row["approved"],
            declined=row["declined"],
            median_hours_to_decision=None if row["median"] is None else row["median"] / 60,
        )
        for row in rows
    ]


def attendance_by_month(group_ids: Sequence[int] | None, window: Window) -> list[Attendance]:
    """Meetings held (not cancelled, already begun), the RSVPs saying "going" and the people the
    facilitators marked as there, per group and month."""
    rows = (
        in_groups(RSVP.objects.all(), "occurrence__series__group_id", group_ids)
        .filter(
            occurrence__is_cancelled=False,
            occurrence__starts_at__gte=window.start,
            occurrence__starts_at__lt=window.now,
        )
        .annotate(month=month_of("occurrence__starts_at"))
        .values("occurrence__series__group_id", "month")
        .annotate(
            meetings=Count("occurrence_id", distinct=True),
            going=Count("id", filter=Q(status=RSVP.Status.GOING)),
            attended=Count("id", filter=Q(attended=True)),
        )
        .order_by()
    )
    return [
        Attendance(
            group_id=row["occurrence__series__group_id"],
            month=local_date(row["month"]),
            meetings=row["meetings"],
            going=row["going"],
            attended=row["attended"],
        )
        for row in rows
    ]


def chat_messages_by_month(group_ids: Sequence[int] | None, window: Window) -> list[PeriodCount]:
    rows = (
        in_groups(ChatMessage.objects.all(), "room__group_id", group_ids)
        .filter(created_at__gte=window.start, created_at__lt=window.end, is_held=False)
        .annotate(month=month_of("created_at"))
        .values("room__group_id", "month")
        .annotate(count=Count("id"))
        .order_by()
    )
    return [
        PeriodCount(row["room__group_id"], local_date(row["month"]), row["count"]) for row in rows
    ]
