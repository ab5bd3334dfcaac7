"""People and places for the forum tests: one public board, one group with its private board."""

import pytest
from django.test import Client

from forums import services
from tests.factories import (
    BoardFactory,
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def board(db):
    return BoardFactory(name="Treatment talk", slug="treatment-talk", allows_anonymous=True)


@pytest.fixture
def group(db):
    return SupportGroupFactory(name="Tuesday circle", slug="tuesday-circle")


@pytest.fixture
def private_board(group):
    board = services.ensure_group_board(group=group)
    board.allows_anonymous = True
    board.save(update_fields=["allows_anonymous"])
    return board


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user=UserFactory(display_name="Marta")).user


@pytest.fixture
def facilitator(group):
    return FacilitatorMembershipFactory(group=group, user=UserFactory(display_name="Fay")).user


@pytest.fixture
def outsider(db):
    return UserFactory(display_name="Otto")


@pytest.fixture
def staff(db):
    return UserFactory(display_name="Stella staff", is_staff=True)


@pytest.fixture
def writer(db):
    return UserFactory(display_name="Wren")


def start_thread(board, author, title="Hello", body="First post", **kwargs):
    return services.create_thread(author=author, board=board, title=title, body=body, **kwargs)


def reply_to(thread, author, parent=None, body="A reply", **kwargs):
    return services.create_reply(
        author=author, thread=thread, parent=parent, body=body, **kwargs
    ).post
