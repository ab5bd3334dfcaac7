"""Who hears of a new message on their devices (a push: "New message" and the link, never the
words). Private messages have no line in the notification list: the inbox is their list."""

from supportgroups.models import Notification, PushSubscription
from supportgroups.push import services as push

from . import permissions
from .models import Conversation, Message, Participant


def push_new_message(*, conversation: Conversation, message: Message) -> None:
    """After commit. Of the people with a row in the conversation (team members get theirs when
    a member writes) and a device, those with the right to hear of it now: in it and allowed to
    read it, or asked to it by this very message (nothing after a request reaches them until
    they accept). Team members hear of the member's words, not their colleagues' answers."""
    rows = Participant.objects.filter(conversation=conversation).exclude(
        state=Participant.State.LEFT
    )
    devices = PushSubscription.objects.filter(user_id__in=rows.values("user_id"))
    people = {
        device.user
        for device in devices.select_related("user")
        if device.user_id != message.author_id
    }
    for person in people:
        seat = permissions.seat_of(person, conversation)
        if seat.is_team and message.from_team:
            continue
        if seat.is_asked:
            told = seat.state == Participant.State.REQUESTED and message.sequence == 1
        else:
            told = bool(permissions.read_verdict(person, conversation, seat))
        if told:
            push.mirror(
                user_id=person.pk,
                notification_kind=Notification.Kind.MESSAGE,
                url=conversation.get_absolute_url(),
            )
