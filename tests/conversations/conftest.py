"""People and places for the conversation tests: a group with two facilitators and two
members, a second group, an outsider, and helpers that write through the services."""

import uuid

import pytest

from groups.conversations import services
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
)

__all__ = ["client_for"]  # the conversation tests import it from here with their helpers


class People:
    def __init__(self):
        self.group = SupportGroupFactory(name="Thursday circle")
        self.fran = FacilitatorMembershipFactory(
            group=self.group, user=UserFactory(display_name="Facil Fran")
        ).user
        self.sam = FacilitatorMembershipFactory(
            group=self.group, user=UserFactory(display_name="Facil Sam")
        ).user
        self.marta = MembershipFactory(
            group=self.group, user=UserFactory(display_name="Marta")
        ).user
        self.nico = MembershipFactory(group=self.group, user=UserFactory(display_name="Nico")).user
        self.other_group = SupportGroupFactory(name="Other circle")
        self.olga = FacilitatorMembershipFactory(
            group=self.other_group, user=UserFactory(display_name="Facil Olga")
        ).user
        self.oscar = MembershipFactory(
            group=self.other_group, user=UserFactory(display_name="Oscar")
        ).user


@pytest.fixture
def people(db) -> People:
    return People()


def ask(member, group, body="Is it normal to feel this tired?", subject="Tiredness"):
    return services.ask_team(
        member=member, group=group, subject=subject, body=body, client_msg_id=uuid.uuid4()
    ).message.conversation


def start(starter, group, *recipients, body="My scan is on Monday too."):
    return services.start_conversation(
        starter=starter,
        group=group,
        recipients=list(recipients),
        subject="",
        body=body,
        client_msg_id=uuid.uuid4(),
    ).message.conversation


def say(conversation, author, body):
    return services.post_message(
        conversation=conversation, author=author, body=body, client_msg_id=uuid.uuid4()
    )
