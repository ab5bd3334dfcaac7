"""Chat's room mutes become moderation's group mutes: mutes still in force are kept (with their
audit row, so they can be appealed), expired ones are dropped."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import FacilitatorMembershipFactory, MembershipFactory

BEFORE = [("chat", "0001_initial")]
AFTER = [("chat", "0002_room_mutes_become_moderation_mutes")]


@pytest.mark.django_db(transaction=True)
def test_room_mutes_in_force_become_moderation_mutes():
    facilitator = FacilitatorMembershipFactory()
    group = facilitator.group
    muted = MembershipFactory(group=group).user
    was_muted = MembershipFactory(group=group).user
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        room = old.get_model("chat", "ChatRoom").objects.create(group_id=group.pk)
        RoomMute = old.get_model("chat", "RoomMute")
        now = timezone.now()
        until = now + timedelta(hours=1)
        RoomMute.objects.create(
            room=room, user_id=muted.pk, until=until, created_by_id=facilitator.user_id
        )
        RoomMute.objects.create(room=room, user_id=was_muted.pk, until=now - timedelta(hours=1))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    Sanction = new.get_model("moderation", "Sanction")
    kept = Sanction.objects.select_related("action").get()
    assert (kept.user_id, kept.kind, kept.group_id) == (muted.pk, "mute", group.pk)
    assert kept.until == until
    assert kept.action.action == "mute" and kept.action.subject_id == muted.pk
    assert kept.action.actor_id == facilitator.user_id
    assert "chat_roommute" not in connection.introspection.table_names()
