"""moderation's figures for the organisation's reports: how fast a person in crisis reached a
human, counted from the audit log's timestamps (never an excerpt, a note or a name)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, DateTimeField, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from supportgroups.reporting import (
    MinutesBetween,
    Percentile,
    Window,
    hour_of,
    in_groups,
    local_date,
    week_of,
)

from .models import AuditLogEntry, FollowUp, Report, ReviewItem

Action = AuditLogEntry.Action

# The actions that close an item (moderation.actions.TABLE's `closes_as`).
CLOSING = (Action.APPROVE, Action.DISMISS, Action.HIDE, Action.REMOVE, Action.RESTORE)
# A person answering: claiming it, or closing it straight away.
FIRST_RESPONSE = (Action.CLAIMED, *CLOSING)


@dataclass(frozen=True)
class ResponseTimes:
    """Crisis items opened in one week, or at one hour of the day; minutes."""

    period: datetime.date | int
    items: int
    escalated: int
    to_claim_median: float | None
    to_claim_p90: float | None
    to_claim_worst: float | None
    to_close_median: float | None
    to_close_p90: float | None
    to_close_worst: float | None


@dataclass(frozen=True)
class FollowUps:
    week: datetime.date
    due: int
    on_time: int
    late: int
    not_done: int


def _first(actions: tuple[str, ...]) -> Subquery:
    return Subquery(
        AuditLogEntry.objects.filter(
            item_id=OuterRef("pk"), action__in=actions, actor__isnull=False
        )
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )


def crisis_response(
    group_ids: Sequence[int] | None, window: Window, *, by: Literal["week", "hour"]
) -> list[ResponseTimes]:
    """Median, 90th percentile and worst minutes from the crisis flag to the first person who
    claimed (or closed) it and to its closing; an item still waiting counts as waiting until
    now, so the worst case is never hidden by being unanswered."""
    bucket = week_of("opened_at") if by == "week" else hour_of("opened_at")
    to_claim = MinutesBetween("opened_at", Coalesce(F("claimed"), F("asked_at")))
    to_close = MinutesBetween("opened_at", Coalesce(F("closed"), F("asked_at")))
    rows = (
        in_groups(ReviewItem.objects.all(), "group_id", group_ids)
        .filter(crisis=True, opened_at__gte=window.start, opened_at__lt=window.end)
        .alias(
            claimed=_first(FIRST_RESPONSE),
            closed=_first(CLOSING),
            asked_at=Value(window.now, output_field=DateTimeField()),
        )
        .annotate(period=bucket)
        .values("period")
        .annotate(
            items=Count("id"),
            escalated=Count("id", filter=Q(backup_alerted_at__isnull=False)),
            to_claim_median=Percentile(to_claim, 0.5),
            to_claim_p90=Percentile(to_claim, 0.9),
            to_claim_worst=Max(to_claim),
            to_close_median=Percentile(to_close, 0.5),
            to_close_p90=Percentile(to_close, 0.9),
            to_close_worst=Max(to_close),
        )
        .order_by("period")
    )
    return [
        ResponseTimes(
            period=local_date(row["period"]) if by == "week" else row["period"],
            items=row["items"],
            escalated=row["escalated"],
            to_claim_median=row["to_claim_median"],
            to_claim_p90=row["to_claim_p90"],
            to_claim_worst=row["to_claim_worst"],
            to_close_median=row["to_close_median"],
            to_close_p90=row["to_close_p90"],
            to_close_worst=row["to_close_worst"],
        )
        for row in rows
    ]


def follow_ups_by_week(group_ids: Sequence[int] | None, window: Window) -> list[FollowUps]:
    """Follow-ups falling due each week: recorded by the time they were due, later, or not yet."""
    rows = (
        in_groups(FollowUp.objects.all(), "item__group_id", group_ids)
        .filter(due_at__gte=window.start, due_at__lt=window.end)
        .annotate(week=week_of("due_at"))
        .values("week")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(done_at__lte=F("due_at"))),
            late=Count("id", filter=Q(done_at__gt=F("due_at"))),
            not_done=Count("id", filter=Q(done_at__isnull=True)),
        )
        .order_by("week")
    )
    return [
        FollowUps(local_date(r["week"]), r["due"], r["on_time"], r["late"], r["not_done"])
        for r in rows
    ]


def reports_by_reason(group_ids: Sequence[int] | None, window: Window) -> dict[str, int]:
    """Members' reports made in the window, by the reason they gave."""
    rows = (
        in_groups(Report.objects.all(), "item__group_id", group_ids)
        .filter(created_at__gte=window.start, created_at__lt=window.end)
        .values("reason")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {row["reason"]: row["count"] for row in rows}


def items_handled_by_person(group_ids: Sequence[int] | None, window: Window) -> dict[int, int]:
    """Items each person closed in the window (the reports area shows counts, by role)."""
    rows = (
        in_groups(AuditLogEntry.objects.all(), "item__group_id", group_ids)
        .filter(
            action__in=CLOSING,
            actor__isnull=False,
            created_at__gte=window.start,
            created_at__lt=window.end,
        )
        .values("actor_id")
        .annotate(count=Count("item_id", distinct=True))
        .order_by()
    )
    return {row["actor_id"]: row["count"] for row in rows}
