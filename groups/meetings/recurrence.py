"""Expand a meeting series into dated occurrences with dateutil's rrule.

The rule runs on naive local date-times in the series' zone, and each result is then placed in that
zone and converted to UTC. That is what keeps a weekly 18:00 London meeting at 18:00 London time on
both sides of a daylight-saving change (its UTC time moves instead).
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from dateutil import rrule

from .models import MeetingSeries

Recurrence = MeetingSeries.Recurrence


@dataclass(frozen=True)
class Slot:
    local_date: dt.date
    starts_at: dt.datetime  # aware, UTC
    ends_at: dt.datetime  # aware, UTC


def local_to_utc(day: dt.date, at: dt.time, zone: str) -> dt.datetime:
    local = dt.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(zone))
    return local.astimezone(dt.UTC)


def nth_weekday(day: dt.date) -> int:
    """Which weekday of its month `day` is: 1..4, or -1 for a fifth (i.e. the last) one."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


def build_rule(series: MeetingSeries) -> rrule.rrule:
    start = dt.datetime.combine(series.starts_on, series.start_time)
    until = dt.datetime.combine(series.ended_on, dt.time.max) if series.ended_on else None
    if series.recurrence == Recurrence.ONCE:
        return rrule.rrule(rrule.DAILY, dtstart=start, count=1)
    if series.recurrence == Recurrence.MONTHLY:
        weekday = rrule.weekdays[series.starts_on.weekday()](nth_weekday(series.starts_on))
        return rrule.rrule(rrule.MONTHLY, dtstart=start, until=until, byweekday=weekday)
    interval = 2 if series.recurrence == Recurrence.FORTNIGHTLY else 1
    return rrule.rrule(rrule.WEEKLY, dtstart=start, until=until, interval=interval)


def expand(series: MeetingSeries, *, after: dt.datetime, before: dt.datetime) -> list[Slot]:
    """Occurrences that start in [after, before) (aware datetimes), in order."""
    zone = zoneinfo.ZoneInfo(series.time_zone)
    # Widen the local window by a day either side; the exact UTC bounds are applied below.
    lo = after.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=1)
    hi = before.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
    duration = dt.timedelta(minutes=series.duration_minutes)
    slots = []
    for local in build_rule(series).between(lo, hi, inc=True):
        starts_at = local_to_utc(local.date(), local.time(), series.time_zone)
        if after <= starts_at < before:
            slots.append(Slot(local.date(), starts_at, starts_at + duration))
    return slots
