"""Member to member by consent: each person's setting decides who may start a conversation
with them; the first message from someone new is a request, and nothing after it reaches them
until they accept."""

import pytest

from groups.conversations import permissions, selectors, services
from groups.conversations.models import ContactSetting, Participant
from groups.policy import WriteRefused
from tests.conversations.conftest import People, say, start
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NOBODY, FACILITATORS, SHARED = ContactSetting.WhoMayStart.values

# Who may start a conversation with Marta, for each of her settings:
# a member of her group, a facilitator of her group, and a member of another group only.
CONSENT = {
    NOBODY: {"member": False, "facilitator": False, "stranger": False},
    FACILITATORS: {"member": False, "facilitator": True, "stranger": False},
    SHARED: {"member": True, "facilitator": True, "stranger": False},
}


def _starter(people: People, who: str):
    return {"member": people.nico, "facilitator": people.fran, "stranger": people.oscar}[who]


@pytest.mark.parametrize("setting", list(CONSENT))
@pytest.mark.parametrize("who", ["member", "facilitator", "stranger"])
def test_the_setting_decides_who_may_start(people, setting, who):
    services.set_contact_setting(user=people.marta, who_may_start=setting)
    starter = _starter(people, who)
    group = people.other_group if who == "stranger" else people.group
    allowed = CONSENT[setting][who]

    listed = people.marta in selectors.people_to_write_to(starter=starter, group=group)
    assert listed is (allowed and who != "stranger")
    assert permissions.may_start_with(starter, people.marta, people.group) is allowed
    if allowed:
        conversation = start(starter, group, people.marta)
        seat = permissions.seat_of(people.marta, conversation)
        assert seat.is_asked, "someone new: a request first"
    else:
        with pytest.raises(WriteRefused) as refused:
            start(starter, group, people.marta)
        # The same words whatever the reason: a setting and a block look alike.
        assert refused.value.verdict.reason == "Marta does not take new conversations from you."
        assert not Participant.objects.filter(user=people.marta).exists()


def test_the_default_is_people_who_share_a_group(people):
    assert permissions.who_may_start(people.marta) == SHARED
    assert permissions.may_start_with(people.nico, people.marta, people.group)
    assert not permissions.may_start_with(people.oscar, people.marta, people.group)


def test_a_changed_setting_applies_to_the_next_start_at_once(people):
    start(people.nico, people.group, people.marta)
    services.set_contact_setting(user=people.nico, who_may_start=NOBODY)
    with pytest.raises(WriteRefused):
        start(people.marta, people.group, people.nico)
    services.set_contact_setting(user=people.nico, who_may_start=SHARED)
    assert start(people.marta, people.group, people.nico)


def test_nothing_after_the_request_reaches_them_until_they_accept(people):
    conversation = start(people.nico, people.group, people.marta, body="My scan is on Monday too")
    say(conversation, people.nico, "Are you nervous?")
    say(conversation, people.nico, "I am, a lot")

    seat = permissions.seat_of(people.marta, conversation)
    assert [m.body for m in selectors.messages_for(conversation, people.marta, seat)] == [
        "My scan is on Monday too"
    ]
    assert not permissions.read_verdict(people.marta, conversation)
    assert conversation not in selectors.readable(people.marta)
    assert [p.conversation for p in selectors.requests_for(user=people.marta)] == [conversation]
    assert selectors.unread_total(user=people.marta) == 1  # the request, not three messages
    with pytest.raises(WriteRefused):
        say(conversation, people.marta, "Answering without accepting")

    services.accept(conversation=conversation, user=people.marta)
    seat = permissions.seat_of(people.marta, conversation)
    assert [m.body for m in selectors.messages_for(conversation, people.marta, seat)] == [
        "My scan is on Monday too",
        "Are you nervous?",
        "I am, a lot",
    ]
    assert selectors.unread_total(user=people.marta) == 1  # one conversation with 3 unread
    [listed] = selectors.inbox(people.marta)
    assert listed.unread == 3
    say(conversation, people.marta, "Me too. Let's talk Monday evening.")
    assert selectors.unread_total(user=people.marta) == 0


def test_an_ignored_request_goes_quietly_and_is_not_sent_again(people):
    conversation = start(people.nico, people.group, people.marta)
    services.ignore(conversation=conversation, user=people.marta)
    assert selectors.requests_for(user=people.marta) == []
    assert selectors.unread_total(user=people.marta) == 0
    # Nico is not told: he can still write (it waits), and a second request is refused in
    # the same words as one that is merely waiting.
    assert say(conversation, people.nico, "Hello again?").created
    with pytest.raises(WriteRefused) as refused:
        start(people.nico, people.group, people.marta)
    assert "They will see it if they accept" in refused.value.verdict.reason
    # Marta may still change her mind.
    services.accept(conversation=conversation, user=people.marta)
    assert permissions.read_verdict(people.marta, conversation)


def test_someone_already_accepted_is_not_asked_again(people):
    first = start(people.nico, people.group, people.marta)
    services.accept(conversation=first, user=people.marta)
    second = start(people.nico, people.group, people.marta, body="Another thing")
    assert permissions.seat_of(people.marta, second).is_in


def test_group_conversations_hold_up_to_eight_people_who_share_the_group(people):
    others = [MembershipFactory(group=people.group).user for _ in range(7)]
    with pytest.raises(WriteRefused) as refused:
        start(people.marta, people.group, people.nico, *others)  # nine with Marta
    assert refused.value.verdict.code == "too_many"
    conversation = start(people.marta, people.group, *others)  # eight
    assert conversation.participants.count() == 8
    with pytest.raises(WriteRefused):
        start(people.marta, people.group, people.nico, people.oscar)  # Oscar is elsewhere
