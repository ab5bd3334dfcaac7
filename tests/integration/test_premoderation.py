"""Pre-moderation end to end: SupportGroup.premoderated_posts (registered with moderation in
groups/apps.py) holds a new member's first posts on the group's board until a facilitator
approves them through moderation's do_approve."""

import pytest

from forums import services as forums
from forums.models import Post, Thread
from moderation import actions, queue
from moderation.models import ReviewItem
from tests.factories import client_for

pytestmark = pytest.mark.django_db

WAITS = "Your post waits for a facilitator to look at it before others see it."


@pytest.fixture
def thread(group, board, facilitator):
    group.premoderated_posts = 2
    group.save(update_fields=["premoderated_posts"])
    written = forums.create_thread(author=facilitator, board=board, title="Welcome", body="Hi all")
    assert not written.screening.held, "facilitators are never held"
    return written.post.thread


def _reply(client, thread, body):
    return client.post(
        f"/forums/t/{thread.pk}/reply/", {"action": "post", "body": body}, follow=True
    )


def test_first_two_posts_wait_the_third_is_published_and_approval_shows_one(
    thread, member, other_member, facilitator
):
    writer = client_for(member)
    bodies = ["My first words here", "A second thought of mine", "Third time, now I am in"]
    pages = [_reply(writer, thread, body) for body in bodies]

    assert [WAITS in p.content.decode() for p in pages] == [True, True, False]
    first, second, third = (Post.objects.get(body=b) for b in bodies)
    assert (first.is_held, second.is_held, third.is_held) == (True, True, False)
    own_view = client_for(member).get(thread.get_absolute_url()).content.decode()
    assert all(b in own_view for b in bodies)
    assert own_view.count("Waiting for a facilitator: others can't see this yet.") == 2

    others_view = client_for(other_member).get(thread.get_absolute_url()).content.decode()
    assert bodies[0] not in others_view and bodies[1] not in others_view
    assert bodies[2] in others_view
    assert Thread.objects.get(pk=thread.pk).reply_count == 1, "held replies are not counted"

    item = ReviewItem.objects.get(object_id=first.pk, content_type__model="post")
    assert item.held and item.group_id == thread.board.group_id
    item = queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    actions.do_approve(
        item_id=item.pk, user=facilitator, version=item.version, reason="Kind words, welcome."
    )

    others_view = client_for(other_member).get(thread.get_absolute_url()).content.decode()
    assert bodies[0] in others_view and bodies[1] not in others_view
    assert Thread.objects.get(pk=thread.pk).reply_count == 2
    assert not Post.objects.get(pk=first.pk).is_held
