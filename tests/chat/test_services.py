"""Writes: numbering under concurrency, idempotent resends, moderation hooks, presence."""

import threading
import time
import uuid

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection

from groups.chat import presence, services
from groups.chat.models import ChatMessage
from moderation.adapters import adapter_for
from tests.factories import MembershipFactory, SupportGroupFactory

transactional = pytest.mark.django_db(transaction=True)


@transactional
def test_concurrent_writers_get_distinct_increasing_ids():
    group = SupportGroupFactory()
    writers = [MembershipFactory(group=group).user for _ in range(4)]
    room = services.room_for_group(group=group)
    client_ids = [uuid.uuid4() for _ in range(5)]
    errors = []

    def write(author):
        try:
            for client_id in client_ids:  # every writer also resends the others' ids
                services.post_message(
                    room=room, author=author, body=f"from {author.pk}", client_msg_id=client_id
                )
            for n in range(5):
                services.post_message(
                    room=room, author=author, body=f"{n}", client_msg_id=uuid.uuid4()
                )
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = list(ChatMessage.objects.filter(room=room).values_list("sequence", flat=True))
    assert sequences == list(range(1, 5 + 4 * 5 + 1))  # the shared ids stored once
    room.refresh_from_db()
    assert room.last_sequence == sequences[-1]


@transactional
def test_moderatable_hide_and_restore_bump_the_revision():
    group = SupportGroupFactory()
    author = MembershipFactory(group=group).user
    room = services.room_for_group(group=group)
    message = services.post_message(
        room=room, author=author, body="hello", client_msg_id=uuid.uuid4()
    ).message
    adapter_for(message).hide(reason="spam")
    message.refresh_from_db()
    assert message.is_hidden and message.hidden_reason == "spam" and message.revision == 2
    adapter_for(message).restore()
    message.refresh_from_db()
    assert message.is_visible and message.revision == 3
    assert adapter_for(message).group_id() == group.pk
    assert adapter_for(message).text_for_screening() == "hello"
    assert message.get_absolute_url().endswith(f"#message-{message.sequence}")


@transactional
def test_mute_refuses_facilitators_and_silly_durations():
    group = SupportGroupFactory()
    facilitator = MembershipFactory(group=group, role="facilitator").user
    other_facilitator = MembershipFactory(group=group, role="facilitator").user
    room = services.room_for_group(group=group)
    with pytest.raises(services.ChatRefused):
        services.mute_member(room=room, by=facilitator, user_id=other_facilitator.pk, minutes=5)
    member = MembershipFactory(group=group).user
    with pytest.raises(services.ChatRefused):
        services.mute_member(room=room, by=facilitator, user_id=member.pk, minutes=0)
    with pytest.raises(services.ChatRefused):
        services.mute_member(room=room, by=member, user_id=facilitator.pk, minutes=5)


def test_presence_drops_stale_entries(settings):
    settings.CHAT_PRESENCE_TTL_SECONDS = 60
    with time_machine.travel(time.time() - 61):  # a server that died without saying goodbye
        presence.touch(room_id=7, channel="gone", user_id=1, name="Ghost")
    cache.delete("chat:presence-announced:7")
    announce, people = presence.touch(room_id=7, channel="here", user_id=2, name="Robin")
    assert announce and people == ["Robin"]
    announce, people = presence.touch(room_id=7, channel="also", user_id=3, name="Ash")
    assert not announce and people == ["Ash", "Robin"]  # announced at most every 2 s
    assert presence.leave(room_id=7, channel="here") == (False, ["Ash"])


@pytest.mark.django_db
def test_a_member_s_message_is_checked_stored_and_screened_in_ten_queries(
    django_assert_num_queries,
):
    """A large room's sockets all wait for the sender's write: the room's lock, the person's
    membership and sanctions, a resend, the numbers, the message, the crisis lexicon and the
    group's pre-moderation (plus the test's savepoint). No query for the facilitator mark or
    for activity noted within the hour."""
    group = SupportGroupFactory()
    author = MembershipFactory(group=group).user
    room = services.room_for_group(group=group)
    services.post_message(room=room, author=author, body="Hello all", client_msg_id=uuid.uuid4())
    with django_assert_num_queries(10):
        result = services.post_message(
            room=room, author=author, body="How was everyone's week?", client_msg_id=uuid.uuid4()
        )
    assert result.created and ChatMessage.objects.filter(room=room).count() == 2
