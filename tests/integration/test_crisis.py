"""The crisis path through real content: a forum post on a group's board and a chat message.
The writer sees the crisis message with lines for where they are; the item is escalated at the
top of that group's facilitator's queue and invisible to other groups' facilitators."""

import uuid

import pytest

from forums.models import Post
from groups.chat import services as chat
from moderation import services as moderation
from moderation.models import Reason, ReviewItem
from tests.factories import client_for

pytestmark = pytest.mark.django_db

CRISIS_WORDS = "I can't keep going. I want to end my life."


def test_crisis_post_reaches_the_top_of_its_facilitators_queue_only(
    board, member, other_member, facilitator, other_facilitator
):
    # Something already waiting in the same group, so "top of the queue" means something.
    calm = client_for(other_member).post(
        f"/forums/b/{board.slug}/new/",
        {"action": "post", "title": "Parking at the hospital", "body": "Any tips?"},
    )
    assert calm.status_code == 302
    moderation.request_review(
        target=Post.objects.get(body="Any tips?"),
        reason=Reason.OTHER,
        by=member,
    )

    response = client_for(member).post(
        f"/forums/b/{board.slug}/new/",
        {"action": "post", "title": "Tonight", "body": CRISIS_WORDS},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "It sounds like things are very hard right now" in html
    assert "Samaritans" in html and "116 123" in html  # the member's zone is Europe/London

    item = ReviewItem.objects.get(reason=Reason.AT_RISK)
    assert item.state == ReviewItem.State.ESCALATED and item.author == member
    assert item.group_id == board.group_id

    dashboard = client_for(facilitator).get("/moderation/")
    assert dashboard.status_code == 200
    queue = list(dashboard.context["items"])
    assert [i.pk for i in queue][0] == item.pk and len(queue) == 2
    assert "table-danger" in dashboard.content.decode()

    elsewhere = client_for(other_facilitator).get("/moderation/")
    assert elsewhere.status_code == 200
    assert item.pk not in [i.pk for i in elsewhere.context["items"]]
    assert CRISIS_WORDS not in elsewhere.content.decode()
    assert client_for(other_facilitator).get(f"/moderation/items/{item.pk}/").status_code == 404


def test_crisis_chat_message_opens_an_escalated_item(group, member, facilitator):
    room = chat.room_for_group(group=group)
    result = chat.post_message(
        room=room, author=member, body=CRISIS_WORDS, client_msg_id=uuid.uuid4()
    )
    assert result.screen.crisis and not result.screen.held, "shown to the room, and escalated"
    item = ReviewItem.objects.get()
    assert item.target == result.message
    assert (item.reason, item.state, item.group_id) == (
        Reason.AT_RISK,
        ReviewItem.State.ESCALATED,
        group.pk,
    )
    dashboard = client_for(facilitator).get("/moderation/")
    assert [i.pk for i in dashboard.context["items"]] == [item.pk]
