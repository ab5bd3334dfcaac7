"""The room page: private to members, light on queries, alive without Redis."""

import uuid

import pytest
from django.urls import reverse

from groups.chat import services
from groups.chat.models import ChatMessage
from tests.factories import FacilitatorMembershipFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership():
    return MembershipFactory()


def test_member_sees_the_room_with_recent_messages(client, membership, django_assert_num_queries):
    room = services.room_for_group(group=membership.group)
    for n in range(8):
        author = MembershipFactory(group=membership.group).user
        services.post_message(
            room=room, author=author, body=f"note {n}", client_msg_id=uuid.uuid4()
        )
    client.force_login(membership.user)
    url = reverse("chat:room", args=[membership.group.slug])
    # 1 session, 2 user, 3 group, 4 membership (read, write and manage), 5 sanctions (may they
    # write), 6 room, 7 messages with their authors, 8 the people this member blocked (privacy
    # folds their messages away); the header's unread count and moderation link are worked
    # out at sign-in and kept (supportgroups.live.Kept).
    with django_assert_num_queries(8):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "note 7" in page and 'id="chat-initial"' in page
    assert "<script>" not in page and 'style="' not in page
    assert "Facilitator controls" not in page
    assert author.email not in page


def test_history_shows_a_badge_on_facilitators_messages_only(client, django_assert_num_queries):
    facilitator = FacilitatorMembershipFactory()
    group = facilitator.group
    poser = MembershipFactory(group=group, user__display_name="Kim (facilitator)")  # legacy name
    room = services.room_for_group(group=group)
    for author, body in [(facilitator.user, "from the facilitator"), (poser.user, "from Kim")]:
        services.post_message(room=room, author=author, body=body, client_msg_id=uuid.uuid4())
    client.force_login(poser.user)
    with django_assert_num_queries(8):  # as for any member (above): the badge adds none
        response = client.get(reverse("chat:room", args=[group.slug]))
    page = response.content.decode()
    items = page.split('<li class="chat-message"')[1:]
    assert "from the facilitator" in items[0] and 'class="badge text-bg-info chat-role"' in items[0]
    assert "from Kim" in items[1] and "chat-role" not in items[1]
    initial = response.context["initial"]
    assert [(m["body"], m["is_facilitator"]) for m in initial] == [
        ("from the facilitator", True),
        ("from Kim", False),
    ]


def test_facilitator_sees_the_controls(client):
    facilitator = FacilitatorMembershipFactory()
    client.force_login(facilitator.user)
    response = client.get(reverse("chat:room", args=[facilitator.group.slug]))
    assert "Facilitator controls" in response.content.decode()


def test_outsiders_get_404_and_anonymous_people_sign_in(client, membership):
    url = reverse("chat:room", args=[membership.group.slug])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    removed = MembershipFactory(group=membership.group, state="removed")
    client.force_login(removed.user)
    assert client.get(url).status_code == 404


def test_page_renders_and_says_offline_when_redis_is_down(client, membership, settings):
    dead = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": dead}
    }
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [dead]}}
    }
    client.force_login(membership.user)
    response = client.get(reverse("chat:room", args=[membership.group.slug]))
    assert response.status_code == 200
    assert "The room is offline" in response.content.decode()


def test_posting_without_javascript_is_stored_once(client, membership):
    client.force_login(membership.user)
    url = reverse("chat:room", args=[membership.group.slug])
    data = {"body": "Hello without scripts", "client_msg_id": str(uuid.uuid4())}
    response = client.post(url, data)
    assert response.status_code == 302
    assert client.post(url, data).status_code == 302  # the browser resubmitted the form
    assert ChatMessage.objects.get().body == "Hello without scripts"
    assert "Hello without scripts" in client.get(url).content.decode()


def test_refused_post_keeps_the_text_and_says_why(client, membership, settings):
    settings.CHAT_RATE_LIMIT_BURST = 2  # every post takes a token, refused or not
    settings.CHAT_RATE_LIMIT_PER_SECOND = 0.01
    client.force_login(membership.user)
    url = reverse("chat:room", args=[membership.group.slug])
    too_long = "word " * 500
    response = client.post(url, {"body": too_long, "client_msg_id": str(uuid.uuid4())})
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 2000 characters" in page and too_long.strip() in page
    assert client.post(url, {"body": "one", "client_msg_id": str(uuid.uuid4())}).status_code == 302
    response = client.post(url, {"body": "two", "client_msg_id": str(uuid.uuid4())})
    assert response.status_code == 400 and "very quickly" in response.content.decode()
    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["one"]


def test_group_page_links_members_to_the_room(client, membership):
    group_url = reverse("groups:detail", args=[membership.group.slug])
    room_url = reverse("chat:room", args=[membership.group.slug])
    assert room_url not in client.get(group_url).content.decode()
    client.force_login(membership.user)
    assert room_url in client.get(group_url).content.decode()


def test_chat_messages_are_not_shown_as_flash_banners(client, membership):
    """The page's list of chat messages must not shadow the messages framework in base.html."""
    client.force_login(membership.user)
    url = reverse("chat:room", args=[membership.group.slug])
    client.post(url, {"body": "Only in the room", "client_msg_id": str(uuid.uuid4())})
    profile = {"display_name": membership.user.display_name, "time_zone": "UTC"}
    assert client.post(reverse("profile"), profile).status_code == 302  # leaves a flash
    page = client.get(url).content.decode()
    banners = page.split('<div class="messages"', 1)[1].split('<section id="chat"', 1)[0]
    assert "Your profile is saved." in banners
    assert "Only in the room" not in banners
    assert page.count("Only in the room") == 2  # the server-rendered list and chat-initial


def test_without_javascript_a_message_is_reported_with_a_reason_and_at_risk_is_a_crisis(
    client, membership
):
    from moderation.models import ReviewItem

    room = services.room_for_group(group=membership.group)
    author = MembershipFactory(group=membership.group).user
    message = services.post_message(
        room=room, author=author, body="nothing matters now", client_msg_id=uuid.uuid4()
    ).message
    client.force_login(membership.user)
    page = client.get(reverse("chat:room", args=[membership.group.slug])).content.decode()
    report_url = reverse("moderation:report", args=["chat.chatmessage", message.pk])
    assert f'href="{report_url}"' in page

    form = client.get(report_url).content.decode()
    assert 'value="at_risk"' in form
    response = client.post(report_url, {"reason": "at_risk", "note": ""})

    assert response.status_code == 200  # the crisis lines, for the reporter too
    item = ReviewItem.objects.get()
    assert item.target == message and item.crisis and item.reason == "at_risk"
