"""Check-ins at 2 and 6 weeks after the introduction, to both sides, asked exactly once by the
beat's scan; "this isn't working" reaches the coordinator privately, never the other side."""

import datetime as dt

import pytest
from django.urls import reverse

from groups.mentoring import services
from groups.mentoring.models import MatchCheckIn
from supportgroups.models import Notification
from tests.factories import UserFactory, client_for

from .conftest import make_mentor, make_request, walk_to_active

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2027, 3, 8, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def match(time_machine, coordinator):
    time_machine.move_to(MONDAY, tick=False)
    mentor = make_mentor("Mentor Max").user
    request = make_request(mentee=UserFactory(display_name="Mentee Mia"))
    return walk_to_active(request, mentor, coordinator)


def _asked(match):
    return sorted((c.week, c.person.display_name) for c in MatchCheckIn.objects.filter(match=match))


def test_both_sides_are_asked_at_two_and_six_weeks_once_each(time_machine, match):
    time_machine.move_to(MONDAY + dt.timedelta(days=13, hours=23), tick=False)
    assert services.ask_check_ins() == 0

    time_machine.move_to(MONDAY + dt.timedelta(weeks=2), tick=False)
    assert services.ask_check_ins() == 2
    assert services.ask_check_ins() == 0  # the next scan asks nobody again
    assert _asked(match) == [(2, "Mentee Mia"), (2, "Mentor Max")]

    time_machine.move_to(MONDAY + dt.timedelta(weeks=5), tick=False)
    assert services.ask_check_ins() == 0

    time_machine.move_to(MONDAY + dt.timedelta(weeks=6, hours=1), tick=False)
    assert services.ask_check_ins() == 2
    assert services.ask_check_ins() == 0
    assert _asked(match) == [
        (2, "Mentee Mia"),
        (2, "Mentor Max"),
        (6, "Mentee Mia"),
        (6, "Mentor Max"),
    ]
    time_machine.move_to(MONDAY + dt.timedelta(weeks=20), tick=False)
    assert services.ask_check_ins() == 0
    lines = Notification.objects.filter(title="How is your mentoring going?")
    assert sorted(lines.values_list("user__display_name", flat=True)) == [
        "Mentee Mia",
        "Mentee Mia",
        "Mentor Max",
        "Mentor Max",
    ]


def test_an_ended_match_is_not_asked(time_machine, match):
    services.end(match=match, by=match.mentee)
    time_machine.move_to(MONDAY + dt.timedelta(weeks=3), tick=False)
    assert services.ask_check_ins() == 0


def test_this_isnt_working_goes_to_the_coordinator_only(
    time_machine, match, coordinator, django_capture_on_commit_callbacks
):
    time_machine.move_to(MONDAY + dt.timedelta(weeks=2), tick=False)
    services.ask_check_ins()
    check_in = MatchCheckIn.objects.get(match=match, person=match.mentee)
    Notification.objects.all().delete()

    client = client_for(match.mentee)
    url = reverse("mentoring:check_in", args=[check_in.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"answer": "not_working", "note": "We never agree on times"})
    assert response.status_code == 302
    assert list(Notification.objects.values_list("user__display_name", flat=True)) == [
        "Coordinator Cora"
    ]
    page = client_for(coordinator).get(reverse("mentoring:coordinate")).content.decode()
    assert "We never agree on times" in page
    # Neither the mentor nor anyone else opens the mentee's answer.
    for person in (match.mentor, coordinator):
        assert client_for(person).get(url).status_code == 404
    assert (
        "We never agree on times"
        not in client_for(match.mentor)
        .get(reverse("mentoring:match", args=[match.pk]))
        .content.decode()
    )


def test_a_bad_answer_changes_nothing(time_machine, match):
    time_machine.move_to(MONDAY + dt.timedelta(weeks=2), tick=False)
    services.ask_check_ins()
    check_in = MatchCheckIn.objects.get(match=match, person=match.mentor)
    url = reverse("mentoring:check_in", args=[check_in.pk])
    client = client_for(match.mentor)
    assert client.post(url, {"answer": "splendid"}).status_code == 400
    assert client.post(url, {"answer": "well", "note": "fine\x00"}).status_code == 400
    check_in.refresh_from_db()
    assert check_in.answered_at is None


def test_a_check_in_left_unanswered_when_the_match_ends_is_no_longer_asked(
    time_machine, match, coordinator
):
    """Its "not working" would send the coordinator to a match their page no longer lists."""
    time_machine.move_to(MONDAY + dt.timedelta(weeks=2), tick=False)
    services.ask_check_ins()
    check_in = MatchCheckIn.objects.get(match=match, person=match.mentee)
    services.end(match=match, by=match.mentor)

    client = client_for(match.mentee)
    assert (
        reverse("mentoring:check_in", args=[check_in.pk])
        not in client.get(reverse("mentoring:home")).content.decode()
    )
    response = client.post(
        reverse("mentoring:check_in", args=[check_in.pk]), {"answer": "not_working", "note": ""}
    )
    assert "This match has ended" in response.content.decode()
    check_in.refresh_from_db()
    assert check_in.answered_at is None
    assert not Notification.objects.filter(user=coordinator).exists()
