"""The private per-person calendar feed: parses, holds only the person's groups, can be revoked."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from groups.meetings import services
from groups.meetings.models import CalendarFeed
from tests.factories import MembershipFactory, OccurrenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def feed_events(client, url) -> list:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_feed_holds_my_groups_meetings_with_cancellations_and_nobody_elses(client):
    me = UserFactory()
    mine = OccurrenceFactory(series__title="Mine")
    cancelled = OccurrenceFactory(series=mine.series, local_date="2030-01-01")
    services.cancel_occurrence(occurrence=cancelled)
    MembershipFactory(user=me, group=mine.series.group)
    left = OccurrenceFactory(series__title="Left")
    MembershipFactory(user=me, group=left.series.group, state="left")
    OccurrenceFactory(series__title="Stranger")
    feed = services.regenerate_feed(user=me)

    client.logout()  # calendar apps fetch the feed without a session
    events = feed_events(client, reverse("meetings:feed", args=[feed.token]))
    assert {str(e["SUMMARY"]) for e in events} == {f"Mine ({mine.series.group.name})"}
    assert sorted(str(e["STATUS"]) for e in events) == ["CANCELLED", "CONFIRMED"]
    assert all("https://video.example.org/room-42" in str(e["DESCRIPTION"]) for e in events)


def test_feed_address_is_regenerated_and_revoked_from_the_settings_page(client):
    me = UserFactory()
    client.force_login(me)
    page = client.get(reverse("meetings:feed_settings")).content.decode()
    assert "Create my calendar address" in page
    client.post(reverse("meetings:feed_change"), {"action": "regenerate"})
    first = CalendarFeed.objects.get(user=me).token
    page = client.get(reverse("meetings:feed_settings")).content.decode()
    assert first in page

    client.post(reverse("meetings:feed_change"), {"action": "regenerate"})
    second = CalendarFeed.objects.get(user=me).token
    assert second != first
    assert client.get(reverse("meetings:feed", args=[first])).status_code == 404
    assert client.get(reverse("meetings:feed", args=[second])).status_code == 200

    client.post(reverse("meetings:feed_change"), {"action": "revoke"})
    assert client.get(reverse("meetings:feed", args=[second])).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_feed_query_count_is_constant(client, django_assert_num_queries):
    me = UserFactory()
    for _ in range(4):
        occurrence = OccurrenceFactory()
        MembershipFactory(user=me, group=occurrence.series.group)
    token = services.regenerate_feed(user=me).token
    # the feed with its owner, then the occurrences with series and group
    with django_assert_num_queries(2):
        client.get(reverse("meetings:feed", args=[token]))
