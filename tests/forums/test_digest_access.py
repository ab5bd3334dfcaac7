"""A digest is checked at send time: someone who lost access to a private board since a post was
queued for them gets none of it in the next email."""

import pytest
from django.core import mail

from forums.emails import send_digest
from forums.models import DigestItem, EmailPreference
from forums.notifications import deliver_post_notifications
from groups.models import Membership
from tests.forums.conftest import reply_to, start_thread

pytestmark = pytest.mark.django_db


def test_a_removed_member_gets_nothing_of_the_private_board(private_board, board, member, writer):
    EmailPreference.objects.create(user=member, digest=EmailPreference.Digest.DAILY)
    private = start_thread(private_board, member, title="Circle only", body="Ours").post.thread
    public = start_thread(board, member, title="Open to all", body="Public").post.thread
    secret = reply_to(private, writer_in(private_board), body="A private reply")
    deliver_post_notifications(post_id=secret.pk)
    deliver_post_notifications(post_id=reply_to(public, writer, body="A public reply").pk)
    assert DigestItem.objects.filter(user=member).count() == 2
    Membership.objects.filter(user=member, group=private_board.group).update(state="removed")

    assert send_digest(user_id=member.pk) == 1
    (email,) = mail.outbox
    assert "A public reply" in email.body and "Open to all" in email.body
    assert "A private reply" not in email.body and "Circle only" not in email.body
    assert not DigestItem.objects.filter(user=member, sent_at__isnull=True).exists()


def writer_in(private_board):
    from tests.factories import MembershipFactory, UserFactory

    return MembershipFactory(group=private_board.group, user=UserFactory()).user
