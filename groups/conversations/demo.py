"""A fictional question to the facilitators and a conversation between two members, so that
the inboxes are not empty in the demo. Idempotent: fixed client ids."""

import uuid

from groups.models import Membership, SupportGroup
from supportgroups.models import User

from . import services
from .models import Message


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"demo-conversations/{name}")


def load(stdout) -> None:
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
    facilitator = group.memberships.filter(role=Membership.Role.FACILITATOR).first().user
    other = group.memberships.filter(role=Membership.Role.MEMBER).exclude(user=robin).first().user
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
