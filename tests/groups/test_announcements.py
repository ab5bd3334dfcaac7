"""Announcements: pinned on the group page until they expire, delivered once in-app and by email
as each member chose, scheduled for later, acknowledged, with read counts for the facilitators."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups import notifications, tasks
from groups.models import Announcement
from supportgroups.models import Notification, NotificationPreference
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def group():
    return SupportGroupFactory(name="Evening circle", slug="evening-circle")


@pytest.fixture
def facilitator(group):
    return FacilitatorMembershipFactory(group=group).user


def post(facilitator, group, **data):
    return client_for(facilitator).post(
        reverse("groups:announcements", args=[group.slug]),
        {"title": "Tonight moves online", "body": "Same time, **new link** in the chat.", **data},
    )


def test_delivered_once_in_app_to_everyone_and_by_email_as_each_chose(clock, group, facilitator):
    emailed = MembershipFactory(group=group).user
    in_app_only = MembershipFactory(group=group).user
    NotificationPreference.objects.create(user=in_app_only, kind="announcement", email=False)
    pending = MembershipFactory(group=group, state="pending").user
    outsider = UserFactory()

    assert post(facilitator, group).status_code == 302
    announcement = Announcement.objects.get()
    assert tasks.deliver_announcement(announcement.pk) == 1
    assert tasks.deliver_announcement(announcement.pk) == 0  # once only

    told = set(Notification.objects.filter(kind="announcement").values_list("user", flat=True))
    assert told == {emailed.pk, in_app_only.pk}  # not the writer, the pending or outsiders
    (email,) = mail.outbox
    assert email.to == [emailed.email]
    assert "Tonight moves online" in email.subject and "new link" in email.body
    assert "List-Unsubscribe" in email.extra_headers
    assert pending.pk not in told and outsider.pk not in told


def test_scheduled_announcements_wait_then_stay_pinned_until_they_expire(clock, group, facilitator):
    member = MembershipFactory(group=group).user
    later = NOW + timedelta(hours=2)
    response = post(
        facilitator,
        group,
        publish_at=later.strftime("%Y-%m-%dT%H:%M"),
        expires_at=(later + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    assert response.status_code == 302
    page = client_for(member).get(group.get_absolute_url()).content.decode()
    assert "Tonight moves online" not in page
    assert notifications.due_announcement_ids() == []

    clock.move_to(later + timedelta(minutes=1))
    (due,) = notifications.due_announcement_ids()
    tasks.deliver_announcement(due)
    assert member.notifications.filter(kind="announcement").count() == 1
    assert (
        "Tonight moves online" in client_for(member).get(group.get_absolute_url()).content.decode()
    )

    clock.move_to(later + timedelta(days=1, minutes=1))
    assert (
        "Tonight moves online"
        not in client_for(member).get(group.get_absolute_url()).content.decode()
    )


def test_members_acknowledge_and_facilitators_see_read_counts(clock, group, facilitator):
    reader, other = (MembershipFactory(group=group).user for _ in range(2))
    post(facilitator, group)
    announcement = Announcement.objects.get()
    url = reverse("groups:acknowledge", args=[group.slug, announcement.pk])
    for _ in range(2):  # twice counts once
        assert client_for(reader).post(url).status_code == 302
    assert client_for(UserFactory()).post(url).status_code == 404  # not a member
    assert (
        "You have read this." in client_for(reader).get(group.get_absolute_url()).content.decode()
    )
    assert "I have read this" in client_for(other).get(group.get_absolute_url()).content.decode()
    tools = client_for(facilitator).get(reverse("groups:announcements", args=[group.slug]))
    assert "1 of 3 members has read it" in tools.content.decode()


def test_the_form_validates_and_keeps_what_was_typed(clock, group, facilitator):
    response = post(facilitator, group, body="")
    assert response.status_code == 400 and "Tonight moves online" in response.content.decode()
    backwards = post(
        facilitator,
        group,
        expires_at=(NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    assert backwards.status_code == 400
    assert "Keep it pinned until after it is published." in backwards.content.decode()
    assert "new link" in backwards.content.decode()
    assert not Announcement.objects.exists()


def test_only_facilitators_and_staff_announce(clock, group):
    member = MembershipFactory(group=group).user
    assert post(member, group).status_code == 403
    assert (
        client_for(UserFactory())
        .get(reverse("groups:announcements", args=[group.slug]))
        .status_code
        == 404
    )
    assert not Announcement.objects.exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_group_page_costs_the_same_with_one_or_many_announcements(clock, group, facilitator):
    member = client_for(MembershipFactory(group=group).user)
    post(facilitator, group, title="First")
    member.get(group.get_absolute_url())
    one = _queries(member, group.get_absolute_url())
    for n in range(4):
        post(facilitator, group, title=f"More {n}")
    assert _queries(member, group.get_absolute_url()) == one
