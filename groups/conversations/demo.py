"""A fictional question to the facilitators and a conversation between two members, so that
the inboxes are not empty in the demo. Idempotent: fixed client ids."""

import uuid
from typing import TextIO

from groups.models import Membership, SupportGroup
from supportgroups.models import User

from . import services
from .models import Message


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"demo-conversations/{name}")


def load(stdout: TextIO) -> None:
    robin = User.objects.filter(email="robin@example.org").first()
    if robin is None or Message.objects.filter(client_msg_id=_id("question")).exists():
        stdout.write("Demo conversations: nothing to add.")
        return
    group = (
        SupportGroup.objects.filter(
            memberships__user=robin,
            memberships__state=Membership.State.ACTIVE,
            memberships__role=Membership.Role.MEMBER,
            is_archived=False,
        )
        .order_by("pk")
        .first()
    )
    places = group.memberships.select_related("user") if group else Membership.objects.none()
    facilitating = places.filter(role=Membership.Role.FACILITATOR).first()
    another = places.filter(role=Membership.Role.MEMBER).exclude(user=robin).first()
    if group is None or facilitating is None or another is None:
        stdout.write("Demo conversations: Robin's group has nobody to write to.")
        return
    facilitator, other = facilitating.user, another.user
    question = services.ask_team(
        member=robin,
        group=group,
        subject="Tiredness after chemo",
        body="Is it normal to still feel this tired three weeks after my last cycle?",
        client_msg_id=_id("question"),
    ).message.conversation
    services.post_message(
        conversation=question,
        author=facilitator,
        body="Yes, fatigue often lasts for weeks. Shall we talk about it on Thursday?",
        client_msg_id=_id("answer"),
    )
    between = services.start_conversation(
        starter=other,
        group=group,
        recipients=[robin],
        subject="",
        body="My scan is on Monday too. Want to compare notes after?",
        client_msg_id=_id("between"),
    ).message.conversation
    services.accept(conversation=between, user=robin)
    stdout.write(f"Demo conversations: {robin} asked the facilitators of {group}.")
