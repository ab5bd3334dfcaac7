"""Archived groups and finished cohorts are quiet: no new occurrences, no reminders, no RSVPs,
and their pages say they no longer meet."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.meetings import reminders, services
from groups.meetings.models import RSVP, Occurrence, ReminderDelivery
from tests.factories import (
    MeetingSeriesFactory,
    MembershipFactory,
    OccurrenceFactory,
    SupportGroupFactory,
    sanction,
)

pytestmark = pytest.mark.django_db

NO_LONGER_MEETS = "This group no longer meets"


def _archive(group, now=None):
    group.is_archived = True
    group.save(update_fields=["is_archived"])


def _finish_cohort(group, now):
    today = now.date()
    group.kind = "cohort"
    group.cohort_starts_on = today - dt.timedelta(days=60)
    group.cohort_ends_on = today - dt.timedelta(days=2)
    group.save()


@pytest.mark.parametrize("quiet", [_archive, _finish_cohort])
def test_a_quiet_group_materialises_no_new_occurrences(quiet):
    now = timezone.now()
    series = MeetingSeriesFactory(starts_on=now.date(), start_time=dt.time(18), recurrence="weekly")
    services.materialise_occurrences(series=series, now=now)
    made = series.occurrences.count()
    assert made > 0
    quiet(series.group, now)
    services.materialise_occurrences(series=series, now=now + dt.timedelta(days=30))
    assert series.occurrences.count() == made


def test_a_quiet_group_is_not_due_any_reminders():
    """The scan makes no delivery rows for it (not due); a row made before it was archived is
    recorded as skipped when a worker picks it up."""
    now = timezone.now().replace(second=0, microsecond=0)
    occurrence = OccurrenceFactory(starts_at=now + dt.timedelta(minutes=30))
    member = MembershipFactory(group=occurrence.series.group).user
    reminders.create_due_deliveries(now=now)
    made_before = ReminderDelivery.objects.get(user=member, kind="1h")
    _archive(occurrence.series.group)
    ReminderDelivery.objects.filter(kind="24h").delete()
    reminders.create_due_deliveries(now=now)
    assert list(ReminderDelivery.objects.values_list("pk", flat=True)) == [made_before.pk]
    assert reminders.claim_delivery(delivery_id=made_before.pk, now=now) is None
    made_before.refresh_from_db()
    assert (made_before.state, made_before.skip_reason) == ("skipped", "no longer meets")


def test_an_rsvp_in_an_archived_group_is_refused_with_the_reason(client):
    occurrence = OccurrenceFactory()
    member = MembershipFactory(group=occurrence.series.group).user
    _archive(occurrence.series.group)
    client.force_login(member)
    response = client.post(reverse("meetings:rsvp", args=[occurrence.pk]), {"going": "yes"})
    assert response.status_code == 403
    assert NO_LONGER_MEETS in response.content.decode()
    assert not RSVP.objects.exists()


def test_a_silenced_member_is_told_why_they_cannot_answer(client):
    occurrence = OccurrenceFactory()
    member = MembershipFactory(group=occurrence.series.group).user
    sanction(member, "silence")
    client.force_login(member)
    response = client.post(reverse("meetings:rsvp", args=[occurrence.pk]), {"going": "yes"})
    assert response.status_code == 403
    assert "A moderator has paused your posting" in response.content.decode()
    assert not RSVP.objects.exists()


def test_the_rsvp_service_refuses_too():
    from groups.policy import WriteRefused

    occurrence = OccurrenceFactory()
    member = MembershipFactory(group=occurrence.series.group).user
    _archive(occurrence.series.group)
    with pytest.raises(WriteRefused, match=NO_LONGER_MEETS):
        services.set_rsvp(occurrence=occurrence, user=member, going=True)
    assert not RSVP.objects.exists()


def test_meeting_and_group_pages_say_an_archived_group_no_longer_meets(client):
    occurrence = OccurrenceFactory()
    group = occurrence.series.group
    client.force_login(MembershipFactory(group=group).user)
    page = client.get(occurrence.get_absolute_url()).content.decode()
    assert "Are you coming?" in page and NO_LONGER_MEETS not in page
    _archive(group)
    page = client.get(occurrence.get_absolute_url()).content.decode()
    assert NO_LONGER_MEETS in page and "Are you coming?" not in page
    group_page = client.get(group.get_absolute_url()).content.decode()
    assert "no longer meets" in group_page
    assert reverse("meetings:occurrence", args=[occurrence.pk]) not in group_page


def test_the_series_task_leaves_archived_groups_alone():
    from groups.meetings.tasks import materialise_all

    quiet = SupportGroupFactory(is_archived=True)
    series = MeetingSeriesFactory(
        group=quiet, starts_on=timezone.now().date(), start_time=dt.time(18)
    )
    materialise_all()
    assert not Occurrence.objects.filter(series=series).exists()


def test_my_meetings_leaves_out_an_archived_groups_meetings(client):
    occurrence = OccurrenceFactory(series__title="Circle that stopped")
    client.force_login(MembershipFactory(group=occurrence.series.group).user)
    assert "Circle that stopped" in client.get(reverse("meetings:mine")).content.decode()
    _archive(occurrence.series.group)
    assert "Circle that stopped" not in client.get(reverse("meetings:mine")).content.decode()
