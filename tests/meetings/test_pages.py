"""What members and outsiders see, RSVPs with a waitlist, and attendance."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from groups.meetings import services
from groups.meetings.models import RSVP
from groups.rendering import GROUP_PAGE
from tests.factories import (
    FacilitatorMembershipFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    OccurrenceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

JOIN = "https://video.example.org/room-42"


@pytest.fixture
def occurrence():
    return OccurrenceFactory(series__place="Maggie's Centre, room 2")


def test_group_page_shows_next_meetings_and_the_link_only_to_members(client, occurrence):
    group = occurrence.series.group
    url = reverse("groups:detail", args=[group.slug])
    outsider_page = client.get(url).content.decode()
    assert occurrence.series.title in outsider_page and "room 2" in outsider_page
    assert JOIN not in outsider_page
    client.force_login(UserFactory())
    assert JOIN not in client.get(url).content.decode()
    client.force_login(MembershipFactory(group=group, state="pending").user)
    assert JOIN not in client.get(url).content.decode()
    client.force_login(MembershipFactory(group=group).user)
    assert JOIN in client.get(url).content.decode()


def test_occurrence_page_and_ics_give_the_link_only_to_members(client, occurrence):
    page_url = reverse("meetings:occurrence", args=[occurrence.pk])
    ics_url = reverse("meetings:occurrence_ics", args=[occurrence.pk])
    former = MembershipFactory(group=occurrence.series.group, state="left").user
    for who in (None, UserFactory(), former):
        if who:
            client.force_login(who)
        assert JOIN not in client.get(page_url).content.decode()
        event = Calendar.from_ical(client.get(ics_url).content).walk("VEVENT")[0]
        assert JOIN not in event.to_ical().decode()
        assert event["LOCATION"] == "Maggie's Centre, room 2"
    client.force_login(MembershipFactory(group=occurrence.series.group).user)
    assert JOIN in client.get(page_url).content.decode()
    event = Calendar.from_ical(client.get(ics_url).content).walk("VEVENT")[0]
    assert JOIN in event["DESCRIPTION"]
    assert event.decoded("DTSTART") == occurrence.starts_at


def test_my_meetings_lists_only_my_groups_in_constant_queries(client, django_assert_num_queries):
    me = UserFactory(time_zone="Asia/Singapore")
    mine = [OccurrenceFactory() for _ in range(3)]
    for occurrence in mine:
        MembershipFactory(user=me, group=occurrence.series.group)
    other = OccurrenceFactory()
    client.force_login(me)
    # session, user, the occurrences with my answer (the header's unread count and whether it
    # links to the moderation queue are worked out at sign-in and kept, supportgroups.live.Kept)
    with django_assert_num_queries(3):
        page = client.get(reverse("meetings:mine")).content.decode()
    assert all(o.series.title in page for o in mine)
    assert other.series.title not in page
    assert "Asia/Singapore" in page
    for _ in range(5):
        occurrence = OccurrenceFactory()
        MembershipFactory(user=me, group=occurrence.series.group)
    with django_assert_num_queries(3):
        client.get(reverse("meetings:mine"))


def test_group_panel_query_count_does_not_grow_with_meetings(client, django_assert_num_queries):
    occurrence = OccurrenceFactory()
    group = occurrence.series.group
    client.force_login(FacilitatorMembershipFactory(group=group).user)
    url = reverse("groups:detail", args=[group.slug])
    client.get(url)  # the first visit also records things once (e.g. last activity)
    GROUP_PAGE.move()  # the page's kept part is worked out again, as after the meetings below
    with CaptureQueriesContext(connection) as one_meeting:
        client.get(url)
    for days in range(1, 6):
        OccurrenceFactory(
            series=occurrence.series, starts_at=occurrence.starts_at + dt.timedelta(days=days)
        )
    # The panel's own queries: the next occurrences with their series, the series to manage.
    with django_assert_num_queries(len(one_meeting)):
        page = client.get(url).content.decode()
    assert page.count("Join online") == 5  # the next five of six


def test_rsvp_waitlist_moves_up_when_someone_withdraws(client):
    occurrence = OccurrenceFactory(series__capacity=1)
    group = occurrence.series.group
    first, second = MembershipFactory(group=group).user, MembershipFactory(group=group).user
    rsvp_url = reverse("meetings:rsvp", args=[occurrence.pk])
    client.force_login(first)
    client.post(rsvp_url, {"going": "yes"})
    client.force_login(second)
    client.post(rsvp_url, {"going": "yes"})
    client.post(rsvp_url, {"going": "yes"})  # a second click changes nothing
    assert RSVP.objects.get(user=second).status == "waitlisted"
    assert RSVP.objects.count() == 2
    client.force_login(first)
    client.post(rsvp_url, {"going": "no"})
    assert RSVP.objects.get(user=first).status == "not_going"
    assert RSVP.objects.get(user=second).status == "going"
    assert second.notifications.filter(kind="meeting_change").exists()


def test_outsiders_cannot_rsvp(client, occurrence):
    client.force_login(UserFactory())
    response = client.post(reverse("meetings:rsvp", args=[occurrence.pk]), {"going": "yes"})
    assert response.status_code == 403
    assert not RSVP.objects.exists()


def test_facilitator_sees_answers_and_records_attendance(client):
    occurrence = OccurrenceFactory(starts_at=timezone.now() + dt.timedelta(hours=1))
    group = occurrence.series.group
    facilitator = FacilitatorMembershipFactory(group=group).user
    came, stayed_home = (
        MembershipFactory(group=group, user__display_name="Came Along").user,
        MembershipFactory(group=group).user,
    )
    services.set_rsvp(occurrence=occurrence, user=came, going=True)
    services.set_rsvp(occurrence=occurrence, user=stayed_home, going=True)
    client.force_login(facilitator)
    page = client.get(reverse("meetings:occurrence", args=[occurrence.pk])).content.decode()
    assert "2 going" in page and "Came Along" in page

    url = reverse("meetings:attendance", args=[occurrence.pk])
    early = client.post(url, {"attended": [str(came.pk)]})
    assert "once the meeting has started" in early.content.decode()
    occurrence.starts_at = timezone.now() - dt.timedelta(minutes=5)
    occurrence.save()
    walk_in = MembershipFactory(group=group).user
    client.post(url, {"attended": [str(came.pk), str(walk_in.pk)]})
    attended = dict(RSVP.objects.values_list("user_id", "attended"))
    assert attended == {came.pk: True, stayed_home.pk: False, walk_in.pk: True}


def test_series_page_lists_dates_with_counts_in_constant_queries(client, django_assert_num_queries):
    occurrence = OccurrenceFactory(series__capacity=5)
    group = occurrence.series.group
    client.force_login(FacilitatorMembershipFactory(group=group).user)
    url = reverse("meetings:series", args=[occurrence.series.pk])
    client.get(url)  # the first visit also records things once (e.g. last activity)
    with CaptureQueriesContext(connection) as one_date:
        client.get(url)
    for days in range(1, 8):
        other = OccurrenceFactory(
            series=occurrence.series, starts_at=occurrence.starts_at + dt.timedelta(days=days)
        )
        services.set_rsvp(occurrence=other, user=MembershipFactory(group=group).user, going=True)
    # The page's own: the series with its group, access, the dates with going/waitlist counts.
    with django_assert_num_queries(len(one_date)):
        page = client.get(url).content.decode()
    assert page.count("1 / 5") == 7


def test_more_places_move_the_waitlist_up():
    # An occurrence the series' own rule makes, so re-materialising on update keeps it whatever
    # the time of day the test runs at.
    series = MeetingSeriesFactory(
        capacity=1, starts_on=timezone.now().date() + dt.timedelta(days=3), start_time=dt.time(18)
    )
    services.materialise_occurrences(series=series)
    occurrence = series.occurrences.order_by("starts_at").first()
    group = series.group
    first, second, third = (MembershipFactory(group=group).user for _ in range(3))
    for person in (first, second, third):
        services.set_rsvp(occurrence=occurrence, user=person, going=True)
    assert RSVP.objects.filter(status="waitlisted").count() == 2
    services.update_series(series=occurrence.series, capacity=2)
    assert RSVP.objects.get(user=second).status == "going"  # first come, first served
    assert RSVP.objects.get(user=third).status == "waitlisted"
