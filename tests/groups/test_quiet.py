"""Quiet members: answering or coming to a meeting, reacting and reading count as activity;
from the quiet list a facilitator sends a gentle check-in from the group's template, as a
conversation with the team, or as an in-app note to someone who takes no conversations."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forums import services as forum_services
from groups.conversations.models import ContactSetting
from groups.meetings import services as meeting_services
from groups.models import Membership
from supportgroups.models import Notification
from tests.factories import (
    BoardFactory,
    FacilitatorMembershipFactory,
    MembershipFactory,
    OccurrenceFactory,
    SupportGroupFactory,
    client_for,
)

pytestmark = pytest.mark.django_db

QUIET = "Quiet for over a week"


@pytest.fixture
def group():
    return SupportGroupFactory(
        name="Evening circle", check_in_template="Dear {name}, we miss you. No need to reply."
    )


@pytest.fixture
def facilitator(group):
    return FacilitatorMembershipFactory(group=group).user


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user__display_name="Quiet Quinn").user


def _quiet(user, group):
    Membership.objects.filter(user=user, group=group).update(
        last_active_at=timezone.now() - timedelta(days=9)
    )


def _is_quiet(facilitator, group) -> bool:
    page = client_for(facilitator).get(reverse("groups:manage", args=[group.slug]))
    return QUIET in page.content.decode()


def test_meeting_activity_clears_quiet(group, facilitator, member):
    occurrence = OccurrenceFactory(series__group=group)
    _quiet(member, group)
    assert _is_quiet(facilitator, group)
    meeting_services.set_rsvp(occurrence=occurrence, user=member, going=False)
    assert not _is_quiet(facilitator, group)  # even "can't make it" is taking part

    _quiet(member, group)
    past = OccurrenceFactory(
        series__group=group, starts_at=timezone.now().replace(microsecond=0) - timedelta(hours=2)
    )
    meeting_services.record_attendance(occurrence=past, attended_user_ids={member.pk})
    assert not _is_quiet(facilitator, group)


def test_reacting_and_reading_on_the_group_board_clear_quiet(group, facilitator, member):
    board = BoardFactory(group=group, slug="circle-board")
    written = forum_services.create_thread(
        author=facilitator, board=board, title="Hi", body="Hello"
    )
    _quiet(member, group)
    forum_services.toggle_reaction(user=member, post=written.post, kind="hug")
    assert not _is_quiet(facilitator, group)
    _quiet(member, group)
    assert client_for(member).get(written.post.thread.get_absolute_url()).status_code == 200
    assert not _is_quiet(facilitator, group)


def test_the_check_in_starts_from_the_groups_template_with_the_members_name(
    group, facilitator, member
):
    page = client_for(facilitator).get(
        reverse("conversations:check_in", args=[group.slug, member.pk])
    )
    assert "Dear Quiet Quinn, we miss you. No need to reply." in page.content.decode()
    assert "Send a gentle note instead" not in page.content.decode()


def test_a_member_who_takes_no_conversations_gets_an_in_app_note_instead(
    group, facilitator, member
):
    ContactSetting.objects.create(user=member, who_may_start="nobody")
    page = (
        client_for(facilitator)
        .get(reverse("conversations:check_in", args=[group.slug, member.pk]))
        .content.decode()
    )
    assert "Send a gentle note instead" in page and "Dear Quiet Quinn" in page
    note = reverse("groups:quiet_note", args=[group.slug, member.pk])
    response = client_for(facilitator).post(note, {"body": "Thinking of you, Quinn."})
    assert response.status_code == 302
    told = Notification.objects.get(user=member)
    assert told.title == "The facilitators of Evening circle are thinking of you"
    assert told.body == "Thinking of you, Quinn."


def test_only_facilitators_send_notes_and_only_to_members(group, facilitator, member):
    other = MembershipFactory(group=group).user
    note = reverse("groups:quiet_note", args=[group.slug, member.pk])
    assert client_for(other).post(note, {"body": "Hi"}).status_code == 403
    outsider = MembershipFactory().user
    elsewhere = reverse("groups:quiet_note", args=[group.slug, outsider.pk])
    assert client_for(facilitator).post(elsewhere, {"body": "Hi"}).status_code == 404
    assert client_for(facilitator).post(note, {"body": "x\x00y"}).status_code == 302
    assert not Notification.objects.filter(user__in=[member, outsider]).exists()


def test_one_gentle_note_a_day_the_second_is_refused_with_the_words_kept(
    group, facilitator, member
):
    ContactSetting.objects.create(user=member, who_may_start="nobody")
    note = reverse("groups:quiet_note", args=[group.slug, member.pk])
    assert client_for(facilitator).post(note, {"body": "Thinking of you."}).status_code == 302
    again = client_for(facilitator).post(note, {"body": "Still thinking of you."}, follow=True)
    text = again.content.decode()
    assert "wrote to them today already" in text
    assert Notification.objects.filter(user=member).count() == 1
