"""Replies and @mentions reach followers in-app and by email digest, through a real Celery
worker on the Redis broker; tasks are enqueued only once the post has committed."""

import time

import pytest
from django.conf import settings
from django.core import mail

from forums import services
from forums.models import DigestItem, EmailPreference
from forums.notifications import mention_candidates
from forums.tasks import send_daily_digests
from supportgroups.celery import app as celery_app
from supportgroups.models import Notification
from tests.factories import (
    BoardFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
)


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def kinds_for(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_replies_and_mentions_notify_followers_and_send_digests(celery_worker):
    board = BoardFactory(slug="caregivers-test")
    starter = UserFactory(display_name="Starter")
    thread_follower = UserFactory(display_name="Theo")
    board_follower = UserFactory(display_name="Bea")
    mentioned = UserFactory(display_name="Mira Lane")
    daily = UserFactory(display_name="Dani")
    replier = UserFactory(display_name="Rae")
    EmailPreference.objects.create(user=mentioned, digest=EmailPreference.Digest.IMMEDIATELY)
    EmailPreference.objects.create(user=daily, digest=EmailPreference.Digest.DAILY)

    assert client_for(board_follower).post(f"/forums/b/{board.slug}/follow/").status_code == 302
    thread = services.create_thread(author=starter, board=board, title="Night sweats", body="Hi")
    thread = thread.post.thread
    assert wait_for(lambda: Notification.objects.filter(user=board_follower).exists())
    assert Notification.objects.get(user=board_follower).title == "Starter started “Night sweats”"
    assert client_for(thread_follower).post(f"/forums/t/{thread.pk}/follow/").status_code == 302
    services.follow(user=daily, thread=thread)

    response = client_for(replier).post(
        f"/forums/t/{thread.pk}/reply/",
        {"body": "Same here. @mira lane, you said the fan helped?", "action": "post"},
    )
    assert response.status_code == 302

    assert wait_for(lambda: Notification.objects.filter(user=daily).exists())
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert kinds_for(starter) == ["reply"]
    assert kinds_for(thread_follower) == ["reply"]
    assert kinds_for(board_follower) == ["reply", "reply"]  # the new thread, then the reply
    assert kinds_for(mentioned) == ["mention"]
    assert kinds_for(replier) == []
    note = Notification.objects.get(user=mentioned)
    assert "Rae mentioned you" in note.title and note.url.startswith("/forums/post/")

    immediate = mail.outbox[0]
    assert immediate.to == [mentioned.email]
    assert "Night sweats" in immediate.body and "the fan helped" in immediate.body

    assert send_daily_digests.apply_async(ignore_result=False).get(timeout=20) == 1
    assert [m.to for m in mail.outbox[1:]] == [[daily.email]]
    assert "Same here." in mail.outbox[1].body
    assert (
        send_daily_digests.apply_async(ignore_result=False).get(timeout=20) == 0
    )  # nothing is sent twice
    assert len(mail.outbox) == 2


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_private_board_posts_notify_members_only(celery_worker):
    group = SupportGroupFactory()
    board = services.ensure_group_board(group=group)
    member = MembershipFactory(group=group, user=UserFactory(display_name="Inga")).user
    other = MembershipFactory(group=group, user=UserFactory(display_name="Pia")).user
    outsider = UserFactory(display_name="Olaf")
    services.follow(user=outsider, board=board)  # from before they left, say
    services.follow(user=other, board=board)
    services.create_thread(
        author=member, board=board, title="Us", body="Hello @Olaf, @Pia and @nobody-here"
    )
    assert wait_for(lambda: Notification.objects.filter(user=other).exists())
    assert kinds_for(other) == ["mention"]
    assert not Notification.objects.filter(user=outsider).exists()
    assert not DigestItem.objects.filter(user=outsider).exists()


def test_mentions_match_display_names_with_spaces():
    found = mention_candidates("Thanks @Mira Lane! and @Sam (facilitator), see you")
    assert "mira lane" in found and "sam (facilitator)" in found and "sam" in found


def test_daily_digest_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["forums-daily-digest"]
    assert entry["task"] in celery_app.tasks
