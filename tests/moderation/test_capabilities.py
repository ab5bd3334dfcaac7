"""An adapter's capability flags (hideable, restorable, editable) decide which content actions a
queue item offers: the item page shows only actions that work, and an action forced past the page
is refused and changes nothing."""

import re
import uuid

import pytest
from django.test import Client

from groups.chat import services as chat_services
from moderation import actions, appeals, errors, queue, services
from moderation.adapters import ModerationAdapter, register
from moderation.models import ReviewItem
from tests.factories import MembershipFactory, ResourceFactory, SupportGroupFactory, UserFactory

from .content import FakePost

pytestmark = pytest.mark.django_db

CONTENT_ACTIONS = {"hide", "remove", "restore", "edit"}


def offered(item: ReviewItem, moderator) -> set[str]:
    """The actions whose forms the item page shows this moderator, once they hold the claim."""
    item.refresh_from_db()
    queue.claim(item_id=item.pk, user=moderator, version=item.version)
    client = Client()
    client.force_login(moderator)
    page = client.get(item.get_absolute_url()).content.decode()
    names = re.findall(r'action="/moderation/items/\d+/(\w+)/"', page)
    return {name for name in names if name in actions.TABLE}


def forced(name: str, item: ReviewItem, moderator, **fields) -> None:
    """Post an action the page did not offer, as a hand-made form would."""
    item.refresh_from_db()
    actions.TABLE[name].handler(
        item_id=item.pk, user=moderator, version=item.version, reason="see the rules", **fields
    )


def test_a_chat_message_offers_hide_and_restore_but_not_edit(staff):
    group = SupportGroupFactory()
    author, reporter = MembershipFactory(group=group).user, MembershipFactory(group=group).user
    room = chat_services.room_for_group(group=group)
    message = chat_services.post_message(
        room=room, author=author, body="Something unkind", client_msg_id=uuid.uuid4()
    ).message
    item = services.request_review(target=message, reason="harassment", by=reporter)

    assert offered(item, staff) & CONTENT_ACTIONS == {"hide", "remove", "restore"}
    with pytest.raises(errors.ModerationError, match="cannot be edited here"):
        forced("edit", item, staff, text="Something kind")
    message.refresh_from_db()
    assert message.body == "Something unkind"


def test_a_resource_offers_hide_and_restore_but_not_edit(staff):
    resource = ResourceFactory(summary="A clinic that sells miracle cures")
    item = services.request_review(target=resource, reason="misinformation", by=UserFactory())

    assert offered(item, staff) & CONTENT_ACTIONS == {"hide", "remove", "restore"}
    with pytest.raises(errors.ModerationError, match="cannot be edited here"):
        forced("edit", item, staff, text="A clinic")
    resource.refresh_from_db()
    assert resource.summary == "A clinic that sells miracle cures"


def test_an_appeal_offers_no_content_action_and_refuses_one_forced(
    post_model, scope, facilitator, staff
):
    post = post_model.objects.create(author=UserFactory(), body="Eat kale, not chemo", group=1)
    item = services.request_review(target=post, reason="misinformation", by=UserFactory())
    queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    forced("hide", item, facilitator)
    hidden = item.audit.get(action="hide")
    appeal = appeals.appeal(action=hidden, user=post.author, body="It was a joke")
    appeal_item = ReviewItem.objects.get(object_id=appeal.pk, content_type__model="appeal")

    choices = offered(appeal_item, staff)
    assert choices & CONTENT_ACTIONS == set()
    assert {"approve", "dismiss"} <= choices  # deciding the appeal is still offered
    for name in ("hide", "restore"):
        with pytest.raises(errors.ModerationError):
            forced(name, appeal_item, staff)
    appeal_item.refresh_from_db()
    assert appeal_item.state != ReviewItem.State.RESOLVED
    assert post not in post_model.shown_to_members()  # the appealed hide stands, untouched


def test_a_post_offers_every_content_action(post_model, staff):
    post = post_model.objects.create(author=UserFactory(), body="Eat kale, not chemo", group=1)
    item = services.request_review(target=post, reason="misinformation", by=UserFactory())
    assert offered(item, staff) & CONTENT_ACTIONS == CONTENT_ACTIONS


def test_a_profile_offers_no_content_action(staff):
    target = UserFactory(display_name="Rude Name")
    item = services.request_review(target=target, reason="harassment", by=UserFactory())
    choices = offered(item, staff)
    assert choices & CONTENT_ACTIONS == set() and "warn" in choices


def test_register_refuses_flags_that_do_not_match_the_methods():
    with pytest.raises(TypeError, match="hideable"):

        @register
        class SaysHideableButCannot(ModerationAdapter[FakePost]):
            model = FakePost
            hideable = True
            author = None

            def text_for_screening(self) -> str:
                return ""

    with pytest.raises(TypeError, match="editable"):

        @register
        class EditsWithoutSaying(ModerationAdapter[FakePost]):
            model = FakePost
            author = None

            def text_for_screening(self) -> str:
                return ""

            def edit(self, *, text: str) -> None:
                pass
