"""Leaving a conversation between members: the person stops reading and receiving it, what
they wrote stays for the others (who see that they left), and the others carry on."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from groups.conversations import emails, selectors, services
from groups.conversations.models import Participant
from groups.policy import WriteRefused
from tests.conversations.conftest import ask, client_for, say, start
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_someone_who_leaves_reads_and_receives_nothing_more(people, time_machine):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    third = MembershipFactory(group=people.group).user
    conversation = start(people.nico, people.group, people.marta, third)
    for person in (people.marta, third):
        services.accept(conversation=conversation, user=person)
    say(conversation, people.marta, "I'll be at the clinic on Monday.")

    marta = client_for(people.marta)
    left = marta.post(reverse("conversations:leave", args=[conversation.pk]))
    assert left.status_code == 302 and left.url == reverse("conversations:inbox")
    assert Participant.objects.get(user=people.marta, conversation=conversation).state == "left"
    assert selectors.inbox(people.marta) == []
    assert marta.get(conversation.get_absolute_url()).status_code == 404

    say(conversation, people.nico, "See you both there")
    nico_page = client_for(people.nico).get(conversation.get_absolute_url()).content.decode()
    assert "I&#x27;ll be at the clinic on Monday." in nico_page, "her words stay"
    assert "Marta (left)" in re.sub(r"<[^>]+>", "", nico_page)
    emails.scan_unread(now=conversation.last_message_at + timedelta(minutes=20))
    assert people.marta.pk not in {
        row.user_id for row in Participant.objects.filter(email_claimed_at__isnull=False)
    }
    assert not [m for m in mail.outbox if m.to == [people.marta.email]]


def test_when_everyone_else_has_left_nobody_can_be_written_to(people):
    conversation = start(people.nico, people.group, people.marta)
    services.accept(conversation=conversation, user=people.marta)
    services.leave(conversation=conversation, user=people.marta)
    with pytest.raises(WriteRefused):
        say(conversation, people.nico, "Hello?")


def test_a_question_to_the_facilitators_is_not_left_but_answered(people):
    question = ask(people.marta, people.group)
    with pytest.raises(WriteRefused):
        services.leave(conversation=question, user=people.marta)
    page = client_for(people.marta).get(question.get_absolute_url()).content.decode()
    assert reverse("conversations:leave", args=[question.pk]) not in page


def test_leaving_twice_or_someone_elses_conversation_is_refused(people):
    conversation = start(people.nico, people.group, people.marta)
    services.accept(conversation=conversation, user=people.marta)
    services.leave(conversation=conversation, user=people.marta)
    with pytest.raises(WriteRefused):
        services.leave(conversation=conversation, user=people.marta)
    outsider = client_for(people.oscar)
    assert outsider.post(reverse("conversations:leave", args=[conversation.pk])).status_code == 404
