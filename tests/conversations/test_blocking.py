"""Blocking ends a conversation between members both ways at once: neither writes to the other
again, the conversation stays readable, and nothing new can be started between them."""

import pytest

from groups.conversations import permissions, services
from groups.policy import WriteRefused
from supportgroups.privacy import services as privacy
from tests.conversations.conftest import ask, say, start

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("blocker", ["marta", "nico"])
def test_a_block_ends_the_conversation_for_both(people, blocker):
    conversation = start(people.nico, people.group, people.marta)
    services.accept(conversation=conversation, user=people.marta)
    say(conversation, people.marta, "Hi Nico")
    other = "nico" if blocker == "marta" else "marta"
    privacy.block(blocker=getattr(people, blocker), blocked=getattr(people, other))

    for person in (people.marta, people.nico):
        verdict = permissions.write_verdict(person, conversation)
        assert (verdict.allowed, verdict.code) == (False, "ended")
        assert permissions.read_verdict(person, conversation), "each keeps their copy to read"
        with pytest.raises(WriteRefused):
            say(conversation, person, "one more thing")
    assert not permissions.may_start_with(people.marta, people.nico, people.group)
    assert not permissions.may_start_with(people.nico, people.marta, people.group)

    privacy.unblock(blocker=getattr(people, blocker), blocked_id=getattr(people, other).pk)
    assert permissions.write_verdict(people.marta, conversation)


def test_a_block_between_two_people_ends_their_group_conversation(people):
    conversation = start(people.fran, people.group, people.marta, people.nico)
    privacy.block(blocker=people.marta, blocked=people.nico)
    assert permissions.write_verdict(people.fran, conversation).code == "ended"


def test_blocks_do_not_touch_a_question_to_the_facilitators(people):
    question = ask(people.marta, people.group)
    privacy.block(blocker=people.marta, blocked=people.fran)
    assert say(question, people.fran, "We are here for you").created
    assert say(question, people.marta, "Thank you").created
