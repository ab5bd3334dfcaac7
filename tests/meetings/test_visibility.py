"""Meetings follow their group's visibility: a meeting of a group you cannot see is a 404, and a
calendar feed answers only for an active account and only with the groups it still belongs to."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from groups.meetings import services
from tests.factories import MembershipFactory, OccurrenceFactory, UserFactory, sanction

pytestmark = pytest.mark.django_db

JOIN = "https://video.example.org/room-42"


@pytest.fixture
def unlisted():
    return OccurrenceFactory(
        series__group__is_listed=False, series__place="Room 9", series__note="Ring the bell"
    )


def _urls(occurrence):
    return [
        reverse("meetings:occurrence", args=[occurrence.pk]),
        reverse("meetings:occurrence_ics", args=[occurrence.pk]),
    ]


def test_a_meeting_of_an_unlisted_group_is_a_404_to_outsiders(client, unlisted):
    group = unlisted.series.group
    pending = MembershipFactory(group=group, state="pending").user
    removed = MembershipFactory(group=group, state="removed").user
    for who in (None, UserFactory(), pending, removed):
        if who is not None:
            client.force_login(who)
        for url in _urls(unlisted):
            assert client.get(url).status_code == 404, (who, url)
    client.force_login(MembershipFactory(group=group).user)
    for url in _urls(unlisted):
        response = client.get(url)
        assert response.status_code == 200
    assert JOIN in client.get(_urls(unlisted)[0]).content.decode()


def test_a_listed_groups_meeting_shows_public_details_to_anyone(client):
    occurrence = OccurrenceFactory(series__place="Riverside library")
    page, ics = (client.get(url) for url in _urls(occurrence))
    assert page.status_code == ics.status_code == 200
    assert "Riverside library" in page.content.decode()
    assert JOIN not in page.content.decode() and JOIN not in ics.content.decode()


def _feed_url(user):
    return reverse("meetings:feed", args=[services.regenerate_feed(user=user).token])


@pytest.mark.parametrize("how", ["suspended", "memorialised", "deactivated"])
def test_an_inactive_accounts_feed_stops_answering(client, how):
    occurrence = OccurrenceFactory()
    member = MembershipFactory(group=occurrence.series.group).user
    url = _feed_url(member)
    assert client.get(url).status_code == 200
    if how == "suspended":
        sanction(member, "suspend")
    elif how == "memorialised":
        from supportgroups.privacy.services import memorialise

        memorialise(user=member, by=None)
    else:
        member.is_active = False
        member.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_a_removed_members_feed_drops_that_groups_meetings(client):
    kept = OccurrenceFactory(series__title="Kept")
    gone = OccurrenceFactory(series__title="Gone")
    member = MembershipFactory(group=kept.series.group).user
    removed = MembershipFactory(group=gone.series.group, user=member)
    url = _feed_url(member)
    removed.state = "removed"
    removed.save(update_fields=["state"])
    events = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    assert [str(e["SUMMARY"]).split(" (")[0] for e in events] == ["Kept"]
