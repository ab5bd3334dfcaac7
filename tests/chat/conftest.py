"""Fixtures for the chat tests; the socket helpers live in tests/chat/sockets.py."""

import pytest

from tests.chat.sockets import session_cookie
from tests.factories import FacilitatorMembershipFactory, MembershipFactory, SupportGroupFactory


@pytest.fixture
def room_people(transactional_db):
    """A group with a facilitator and two members, each with a signed-in session."""
    group = SupportGroupFactory()
    facilitator = FacilitatorMembershipFactory(group=group).user
    alice = MembershipFactory(group=group).user
    bob = MembershipFactory(group=group).user
    return {
        "group": group,
        "facilitator": facilitator,
        "alice": alice,
        "bob": bob,
        "cookies": {u.pk: session_cookie(u) for u in (facilitator, alice, bob)},
    }
