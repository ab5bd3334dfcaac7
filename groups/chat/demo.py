"""A few fictional messages in the first demo groups' rooms. Idempotent: fixed client ids."""

import uuid

from groups.models import Membership, SupportGroup

from . import services

LINES = [
    "Hello everyone, I'm glad this room exists.",
    "Welcome! We meet here on Thursday evenings, and anyone can drop in between.",
    "Scan results on Monday. Trying to keep busy until then.",
    "Sending you good thoughts for Monday. The waiting is often the hardest part.",
]


def load(stdout) -> None:
    groups = list(SupportGroup.objects.filter(is_archived=False).order_by("pk")[:2])
    for group in groups:
        people = [
            m.user
            for m in Membership.objects.filter(group=group, state=Membership.State.ACTIVE)
            .select_related("user")
            .order_by("pk")[:3]
        ]
        if not people:
            continue
        room = services.room_for_group(group=group)
        for n, line in enumerate(LINES):
            services.post_message(
                room=room,
                author=people[n % len(people)],
                body=line,
                client_msg_id=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-chat/{group.slug}/{n}"),
            )
    stdout.write(f"Demo chat: messages in {len(groups)} rooms.")
