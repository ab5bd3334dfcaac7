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
    """[start, end) in the organisation's time zone; `now` is when the report was asked for."""

    start: datetime.datetime
    end: datetime.datetime
    now: datetime.datetime


def months_back(
    count: int, *, now: datetime.datetime | None = None
) -> tuple[Window, list[datetime.date]]:
    """The last `count` calendar months, this one included, and the first day of each."""
    now = now or timezone.now()
    local = timezone.localtime(now, organisation_time_zone()).date()
    year, month = local.year, local.month
    firsts = []
    for _ in range(count):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    firsts.reverse()
    start = _local_midnight(firsts[0])
    return Window(start=start, end=now, now=now), firsts


def weeks_back(
    count: int, *, now: datetime.datetime | None = None
) -> tuple[Window, list[datetime.date]]:
    """The last `count` weeks (Monday to Sunday), this one included, and each Monday."""
    now = now or timezone.now()
    local = timezone.localtime(now, organisation_time_zone()).date()
    this_monday = local - datetime.timedelta(days=local.weekday())
    mondays = [this_monday - datetime.timedelta(weeks=n) for n in reversed(range(count))]
    return Window(start=_local_midnight(mondays[0]), end=now, now=now), mondays


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
