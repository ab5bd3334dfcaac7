"""Asking the facilitators: a member and a group's facilitators as a team. Any facilitator of
the group reads and answers, each answer shows who wrote it; the conversation waits for a reply
from the member's message on, can be given to one facilitator and closed; nobody else reads
it. With the site moderators it is the same, the moderators (with MFA) being the team."""

import pytest

from groups import services as groups_services
from groups.conversations import permissions, selectors, services
from groups.conversations.models import Conversation
from groups.models import Membership
from groups.policy import WriteRefused
from tests.conversations.conftest import ask, say
from tests.factories import FacilitatorMembershipFactory, UserFactory, with_mfa

pytestmark = pytest.mark.django_db


def test_any_facilitator_of_the_group_reads_and_answers_and_signs_it(people, time_machine):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    conversation = ask(people.marta, people.group, body="Is it normal to feel this tired?")
    assert conversation.kind == Conversation.Kind.FACILITATORS
    assert conversation.awaiting_reply_since.isoformat() == "2026-05-04T09:00:00+00:00"

    for facilitator in (people.fran, people.sam):
        assert permissions.read_verdict(facilitator, conversation)
        assert [c.pk for c in selectors.inbox(facilitator, team=True)] == [conversation.pk]
    for outsider in (people.nico, people.olga, people.oscar, with_mfa(UserFactory(is_staff=True))):
        assert not permissions.read_verdict(outsider, conversation)
        assert selectors.inbox(outsider, team=True) == []

    time_machine.move_to("2026-05-04 09:30Z", tick=False)
    answer = say(conversation, people.sam, "Yes, very. Rest when you can.").message
    assert answer.from_team and answer.author == people.sam
    conversation.refresh_from_db()
    assert conversation.awaiting_reply_since is None
    frame = selectors.serialize_message(answer)
    assert (frame["author"], frame["team"]) == ("Facil Sam", True)

    time_machine.move_to("2026-05-04 10:00Z", tick=False)
    say(conversation, people.marta, "Thank you. And the tingling?")
    conversation.refresh_from_db()
    assert conversation.awaiting_reply_since.isoformat() == "2026-05-04T10:00:00+00:00"


def test_it_is_assigned_to_one_facilitator_and_closed_and_opens_again(people):
    conversation = ask(people.marta, people.group)
    services.assign(conversation=conversation, by=people.fran, to=people.fran)
    assert [c.assigned_to for c in selectors.inbox(people.sam, team=True)] == [people.fran]
    assert [c.pk for c in selectors.inbox(people.fran, team=True, show="mine")] == [conversation.pk]
    assert selectors.inbox(people.sam, team=True, show="mine") == []
    with pytest.raises(WriteRefused):
        services.assign(conversation=conversation, by=people.fran, to=people.nico)
    with pytest.raises(WriteRefused):
        services.assign(conversation=conversation, by=people.marta, to=people.marta)

    services.close(conversation=conversation, by=people.sam)
    assert selectors.inbox(people.fran, team=True) == []
    assert [c.pk for c in selectors.inbox(people.fran, team=True, show="closed")] == [
        conversation.pk
    ]
    with pytest.raises(WriteRefused):
        services.close(conversation=conversation, by=people.marta)

    say(conversation, people.marta, "One more question, sorry")
    assert [c.pk for c in selectors.inbox(people.fran, team=True)] == [conversation.pk]


def test_a_new_facilitator_joins_the_team_and_one_who_steps_down_leaves_it(people):
    conversation = ask(people.marta, people.group)
    newcomer = FacilitatorMembershipFactory(group=people.group).user
    assert permissions.read_verdict(newcomer, conversation)
    groups_services.leave(user=people.fran, group=people.group)
    assert not permissions.read_verdict(people.fran, conversation)
    with pytest.raises(WriteRefused):
        say(conversation, people.fran, "Still here?")


def test_a_removed_member_loses_the_view(people):
    conversation = ask(people.marta, people.group)
    say(conversation, people.sam, "Come and see us on Thursday")
    membership = Membership.objects.get(user=people.marta, group=people.group)
    groups_services.remove(membership=membership, by=people.fran)
    assert not permissions.read_verdict(people.marta, conversation)
    assert selectors.inbox(people.marta) == []
    assert selectors.unread_total(user=people.marta) == 0


def test_facilitators_do_not_ask_their_own_group_and_nobody_asks_an_empty_team(people):
    with pytest.raises(WriteRefused) as refused:
        ask(people.fran, people.group)
    assert refused.value.verdict.code == "own_group"
    with pytest.raises(WriteRefused):
        ask(people.oscar, people.group)  # not a member
    Membership.objects.filter(group=people.group, role="facilitator").update(state="left")
    with pytest.raises(WriteRefused) as refused:
        ask(people.marta, people.group)
    assert refused.value.verdict.reason == "This group has no facilitator at the moment."


def test_the_site_moderators_are_a_team_too_with_mfa(people):
    conversation = ask(people.marta, None, body="Someone keeps messaging me")
    assert conversation.kind == Conversation.Kind.MODERATORS and conversation.group is None
    moderator = with_mfa(UserFactory(is_staff=True))
    without_mfa = UserFactory(is_staff=True)
    assert permissions.read_verdict(moderator, conversation)
    assert not permissions.read_verdict(without_mfa, conversation)
    assert not permissions.read_verdict(people.fran, conversation)
    assert [c.pk for c in selectors.inbox(moderator, team=True)] == [conversation.pk]
    assert say(conversation, moderator, "We are looking into it.").message.from_team


def test_unread_counts_are_per_person_on_the_team(people):
    conversation = ask(people.marta, people.group)
    assert selectors.unread_total(user=people.fran) == 1
    assert selectors.unread_total(user=people.sam) == 1
    services.mark_read(conversation=conversation, user=people.fran, up_to=10**9)
    assert selectors.unread_total(user=people.fran) == 0
    assert selectors.unread_total(user=people.sam) == 1
    say(conversation, people.sam, "Hello Marta")
    assert selectors.unread_total(user=people.sam) == 0
    assert selectors.unread_total(user=people.fran) == 1  # a colleague's answer is news too
    assert selectors.unread_total(user=people.marta) == 1
