"""Which reminders are due, what the email says, and its one-click links.

Sending is called directly here; tests/meetings/test_reminder_worker.py runs a real Celery worker.
"""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from groups.meetings import reminders, services
from groups.meetings.models import RSVP, ReminderDelivery, ReminderPreference
from groups.meetings.notifications import notify_of_change
from tests.factories import MembershipFactory, OccurrenceFactory, UserFactory

pytestmark = pytest.mark.django_db

JOIN = "https://video.example.org/room-42"


def starting_in(**delta):
    return OccurrenceFactory(
        starts_at=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(**delta),
        series__place="Riverside library",
    )


def prepare(now=None) -> list[int]:
    """The scan's database steps, without handing anything to the broker."""
    now = now or timezone.now()
    reminders.create_due_deliveries(now=now)
    reminders.skip_late_deliveries(now=now)
    return reminders.take_deliveries_to_enqueue(now=now)


def test_due_reminders_follow_time_and_preferences():
    occurrence = starting_in(hours=5)
    group = occurrence.series.group
    everything = MembershipFactory(group=group).user
    day_only = MembershipFactory(group=group).user
    ReminderPreference.objects.create(user=day_only, remind_1h=False)
    nothing = MembershipFactory(group=group).user
    ReminderPreference.objects.create(user=nothing, by_email=False, in_app=False)
    declined = MembershipFactory(group=group).user
    RSVP.objects.create(
        occurrence=occurrence, user=declined, status="not_going", status_changed_at=timezone.now()
    )
    MembershipFactory(group=group, state="pending")
    UserFactory()  # not in the group

    ids = prepare()
    due = set(ReminderDelivery.objects.values_list("user_id", "kind"))
    assert due == {(everything.pk, "24h"), (day_only.pk, "24h")}
    assert len(ids) == 2
    assert prepare() == []  # a second scan finds nothing new and re-enqueues nothing

    in_an_hour = timezone.now() + dt.timedelta(hours=4, minutes=1)
    prepare(now=in_an_hour)
    assert set(ReminderDelivery.objects.filter(kind="1h").values_list("user_id", flat=True)) == {
        everything.pk
    }


def test_reminders_after_the_start_are_skipped_but_late_ones_before_it_still_go():
    started = starting_in(minutes=-10)
    soon = starting_in(minutes=20)  # its 24h moment passed while nothing ran: still sent
    for occurrence in (started, soon):
        MembershipFactory(group=occurrence.series.group)
    ids = prepare()
    assert set(
        ReminderDelivery.objects.filter(occurrence=started).values_list("state", "skip_reason")
    ) == {("skipped", "late")}
    enqueued = ReminderDelivery.objects.filter(pk__in=ids)
    assert set(enqueued.values_list("occurrence", flat=True)) == {soon.pk}
    # The meeting starts before a worker gets to it: recorded as skipped, nothing sent.
    soon.starts_at = timezone.now() - dt.timedelta(minutes=1)
    soon.ends_at = soon.starts_at + dt.timedelta(hours=1)
    soon.save()
    assert reminders.send_delivery(delivery_id=ids[0]) is False
    assert ReminderDelivery.objects.get(pk=ids[0]).state == "skipped"
    reminders.skip_late_deliveries(now=timezone.now())
    assert not ReminderDelivery.objects.exclude(state="skipped").exists()
    assert mail.outbox == []


def test_reminder_email_names_group_time_link_and_carries_ics_and_one_click_links(client):
    occurrence = starting_in(hours=20)
    group = occurrence.series.group
    reader = MembershipFactory(group=group, user__time_zone="America/New_York").user
    services.set_rsvp(occurrence=occurrence, user=reader, going=True)
    (delivery_id,) = prepare()

    assert reminders.send_delivery(delivery_id=delivery_id) is True
    assert reminders.send_delivery(delivery_id=delivery_id) is False  # already sent
    (email,) = mail.outbox
    assert group.name in email.subject and email.to == [reader.email]
    new_york = occurrence.starts_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert email.subject.endswith(f"{new_york:%a %-d %b, %H:%M}")
    assert f"{new_york:%H:%M}–" in email.body and "(America/New_York)" in email.body
    assert JOIN in email.body and "Riverside library" in email.body
    name, content, mimetype = email.attachments[0]
    assert name == "meeting.ics" and mimetype.startswith("text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == occurrence.starts_at
    assert reader.notifications.filter(kind="reminder").count() == 1

    cant_make_it, settings_link = re.findall(r"http://[^\s]+/meetings/[^\s]+", email.body)[-2:]
    path = cant_make_it.split("8000", 1)[1]
    page = client.get(path)  # no sign-in needed
    assert page.status_code == 200 and occurrence.series.title in page.content.decode()
    assert RSVP.objects.get(user=reader).status == "going"  # opening the link changes nothing
    client.post(path)
    assert RSVP.objects.get(user=reader).status == "not_going"
    assert client.get(path[:-3] + "xx/").status_code == 404  # a tampered link

    settings_path = settings_link.split("8000", 1)[1]
    assert client.get(settings_path).status_code == 200
    client.post(settings_path, {"remind_24h": "on", "by_email": "on"})
    preference = ReminderPreference.objects.get(user=reader)
    assert (preference.remind_24h, preference.remind_1h, preference.in_app) == (True, False, False)


def test_in_app_only_reminder_sends_no_email():
    occurrence = starting_in(hours=2)
    reader = MembershipFactory(group=occurrence.series.group).user
    ReminderPreference.objects.create(user=reader, by_email=False)
    (delivery_id,) = prepare()
    reminders.send_delivery(delivery_id=delivery_id)
    assert mail.outbox == []
    assert reader.notifications.get().url == occurrence.get_absolute_url()


def test_people_who_left_get_no_reminder_and_no_join_link():
    occurrence = starting_in(hours=2)
    membership = MembershipFactory(group=occurrence.series.group)
    services.set_rsvp(occurrence=occurrence, user=membership.user, going=True)
    (delivery_id,) = prepare()
    membership.state = "left"
    membership.save()
    assert reminders.send_delivery(delivery_id=delivery_id) is False
    assert ReminderDelivery.objects.get().skip_reason == "not a member"
    # Having left, they no longer expect the group's meetings: no cancellation notice either.
    services.cancel_occurrence(occurrence=occurrence)
    assert notify_of_change(occurrence_id=occurrence.pk, change="cancelled") == 0
    assert mail.outbox == []


def _answer(occurrence, user, status):
    RSVP.objects.create(
        occurrence=occurrence, user=user, status=status, status_changed_at=timezone.now()
    )


@pytest.mark.parametrize("capacity", [None, 2])
@pytest.mark.parametrize("change", ["cancelled", "moved"])
def test_reminders_and_change_notices_reach_the_same_people(capacity, change):
    """One definition of who expects a meeting. Without a limit, everyone who has not said no
    (an unlimited meeting used to remind them all, yet tell only those who said "going" of a
    cancellation); with places, the people holding one."""
    occurrence = starting_in(hours=5)
    occurrence.series.capacity = capacity
    occurrence.series.save()
    group = occurrence.series.group
    going, silent, declined, waiting = (MembershipFactory(group=group).user for _ in range(4))
    _answer(occurrence, going, "going")
    _answer(occurrence, declined, "not_going")
    if capacity:
        _answer(occurrence, waiting, "waitlisted")
    suspended = MembershipFactory(group=group, user__is_active=False).user
    _answer(occurrence, suspended, "going")
    MembershipFactory(group=group, state="pending")

    prepare()
    reminded = set(ReminderDelivery.objects.values_list("user_id", flat=True))
    told = notify_of_change(occurrence_id=occurrence.pk, change=change)
    emailed = {email.to[0] for email in mail.outbox}

    expected = {going} if capacity else {going, silent, waiting}
    assert reminded == {user.pk for user in expected}
    assert emailed == {user.email for user in expected}
    assert told == len(expected)
