"""Facilitators plan, edit, move, cancel and end meetings; bad input gets clear errors."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from groups.meetings.models import RSVP, MeetingSeries, Occurrence
from groups.meetings.notifications import notify_of_change
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    OccurrenceFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

GOOD = {
    "title": "Tuesday circle",
    "starts_on": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
    "start_time": "18:00",
    "end_time": "19:30",
    "time_zone": "Europe/London",
    "recurrence": "weekly",
    "ended_on": "",
    "place": "",
    "join_url": "https://video.example.org/tuesday",
    "note": "Bring a cup of tea.",
    "capacity": "",
}


@pytest.fixture
def facilitated(client):
    group = SupportGroupFactory()
    facilitator = FacilitatorMembershipFactory(group=group).user
    client.force_login(facilitator)
    return group


def test_facilitator_plans_a_weekly_meeting(client, facilitated):
    response = client.post(reverse("meetings:series_create", args=[facilitated.slug]), GOOD)
    series = MeetingSeries.objects.get(group=facilitated)
    assert response.status_code == 302 and response.url == series.get_absolute_url()
    assert series.duration_minutes == 90
    assert 12 <= series.occurrences.count() <= 13  # weekly for the 90-day horizon
    page = client.get(series.get_absolute_url()).content.decode()
    assert "Tuesday circle" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_time": "17:00"}, "end_time", "The meeting must end after it starts."),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "is not a time zone we know"),
        ({"join_url": "javascript:alert(1)"}, "join_url", "starting with https:// or http://"),
        ({"join_url": "ftp://files.example.org/x"}, "join_url", "starting with https://"),
        ({"ended_on": "2020-01-01"}, "ended_on", "cannot be before the first date"),
        ({"join_url": "", "place": ""}, "place", "Give a place, an online join link, or both."),
    ],
)
def test_bad_input_gets_a_clear_error_and_keeps_what_was_typed(
    client, facilitated, changes, field, message
):
    data = {**GOOD, **changes}
    response = client.post(reverse("meetings:series_create", args=[facilitated.slug]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    page = response.content.decode()
    assert "Tuesday circle" in page and "Bring a cup of tea." in page
    if changes.get("join_url"):
        assert 'value="{}"'.format(changes["join_url"]) in page
    assert not MeetingSeries.objects.exists()


def test_outsiders_get_404_and_members_403_on_facilitator_pages(client):
    group = SupportGroupFactory()
    occurrence = OccurrenceFactory(series__group=group)
    urls = [
        reverse("meetings:series_create", args=[group.slug]),
        reverse("meetings:series", args=[occurrence.series.pk]),
        reverse("meetings:series_edit", args=[occurrence.series.pk]),
        reverse("meetings:occurrence_cancel", args=[occurrence.pk]),
        reverse("meetings:occurrence_move", args=[occurrence.pk]),
        reverse("meetings:attendance", args=[occurrence.pk]),
    ]
    client.force_login(UserFactory())
    assert {client.get(url).status_code for url in urls} == {404}
    client.force_login(MembershipFactory(group=group).user)
    assert {client.get(url).status_code for url in urls} == {403}
    assert client.post(urls[3]).status_code == 403
    assert not Occurrence.objects.filter(is_cancelled=True).exists()


def test_editing_the_time_moves_future_dates_and_tells_people_expecting_them(client, facilitated):
    client.post(reverse("meetings:series_create", args=[facilitated.slug]), GOOD)
    series = MeetingSeries.objects.get()
    first = series.occurrences.first()
    member = MembershipFactory(group=facilitated).user
    RSVP.objects.create(
        occurrence=first, user=member, status="going", status_changed_at=first.starts_at
    )
    edit = {**GOOD, "start_time": "19:00", "end_time": "20:00"}
    response = client.post(reverse("meetings:series_edit", args=[series.pk]), edit)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.sequence == 1 and first.ends_at - first.starts_at == dt.timedelta(hours=1)
    notify_of_change(occurrence_id=first.pk, change="moved")
    # Everyone who has not said no, the facilitator running it included.
    facilitator = facilitated.memberships.get(role="facilitator").user
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, facilitator.email])


def test_move_and_cancel_one_occurrence_email_the_people_going(
    client, facilitated, django_capture_on_commit_callbacks
):
    # Limited places: only the people holding one expect it.
    occurrence = OccurrenceFactory(series__group=facilitated, series__capacity=5)
    going, not_going = MembershipFactory(group=facilitated), MembershipFactory(group=facilitated)
    RSVP.objects.create(
        occurrence=occurrence,
        user=going.user,
        status="going",
        status_changed_at=occurrence.starts_at,
    )
    RSVP.objects.create(
        occurrence=occurrence,
        user=not_going.user,
        status="not_going",
        status_changed_at=occurrence.starts_at,
    )
    move_url = reverse("meetings:occurrence_move", args=[occurrence.pk])
    bad = client.post(move_url, {"new_date": "2020-01-02", "start_time": "10:00", "end_time": "11"})
    assert bad.status_code == 200 and "2020-01-02" in bad.content.decode()
    past = client.post(
        move_url, {"new_date": "2020-01-02", "start_time": "10:00", "end_time": "11:00"}
    )
    assert "Choose a time in the future." in past.content.decode()

    new_day = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    client.post(move_url, {"new_date": new_day, "start_time": "10:00", "end_time": "11:00"})
    occurrence.refresh_from_db()
    assert occurrence.is_moved and occurrence.local_date != dt.date.fromisoformat(new_day)
    assert occurrence.starts_at.isoformat().startswith(new_day)
    notify_of_change(occurrence_id=occurrence.pk, change="moved")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [going.user.email]
    assert "New time" in mail.outbox[0].subject

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("meetings:occurrence_cancel", args=[occurrence.pk]))
    assert len(callbacks) == 1  # the notice task is enqueued once the cancellation commits
    occurrence.refresh_from_db()
    assert occurrence.is_cancelled and occurrence.sequence == 2
    notify_of_change(occurrence_id=occurrence.pk, change="cancelled")
    assert mail.outbox[1].to == [going.user.email] and "Cancelled" in mail.outbox[1].subject
    assert going.user.notifications.count() == 2


def test_ending_a_series_before_it_starts_is_refused_clearly(client, facilitated):
    client.post(reverse("meetings:series_create", args=[facilitated.slug]), GOOD)
    series = MeetingSeries.objects.get()
    response = client.post(
        reverse("meetings:series", args=[series.pk]), {"last_date": "2020-05-01"}
    )
    assert response.status_code == 200
    assert "The last date cannot be before the first date." in response.content.decode()
    assert 'value="2020-05-01"' in response.content.decode()
    series.refresh_from_db()
    assert series.ended_on is None and series.occurrences.count() > 10
    last = series.occurrences.all()[1].local_date
    client.post(reverse("meetings:series", args=[series.pk]), {"last_date": last.isoformat()})
    assert series.occurrences.count() == 2


def test_an_archived_group_plans_no_new_meetings(client, facilitated):
    facilitated.is_archived = True
    facilitated.save()
    response = client.post(reverse("meetings:series_create", args=[facilitated.slug]), GOOD)
    assert response.status_code == 200
    assert "plans no new meetings" in response.content.decode()
    assert not MeetingSeries.objects.exists()
