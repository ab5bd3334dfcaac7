"""People and places for the cross-app tests: a group with its private board, a facilitator who
can open the moderation dashboard (TOTP set up, as moderation requires), two members, and a
second group with its own facilitator."""

import pytest

from forums import services as forums
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    with_mfa,
)


@pytest.fixture
def group(db):
    return SupportGroupFactory(name="Thursday circle", slug="thursday-circle")


@pytest.fixture
def board(group):
    return forums.ensure_group_board(group=group)


@pytest.fixture
def facilitator(group):
    user = UserFactory(display_name="Facil Fran")
    FacilitatorMembershipFactory(group=group, user=user)
    return with_mfa(user)


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user=UserFactory(display_name="Marta")).user


@pytest.fixture
def other_member(group):
    return MembershipFactory(group=group, user=UserFactory(display_name="Nico")).user


@pytest.fixture
def other_facilitator(db):
    """Facilitates a different group: must see nothing of the first group's queue."""
    user = UserFactory(display_name="Facil Olga")
    FacilitatorMembershipFactory(group=SupportGroupFactory(name="Other group"), user=user)
    return with_mfa(user)
