"""Privacy working inside the other apps: forums collapse and mentions, emails through the
helper (memorials stop them, unsubscribe headers on every one)."""

import pytest
from django.core import mail
from django.test import Client

from forums import services as forum_services
from forums.notifications import deliver_post_notifications
from groups.meetings.emails import send_change_email
from supportgroups.models import Notification
from supportgroups.privacy import services
from tests.factories import BoardFactory, MembershipFactory, OccurrenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_blocked_members_forum_post_is_folded_away_for_the_blocker_only(user):
    loud = UserFactory(display_name="Loud Magpie")
    post = forum_services.create_thread(
        author=loud, board=BoardFactory(), title="Opinions", body="Very loud words"
    ).post
    services.block(blocker=user, blocked=loud)
    blocker, bystander = Client(), Client()
    blocker.force_login(user)
    bystander.force_login(UserFactory())
    folded = blocker.get(post.thread.get_absolute_url()).content.decode()
    assert "you blocked Loud Magpie" in folded
    assert "Very loud words" in folded  # still there behind <details>, no JavaScript needed
    plain = bystander.get(post.thread.get_absolute_url()).content.decode()
    assert "you blocked" not in plain


def test_a_blocked_member_cannot_mention_the_blocker(user):
    user.display_name = "Quiet Heron"
    user.save()
    loud = UserFactory(display_name="Loud Magpie")
    services.block(blocker=user, blocked=loud)
    post = forum_services.create_thread(
        author=loud, board=BoardFactory(), title="Hey", body="@Quiet Heron look at this"
    ).post
    deliver_post_notifications(post_id=post.pk)
    assert not Notification.objects.filter(user=user, kind="mention").exists()

    services.unblock(blocker=user, blocked_id=loud.pk)
    again = forum_services.create_reply(
        author=loud, thread=post.thread, body="@Quiet Heron sorry"
    ).post
    deliver_post_notifications(post_id=again.pk)
    assert Notification.objects.filter(user=user, kind="mention").exists()


def test_meeting_emails_carry_unsubscribe_and_stop_for_a_memorial():
    occurrence = OccurrenceFactory()
    going = MembershipFactory(group=occurrence.series.group).user
    send_change_email(occurrence=occurrence, user=going, change="cancelled")
    [message] = mail.outbox
    assert "List-Unsubscribe" in message.extra_headers
    assert message.attachments[0][0] == "meeting.ics"

    services.memorialise(user=going, by=None)
    going.refresh_from_db()
    send_change_email(occurrence=occurrence, user=going, change="cancelled")
    assert len(mail.outbox) == 1


def test_a_blocked_members_chat_messages_are_folded_away_for_the_blocker(user):
    import uuid

    from django.urls import reverse

    from groups.chat import services as chat_services

    membership = MembershipFactory(user=user)
    loud = MembershipFactory(group=membership.group, user=UserFactory()).user
    room = chat_services.room_for_group(group=membership.group)
    chat_services.post_message(
        room=room, author=loud, body="Loud chat words", client_msg_id=uuid.uuid4()
    )
    services.block(blocker=user, blocked=loud)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("chat:room", kwargs={"slug": membership.group.slug}))
    body = page.content.decode()
    assert f'data-blocked-ids="{loud.pk}"' in body  # the live client folds new ones too
    folded = body.split('class="blocked-content"', 1)[1]
    assert "Loud chat words" in folded.split("</details>", 1)[0]
