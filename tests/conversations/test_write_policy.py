"""The one write policy in private conversations (groups.policy.conversation_verdict): a
silenced member, or one muted in the group, can still answer the facilitators or moderators
in a conversation with them, and nothing else; a suspended account nothing at all."""

import pytest

from groups.conversations import permissions
from groups.policy import WriteRefused
from tests.conversations.conftest import ask, say, start
from tests.factories import sanction

pytestmark = pytest.mark.django_db


def test_a_silenced_member_answers_the_facilitators_and_nothing_else(people):
    question = ask(people.marta, people.group)
    to_moderators = ask(people.marta, None)
    between = start(people.marta, people.group, people.nico)
    sanction(people.marta, "silence")

    assert say(question, people.marta, "I can still ask this").created
    assert say(to_moderators, people.marta, "And tell you this").created
    with pytest.raises(WriteRefused) as refused:
        say(between, people.marta, "But not this")
    assert refused.value.verdict.code == "silenced"
    for starting in (
        lambda: ask(people.marta, people.group),
        lambda: ask(people.marta, None),
        lambda: start(people.marta, people.group, people.fran),
    ):
        with pytest.raises(WriteRefused):
            starting()


def test_a_member_muted_in_the_group_still_answers_its_facilitators(people):
    question = ask(people.marta, people.group)
    between = start(people.marta, people.group, people.nico)
    sanction(people.marta, "mute", group=people.group)
    assert say(question, people.marta, "Still here").created
    with pytest.raises(WriteRefused):
        ask(people.marta, people.group)
    # A mute is about the group's shared places, not private talk elsewhere.
    services_verdict = permissions.write_verdict(people.marta, between)
    assert services_verdict.allowed


def test_a_suspended_account_writes_nowhere(people):
    question = ask(people.marta, people.group)
    sanction(people.marta, "suspend")
    people.marta.refresh_from_db()
    with pytest.raises(WriteRefused) as refused:
        say(question, people.marta, "Hello?")
    assert refused.value.verdict.code == "inactive"


def test_a_silenced_facilitator_does_not_answer_for_the_team(people):
    question = ask(people.marta, people.group)
    sanction(people.fran, "silence")
    with pytest.raises(WriteRefused):
        say(question, people.fran, "Answering anyway")
    assert say(question, people.sam, "I will answer").created
