"""Two people racing for the last place, or for one invitation link: real threads, real
PostgreSQL row locks."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from groups import invitations, services
from groups.models import GroupInvitation, Membership, SupportGroup
from tests.factories import FacilitatorMembershipFactory, SupportGroupFactory, UserFactory


def _lock_waiters() -> int:
    """How many other sessions are blocked waiting for a row lock right now."""
    with connection.cursor() as cursor:
        # Statistics views are snapshotted per transaction; the caller is inside one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_people_racing_for_the_last_place_cannot_both_get_in():
    group = SupportGroupFactory(join_policy="open", capacity=1)
    racers = [UserFactory(), UserFactory()]
    errors: list[BaseException] = []

    def join(user):
        try:
            services.join(user=user, group=group)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=join, args=(person,)) for person in racers]
    # Hold the group's row lock so both joins are in flight at once, then let them go together.
    # Each join must queue on the lock; without it both would count one free place.
    with transaction.atomic():
        SupportGroup.objects.select_for_update().get(pk=group.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while _lock_waiters() < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _lock_waiters() == 2, "both joins must wait on the group's row lock"
    for thread in threads:
        thread.join(timeout=10)

    assert not errors
    states = sorted(Membership.objects.filter(group=group).values_list("state", flat=True))
    assert states == [Membership.State.ACTIVE, Membership.State.WAITLISTED]


@pytest.mark.django_db(transaction=True)
def test_two_people_racing_with_one_invitation_link_cannot_both_use_it():
    group = SupportGroupFactory(join_policy="invitation")
    facilitator = FacilitatorMembershipFactory(group=group).user
    invitation, _ = invitations.create(group=group, by=facilitator)
    racers = [UserFactory(), UserFactory()]
    refused: list[BaseException] = []
    errors: list[BaseException] = []

    def accept(user):
        try:
            invitations.accept(invitation=invitation, user=user)
        except invitations.InvitationUnusable as exc:
            refused.append(exc)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(person,)) for person in racers]
    # Hold the invitation's row lock so both accepts queue on it, then let them go together.
    with transaction.atomic():
        GroupInvitation.objects.select_for_update().get(pk=invitation.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while _lock_waiters() < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _lock_waiters() == 2, "both accepts must wait on the invitation's row lock"
    for thread in threads:
        thread.join(timeout=10)

    assert not errors
    assert len(refused) == 1
    assert Membership.objects.filter(group=group, role="member").count() == 1
