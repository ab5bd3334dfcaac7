"""Check-in reminders: weekly groups remind each member once a week, before-meeting groups
once in the day before each meeting; in-app and by email as the person chose; exactly once per
period however often the scan and the workers run (frozen clock)."""

import datetime as dt

import pytest
from django.core import mail

from groups.checkins import reminders, services
from groups.checkins.models import CheckInReminder, CheckInSetup
from supportgroups.models import Notification, NotificationPreference
from tests.factories import (
    FacilitatorMembershipFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    OccurrenceFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2027, 3, 8, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def group(db):
    group = SupportGroupFactory(name="Tuesday circle")
    CheckInSetup.objects.create(group=group, enabled=True)
    return group


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user=UserFactory(display_name="Marta")).user


def _send_all(now=None) -> int:
    return sum(
        reminders.send_reminder(reminder_id=pk, now=now)
        for pk in reminders.scan_due_reminders(now=now)
    )


def _reminded(person) -> int:
    return Notification.objects.filter(user=person, kind=Notification.Kind.REMINDER).count()


def test_a_weekly_group_reminds_each_member_once_a_week(time_machine, group, member):
    facilitator = FacilitatorMembershipFactory(group=group).user
    answered = MembershipFactory(group=group).user
    MembershipFactory(group=SupportGroupFactory())  # another group, no check-in
    time_machine.move_to(MONDAY, tick=False)
    services.submit(member=answered, group=group, score=2, problems=[], consent=True)

    assert _send_all() == 2
    assert sorted(a for m in mail.outbox for a in m.to) == sorted([member.email, facilitator.email])
    assert "/check-in/" in mail.outbox[0].body and "optional" in mail.outbox[0].body
    assert (_reminded(member), _reminded(facilitator), _reminded(answered)) == (1, 1, 0)

    # Scans and redelivered tasks later the same week: nothing more.
    time_machine.move_to(MONDAY + dt.timedelta(days=3), tick=False)
    assert _send_all() == 0
    for reminder in CheckInReminder.objects.all():
        assert reminders.send_reminder(reminder_id=reminder.pk) is False
    assert len(mail.outbox) == 2 and _reminded(member) == 1

    # The next week, once more.
    time_machine.move_to(MONDAY + dt.timedelta(days=7), tick=False)
    assert _send_all() == 3
    assert _reminded(member) == 2


def test_email_follows_the_persons_choice_and_the_bell_still_reminds(time_machine, group, member):
    NotificationPreference.objects.create(user=member, kind="reminder", email=False)
    time_machine.move_to(MONDAY, tick=False)
    assert _send_all() == 1
    assert mail.outbox == [] and _reminded(member) == 1


def test_a_before_meeting_group_reminds_in_the_day_before_each_meeting(time_machine, group, member):
    setup = CheckInSetup.objects.get(group=group)
    setup.cadence = CheckInSetup.Cadence.BEFORE_MEETING
    setup.save()
    thursday = MONDAY + dt.timedelta(days=3, hours=8)  # Thursday 18:00
    series = MeetingSeriesFactory(group=group, first_at=thursday)
    meeting = OccurrenceFactory(series=series, starts_at=thursday)

    time_machine.move_to(thursday - dt.timedelta(hours=25), tick=False)
    assert _send_all() == 0  # more than a day ahead
    time_machine.move_to(thursday - dt.timedelta(hours=23), tick=False)
    assert _send_all() == 1
    assert CheckInReminder.objects.get().period == f"meeting-{meeting.pk}"
    time_machine.move_to(thursday - dt.timedelta(hours=1), tick=False)
    assert _send_all() == 0


def test_a_reminder_no_longer_due_when_its_worker_runs_is_skipped(time_machine, group, member):
    time_machine.move_to(MONDAY, tick=False)
    (reminder_id,) = reminders.scan_due_reminders()
    services.submit(member=member, group=group, score=1, problems=[], consent=True)
    assert reminders.send_reminder(reminder_id=reminder_id) is False
    reminder = CheckInReminder.objects.get()
    assert reminder.skipped_at == MONDAY and reminder.sent_at is None
    assert mail.outbox == [] and _reminded(member) == 0

    # Turned off: the next week nothing is made at all.
    CheckInSetup.objects.filter(group=group).update(enabled=False)
    time_machine.move_to(MONDAY + dt.timedelta(days=7), tick=False)
    assert reminders.scan_due_reminders() == []


def test_a_claimed_reminder_is_sent_by_one_worker_and_retried_after_the_lease(
    time_machine, group, member
):
    time_machine.move_to(MONDAY, tick=False)
    (reminder_id,) = reminders.scan_due_reminders()
    assert reminders.scan_due_reminders() == []  # its task is queued: not enqueued twice
    CheckInReminder.objects.filter(pk=reminder_id).update(claimed_at=MONDAY)  # a worker died
    assert reminders.scan_due_reminders() == []  # held by its claim
    assert reminders.send_reminder(reminder_id=reminder_id) is False

    time_machine.move_to(MONDAY + reminders.CLAIM_LEASE + dt.timedelta(seconds=1), tick=False)
    assert reminders.scan_due_reminders() == [reminder_id]
    assert reminders.send_reminder(reminder_id=reminder_id) is True
    assert reminders.send_reminder(reminder_id=reminder_id) is False
    assert len(mail.outbox) == 1 and _reminded(member) == 1
