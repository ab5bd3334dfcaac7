"""What every app's `reports.py` shares: the reporting window, the organisation's calendar and
the SQL aggregates the figures are made with (counts and durations, never words).

The apps' `reports.py` modules return plain numbers keyed by group and period; the reports area
(`reports/`, the top layer) turns them into tables and charts and suppresses small cells.
"""

import datetime
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import (
    Aggregate,
    DateTimeField,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import ExtractHour, TruncMonth, TruncWeek
from django.utils import timezone


def organisation_time_zone() -> zoneinfo.ZoneInfo:
    """Weeks, months and hours of the day are the organisation's own."""
    return zoneinfo.ZoneInfo(settings.ORGANISATION_TIME_ZONE)


@dataclass(frozen=True)
class Window:
    """[start, end) in the organisation's time zone; `now` is when the report was asked for.
    `end` is never after `now`: the meetings held, or the follow-ups due, are those before it."""

    start: datetime.datetime
    end: datetime.datetime
    now: datetime.datetime


def add_months(first: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months after (or before) `first`'s."""
    index = first.year * 12 + first.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def this_month(now: datetime.datetime) -> datetime.date:
    """The first day of the organisation's current month."""
    return timezone.localtime(now, organisation_time_zone()).date().replace(day=1)


def months_between(
    first: datetime.date, last: datetime.date, *, now: datetime.datetime
) -> tuple[Window, list[datetime.date]]:
    """The calendar months from `first`'s to `last`'s, both included, and the first day of
    each; the window ends with the last month, or now if that comes sooner."""
    firsts = [first.replace(day=1)]
    while firsts[-1] < last.replace(day=1):
        firsts.append(add_months(firsts[-1], 1))
    end = min(_local_midnight(add_months(firsts[-1], 1)), now)
    return Window(start=_local_midnight(firsts[0]), end=end, now=now), firsts


def weeks_within(window: Window, count: int) -> tuple[Window, list[datetime.date]]:
    """The last `count` weeks (Monday to Sunday) that end in the window, and each Monday; the
    first week may begin before the window, whose start then cuts it."""
    zone = organisation_time_zone()
    first_day = window.start.astimezone(zone).date()
    last_day = max(
        (window.end - datetime.timedelta(microseconds=1)).astimezone(zone).date(), first_day
    )
    this_monday = last_day - datetime.timedelta(days=last_day.weekday())
    mondays = [this_monday - datetime.timedelta(weeks=n) for n in reversed(range(count))]
    mondays = [m for m in mondays if m + datetime.timedelta(days=7) > first_day]
    start = max(_local_midnight(mondays[0]), window.start)
    return Window(start=start, end=window.end, now=window.now), mondays


@dataclass(frozen=True)
class PeriodCount:
    """How many of something one group had in one period (a month or a week)."""

    group_id: int
    period: datetime.date
    count: int


def month_of(field: str) -> TruncMonth:
    """date_trunc('month') in the organisation's time zone."""
    return TruncMonth(field, tzinfo=organisation_time_zone(), output_field=DateTimeField())


def week_of(field: str) -> TruncWeek:
    """date_trunc('week') (weeks start on Monday) in the organisation's time zone."""
    return TruncWeek(field, tzinfo=organisation_time_zone(), output_field=DateTimeField())


def hour_of(field: str) -> ExtractHour:
    """The hour of the day on the organisation's clocks."""
    return ExtractHour(field, tzinfo=organisation_time_zone())


def local_date(value: datetime.datetime) -> datetime.date:
    """A truncated period's first day, as the organisation's calendar has it."""
    return value.astimezone(organisation_time_zone()).date()


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=organisation_time_zone())


Rows = TypeVar("Rows", bound=QuerySet[Any, Any])


def in_groups(queryset: Rows, field: str, group_ids: Sequence[int] | None) -> Rows:
    """Only the rows of these groups (None: every group, and rows belonging to none)."""
    if group_ids is None:
        return queryset
    return queryset.filter(Q(**{f"{field}__in": list(group_ids)}))


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the median at 0.5, the 90th percentile at 0.9."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile is between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


class MinutesBetween(Func):
    """The minutes from one timestamp to a later one, as a float."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s)) / 60.0"
    arg_joiner = " - "
    output_field = FloatField()

    def __init__(self, start: str | Combinable, end: str | Combinable) -> None:
        start_expr = F(start) if isinstance(start, str) else start
        end_expr = F(end) if isinstance(end, str) else end
        super().__init__(end_expr, start_expr)
