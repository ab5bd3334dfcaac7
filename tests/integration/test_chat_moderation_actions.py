"""What chat's facilitator controls record through moderation's action table: removing a message
and muting a member are refused by the same rules as the queue, written to the audit log,
told to the member and appealable to the group's other facilitators."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from groups.chat import services as chat
from groups.chat.models import ChatMessage
from moderation import actions, appeals, errors, in_place, permissions, queue, selectors, services
from moderation.models import AuditLogEntry, ReviewItem, Sanction
from supportgroups.models import Notification
from tests.factories import FacilitatorMembershipFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def said(group, author, body: str) -> ChatMessage:
    room = chat.room_for_group(group=group)
    return chat.post_message(
        room=room, author=author, body=body, client_msg_id=uuid.uuid4()
    ).message


def nothing_changed():
    return (Sanction.objects.count(), AuditLogEntry.objects.count(), Notification.objects.count())


def test_removing_a_message_is_recorded_told_and_appealable(group, facilitator, member):
    message = said(group, member, "you are all fools")
    entry = in_place.act_directly(action="remove", target=message, by=facilitator, reason="Rude")
    message.refresh_from_db()
    assert message.is_hidden
    item = ReviewItem.objects.get()
    assert (item.group_id, item.author, item.state, item.resolution) == (
        group.pk, member, "resolved", "removed",
    )  # fmt: skip
    assert (entry.action, entry.actor, entry.subject, entry.reason) == (
        "remove", facilitator, member, "Rude",
    )  # fmt: skip
    told = Notification.objects.get(user=member)
    assert told.url == f"/moderation/appeals/{entry.pk}/"
    appeal = appeals.appeal(action=entry, user=member, body="It was a joke")
    appeal_item = ReviewItem.objects.get(content_type__model="appeal", object_id=appeal.pk)
    assert appeal_item.group_id == group.pk


def test_a_reported_message_removed_in_the_room_closes_its_queue_item(
    group, facilitator, member, other_member
):
    message = said(group, member, "buy my pills")
    services.request_review(target=message, reason="spam", by=other_member)
    in_place.act_directly(action="hide", target=message, by=facilitator, reason="Spam")
    item = ReviewItem.objects.get()
    assert (item.state, item.resolution) == ("resolved", "hidden")
    assert list(item.audit.values_list("action", flat=True)) == ["reported", "hide"]


def test_removal_is_refused_outside_ones_group_and_on_ones_own_words(
    group, facilitator, member, other_facilitator
):
    message = said(group, member, "hello")
    before = nothing_changed()
    with pytest.raises(errors.ActionRefused):
        in_place.act_directly(action="remove", target=message, by=other_facilitator, reason="r")
    own = said(group, facilitator, "my own words")
    with pytest.raises(errors.ActionRefused, match="something you wrote"):
        in_place.act_directly(action="remove", target=own, by=facilitator, reason="r")
    with pytest.raises(ValidationError):
        in_place.act_directly(action="remove", target=message, by=facilitator, reason="  ")
    assert nothing_changed() == before
    assert not ChatMessage.objects.filter(is_hidden=True).exists()
    assert not ReviewItem.objects.filter(state="resolved").exists()


def test_muting_a_member_in_one_group(group, facilitator, member):
    start = timezone.now()
    sanction = in_place.mute_in_group(
        member=member, group_id=group.pk, by=facilitator, minutes=15, reason="Cool off"
    )
    end = timezone.now()
    assert (sanction.kind, sanction.group_id, sanction.user) == ("mute", group.pk, member)
    assert start + timedelta(minutes=15) <= sanction.until <= end + timedelta(minutes=15)
    entry = sanction.action
    assert (entry.action, entry.actor, entry.subject) == ("mute", facilitator, member)
    assert not selectors.can_post(member, group.pk)
    assert selectors.can_post(member, group.pk + 1) and selectors.can_post(member)
    assert Notification.objects.get(user=member).url == f"/moderation/appeals/{entry.pk}/"


def test_a_chat_mute_is_appealed_to_the_groups_other_facilitators(group, facilitator, member):
    colleague = UserFactory()
    FacilitatorMembershipFactory(group=group, user=colleague)
    sanction = in_place.mute_in_group(
        member=member, group_id=group.pk, by=facilitator, minutes=60, reason="Cool off"
    )
    appeal = appeals.appeal(action=sanction.action, user=member, body="I was quoting someone")
    item = ReviewItem.objects.get(content_type__model="appeal", object_id=appeal.pk)
    assert item.group_id == group.pk
    assert not permissions.can_handle(facilitator, item)  # took the decision
    item = queue.claim(item_id=item.pk, user=colleague, version=item.version)
    actions.do_approve(item_id=item.pk, user=colleague, version=item.version, reason="Fair")
    assert selectors.can_post(member, group.pk)
    # What the member writes about it reaches the facilitator who muted them.
    appeals.write_to_facilitators(action=sanction.action, user=member, body="Thanks")
    assert Notification.objects.filter(user=facilitator, body="Thanks").exists()


def test_mute_is_refused_by_the_same_rules(group, facilitator, member, other_facilitator):
    staff = UserFactory(is_staff=True)
    MembershipFactory(group=group, user=staff)
    before = nothing_changed()
    refusals = [
        {"member": member, "by": other_facilitator, "minutes": 5},  # not their group
        {"member": staff, "by": facilitator, "minutes": 5},  # staff: only site moderators
        {"member": facilitator, "by": facilitator, "minutes": 5},  # oneself
    ]
    for case in refusals:
        with pytest.raises(errors.ActionRefused):
            in_place.mute_in_group(group_id=group.pk, reason="r", **case)
    with pytest.raises(ValidationError):
        in_place.mute_in_group(
            member=member, group_id=group.pk, by=facilitator, minutes=0, reason="r"
        )
    assert nothing_changed() == before
    assert selectors.can_post(member, group.pk) and selectors.can_post(staff, group.pk)
