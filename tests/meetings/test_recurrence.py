"""Recurrence expansion and daylight saving, from the rule to what each viewer reads."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from groups.meetings import services
from groups.meetings.models import MeetingSeries, Occurrence
from groups.meetings.recurrence import expand
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = dt.UTC


def series(**kwargs) -> MeetingSeries:
    fields = {
        "title": "Evening circle",
        "starts_on": dt.date(2027, 3, 18),  # a Thursday; UK clocks go forward on 28 March 2027
        "start_time": dt.time(18, 0),
        "duration_minutes": 90,
        "time_zone": "Europe/London",
        "recurrence": MeetingSeries.Recurrence.WEEKLY,
    }
    fields.update(kwargs)
    return MeetingSeries(**fields)


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_weekly_london_meeting_stays_at_six_pm_local_across_the_clock_change():
    slots = expand(series(), after=utc(2027, 3, 1), before=utc(2027, 4, 10))
    assert [s.local_date for s in slots] == [
        dt.date(2027, 3, 18),
        dt.date(2027, 3, 25),
        dt.date(2027, 4, 1),
        dt.date(2027, 4, 8),
    ]
    assert {s.starts_at.astimezone(LONDON).time() for s in slots} == {dt.time(18, 0)}
    # Before the change London is UTC+0, after it UTC+1: the UTC time moves, not the local one.
    assert slots[1].starts_at == utc(2027, 3, 25, 18, 0)
    assert slots[2].starts_at == utc(2027, 4, 1, 17, 0)
    assert slots[2].ends_at - slots[2].starts_at == dt.timedelta(minutes=90)


def test_fortnightly_skips_a_week_and_one_off_happens_once():
    fortnightly = expand(
        series(recurrence=MeetingSeries.Recurrence.FORTNIGHTLY),
        after=utc(2027, 3, 1),
        before=utc(2027, 4, 30),
    )
    assert [s.local_date.day for s in fortnightly] == [18, 1, 15, 29]
    once = expand(
        series(recurrence=MeetingSeries.Recurrence.ONCE),
        after=utc(2027, 1, 1),
        before=utc(2028, 1, 1),
    )
    assert [s.local_date for s in once] == [dt.date(2027, 3, 18)]


def test_monthly_on_the_nth_weekday_and_the_last_weekday():
    second_tuesday = expand(
        series(starts_on=dt.date(2027, 1, 12), recurrence=MeetingSeries.Recurrence.MONTHLY),
        after=utc(2027, 1, 1),
        before=utc(2027, 5, 1),
    )
    assert [s.local_date for s in second_tuesday] == [
        dt.date(2027, 1, 12),
        dt.date(2027, 2, 9),
        dt.date(2027, 3, 9),
        dt.date(2027, 4, 13),
    ]
    # 29 March 2027 is a fifth Monday: it repeats on the last Monday of each month.
    last_monday = expand(
        series(starts_on=dt.date(2027, 3, 29), recurrence=MeetingSeries.Recurrence.MONTHLY),
        after=utc(2027, 3, 1),
        before=utc(2027, 7, 1),
    )
    assert [s.local_date for s in last_monday] == [
        dt.date(2027, 3, 29),
        dt.date(2027, 4, 26),
        dt.date(2027, 5, 31),
        dt.date(2027, 6, 28),
    ]


def test_series_end_date_stops_the_rule():
    slots = expand(
        series(ended_on=dt.date(2027, 3, 25)), after=utc(2027, 3, 1), before=utc(2027, 6, 1)
    )
    assert [s.local_date.day for s in slots] == [18, 25]


@pytest.mark.django_db
def test_materialising_is_idempotent_and_ending_removes_later_dates():
    group = SupportGroupFactory(time_zone="Europe/London")
    facilitator = UserFactory()
    now = utc(2027, 3, 10, 12)
    made = services.create_series(
        group=group,
        created_by=facilitator,
        now=now,
        **{k: v for k, v in vars(series()).items() if k in FIELDS},
    )
    assert made.occurrences.count() == 12  # the Thursdays from 18 March to 3 June (90 days)
    services.materialise_occurrences(series=made, now=now)
    assert made.occurrences.count() == 12
    services.end_series(series=made, last_date=dt.date(2027, 4, 1), now=now)
    assert list(made.occurrences.values_list("local_date", flat=True)) == [
        dt.date(2027, 3, 18),
        dt.date(2027, 3, 25),
        dt.date(2027, 4, 1),
    ]


FIELDS = {"title", "starts_on", "start_time", "duration_minutes", "time_zone", "recurrence"}


@pytest.mark.django_db
def test_viewers_see_the_time_in_their_own_zone_with_the_group_zone_beside(client, time_machine):
    time_machine.move_to(utc(2027, 3, 10, 12))  # the pages list what is still to come
    group = SupportGroupFactory(time_zone="Europe/London")
    made = services.create_series(
        group=group,
        created_by=UserFactory(),
        now=utc(2027, 3, 10, 12),
        place="Community room",
        **{k: v for k, v in vars(series()).items() if k in FIELDS},
    )
    assert made.occurrences.count() > 3
    new_yorker = UserFactory(time_zone="America/New_York")
    londoner = UserFactory(time_zone="Europe/London")
    for person in (new_yorker, londoner):
        MembershipFactory(user=person, group=group)

    client.force_login(new_yorker)
    page = client.get(reverse("meetings:mine")).content.decode()
    # New York changed its clocks on 14 March, London on 28 March: New York sees 14:00, then 13:00.
    assert "Thu 25 Mar 2027, 14:00–15:30" in page
    assert "Thu 1 Apr 2027, 13:00–14:30" in page
    assert "Thu 18:00 in Europe/London" in page

    client.force_login(londoner)
    page = client.get(reverse("meetings:mine")).content.decode()
    assert "Thu 25 Mar 2027, 18:00–19:30" in page
    assert "Thu 1 Apr 2027, 18:00–19:30" in page
    assert "in Europe/London" not in page  # same zone: no second time
    assert Occurrence.objects.filter(series=made, starts_at=utc(2027, 4, 1, 17)).exists()
