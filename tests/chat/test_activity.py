"""A chat message counts as activity: the facilitator's tools page stops marking the member as
quiet."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups.chat import services
from groups.models import Membership
from tests.factories import FacilitatorMembershipFactory, MembershipFactory, SupportGroupFactory

QUIET = "Quiet for over a week"


@pytest.mark.django_db
def test_a_chat_message_ends_quiet():
    group = SupportGroupFactory()
    facilitator = FacilitatorMembershipFactory(group=group, last_active_at=timezone.now()).user
    member = MembershipFactory(group=group, last_active_at=timezone.now() - timedelta(days=9)).user
    client = Client()
    client.force_login(facilitator)
    url = reverse("groups:manage", kwargs={"slug": group.slug})
    assert client.get(url).content.decode().count(QUIET) == 1
    room = services.room_for_group(group=group)
    services.post_message(room=room, author=member, body="Hello all", client_msg_id=uuid.uuid4())
    assert QUIET not in client.get(url).content.decode()
    assert Membership.objects.get(user=member, group=group).last_active_at > timezone.now() - (
        timedelta(minutes=1)
    )
