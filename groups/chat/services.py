"""Writes for chat rooms. Each one saves first and broadcasts after the commit.

Every write locks the room row (``select_for_update``) and takes the next ``last_sequence`` /
``last_revision`` from it, so two writers can never get the same number and a reconnecting
client can ask for exactly what it missed. The broadcast goes through supportgroups.live, after
the commit: a message is in PostgreSQL before anyone hears of it, and if Redis is down the
write still succeeds and clients catch up from the database when they reconnect.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.activity import record_post
from groups.models import SupportGroup
from groups.permissions import GroupAccess, access_for
from groups.policy import Verdict
from moderation import aftercare, in_place
from moderation import services as moderation
from moderation.errors import ModerationError
from moderation.models import AuditLogEntry, Reason, Sanction
from moderation.services import ScreenResult
from supportgroups.live import Delivery
from supportgroups.models import User
from supportgroups.prepared import Prepared

from . import permissions, selectors
from .live import send_to_room
from .models import ChatMessage, ChatRoom
from .selectors import serialize_message, serialize_room

# A room ended outside a marked live session: the crisis it carried is looked for this far back.
DEBRIEF_LOOKBACK = timedelta(hours=12)


class ChatRefused(Exception):
    """A write the person may not make; ``code`` goes to the client in an error frame."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    @classmethod
    def from_verdict(cls, verdict: Verdict) -> "ChatRefused":
        return cls(verdict.code, verdict.reason)


@dataclass(frozen=True)
class PostResult:
    message: ChatMessage
    created: bool
    screen: ScreenResult
    # How the room hears of it (None: nobody else is told, a held message or a resend).
    broadcast: Delivery | None = None


def room_for_group(*, group: SupportGroup) -> ChatRoom:
    room, _created = ChatRoom.objects.select_related("live_facilitator").get_or_create(group=group)
    room.group = group
    return room


# Asked by every message's write: compiled once.
_SENT_BEFORE = Prepared(
    lambda room_id, client_msg_id: (
        ChatMessage.objects.select_related("author", "room")
        .filter(room_id=room_id, client_msg_id=client_msg_id)
        .order_by("pk")[:1]
    )
)


def _locked_room(room_id: int) -> ChatRoom:
    return selectors.room(room_id, locked=True)


def _bump_revision(room: ChatRoom, *, new_message: bool = False) -> None:
    room.last_revision += 1
    fields = ["last_revision"]
    if new_message:
        room.last_sequence += 1
        fields.append("last_sequence")
    room.save(update_fields=fields)


def unstorable(text: str) -> bool:
    """Whether PostgreSQL cannot hold ``text``: a NUL, or a lone surrogate (not UTF-8 at all)."""
    if "\x00" in text:
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def _clean_body(body: str) -> str:
    body = body.strip() if isinstance(body, str) else ""
    if not body:
        raise ChatRefused("empty", _("Write a message first."))
    if unstorable(body):
        raise ChatRefused(
            "bad_text", _("The message holds a character that cannot be stored. Please remove it.")
        )
    limit = settings.CHAT_MAX_MESSAGE_LENGTH
    if len(body) > limit:
        raise ChatRefused(
            "too_long",
            _("Messages can be at most %(limit)d characters; this one has %(length)d.")
            % {"limit": limit, "length": len(body)},
        )
    return body


def _check_can_write(user: User | AnonymousUser, room: ChatRoom) -> GroupAccess:
    """Raise ChatRefused, with the reason the person is shown, unless they may write now.
    Called with the room row locked, so a lock or end of the room cannot slip in between.
    Returns what the check read of the person's membership."""
    access = access_for(user, room.group)
    verdict = permissions.write_verdict(user, room, access=access)
    if not verdict:
        raise ChatRefused.from_verdict(verdict)
    return access


def _check_can_manage(user: User | AnonymousUser, room: ChatRoom) -> None:
    if not permissions.can_manage(user, room):
        raise ChatRefused("forbidden", _("Only the group's facilitators can do that."))


def _screened_broadcast(
    message: ChatMessage,
    screen: ScreenResult,
    *,
    was_shown: bool,
    author_is_facilitator: bool | None = None,
) -> Delivery | None:
    """Tell the room about a new or edited message, unless moderation holds it back.

    A held message stays held when its author edits it: only a facilitator releases it.
    """
    if screen.held or message.is_held:
        message.is_held = True
        message.save(update_fields=["is_held"])
        if was_shown:  # an edit put it on hold: take the old text away from the others
            send_to_room(message.room, {"type": "removed", "id": message.sequence})
        return None
    frame = serialize_message(message, is_facilitator=author_is_facilitator)
    return send_to_room(message.room, {"type": "message", "message": frame})


def post_message(
    *, room: ChatRoom, author: User, body: str, client_msg_id: uuid.UUID
) -> PostResult:
    """Store a message once per ``client_msg_id``; a resend returns the stored one."""
    body = _clean_body(body)
    with transaction.atomic():
        room = _locked_room(room.pk)
        access = _check_can_write(author, room)
        for existing in _SENT_BEFORE(room.pk, client_msg_id):
            return PostResult(existing, created=False, screen=ScreenResult())
        _bump_revision(room, new_message=True)
        message = ChatMessage.objects.create(
            room=room,
            sequence=room.last_sequence,
            revision=room.last_revision,
            author=author,
            body=body,
            client_msg_id=client_msg_id,
        )
        screen = moderation.screen(message, new=True)
        broadcast = _screened_broadcast(
            message, screen, was_shown=False, author_is_facilitator=access.is_facilitator
        )
        # The norms above the box were read, too.
        record_post(user=author, group=room.group, membership=access.membership)
    return PostResult(message, created=True, screen=screen, broadcast=broadcast)


def edit_message(*, room: ChatRoom, editor: User, sequence: int, body: str) -> PostResult:
    """Authors edit their own messages; the new text is screened again."""
    body = _clean_body(body)
    with transaction.atomic():
        room = _locked_room(room.pk)
        _check_can_write(editor, room)
        message = _get_message(room, sequence)
        if message.author_id != editor.pk or message.is_hidden:
            raise ChatRefused("forbidden", _("You can only edit your own messages."))
        _bump_revision(room)
        message.body = body
        message.edited_at = timezone.now()
        message.revision = room.last_revision
        message.save(update_fields=["body", "edited_at", "revision"])
        was_shown = message.is_visible
        screen = moderation.screen(message)
        broadcast = _screened_broadcast(message, screen, was_shown=was_shown)
    return PostResult(message, created=False, screen=screen, broadcast=broadcast)


def _get_message(room: ChatRoom, sequence: int) -> ChatMessage:
    message = (
        ChatMessage.objects.select_related("author", "room")
        .filter(room=room, sequence=sequence)
        .first()
    )
    if message is None:
        raise ChatRefused("not_found", _("That message is no longer there."))
    message.room = room
    return message


def hide_message(*, message: ChatMessage, reason: str) -> None:
    """Take a message out of the room for everyone, live; the row stays for the record."""
    with transaction.atomic():
        room = _locked_room(message.room_id)
        message = _get_message(room, message.sequence)
        if message.is_hidden:
            return
        _bump_revision(room)
        message.is_hidden = True
        message.hidden_reason = reason[:200]
        message.revision = room.last_revision
        message.save(update_fields=["is_hidden", "hidden_reason", "revision"])
        send_to_room(room, {"type": "removed", "id": message.sequence})


def restore_message(*, message: ChatMessage) -> None:
    """Show a hidden or held message again (a facilitator approved it)."""
    with transaction.atomic():
        room = _locked_room(message.room_id)
        message = _get_message(room, message.sequence)
        _bump_revision(room)
        message.is_hidden = False
        message.is_held = False
        message.hidden_reason = ""
        message.revision = room.last_revision
        message.save(update_fields=["is_hidden", "is_held", "hidden_reason", "revision"])
        send_to_room(room, {"type": "message", "message": serialize_message(message)})


def _moderation_refused(error: Exception) -> ChatRefused:
    if isinstance(error, PermissionDenied):
        return ChatRefused("forbidden", _("Only the group's facilitators can do that."))
    if isinstance(error, ValidationError):
        return ChatRefused("bad_request", " ".join(error.messages))
    return ChatRefused("bad_request", str(error))


def remove_message(*, room: ChatRoom, by: User, sequence: int) -> AuditLogEntry:
    """A facilitator takes a message down for everyone: a moderation action like any other,
    in the audit log, with the author told why and able to appeal."""
    _check_can_manage(by, room)
    message = _get_message(room, sequence)
    try:
        return in_place.act_directly(
            action="remove",
            target=message,
            by=by,
            reason=_("Removed by a facilitator in the live chat."),
        )
    except (PermissionDenied, ValidationError, ModerationError) as error:
        raise _moderation_refused(error) from error


def mute_member(*, room: ChatRoom, by: User, user_id: int, minutes: int) -> Sanction:
    """Stop a member writing in the group for ``minutes``: moderation's group mute (audited,
    appealable), the same one a facilitator sets from the queue. Their open sockets hear of it
    at once (moderation's sanction services send supportgroups.live.access_changed).
    """
    _check_can_manage(by, room)
    if not 1 <= minutes <= settings.CHAT_MUTE_MAX_MINUTES:
        raise ChatRefused("bad_request", _("Choose between 1 minute and 24 hours."))
    target = room.group.memberships.select_related("user").filter(user_id=user_id).first()
    if target is None or target.is_facilitator:
        raise ChatRefused("bad_request", _("Only members can be muted, not facilitators."))
    try:
        return in_place.mute_in_group(
            member=target.user,
            group_id=room.group_id,
            by=by,
            minutes=minutes,
            reason=_("Muted by a facilitator in the live chat."),
        )
    except (PermissionDenied, ValidationError, ModerationError) as error:
        raise _moderation_refused(error) from error


def set_room_state(
    *, room: ChatRoom, by: User, locked: bool | None = None, ended: bool | None = None
) -> ChatRoom:
    """Lock (only facilitators write) or end (nobody writes) the room, or open it again. Ending
    a session that carried a crisis offers the facilitator who ends it a private debrief note."""
    _check_can_manage(by, room)
    with transaction.atomic():
        room = _locked_room(room.pk)
        if ended and not room.is_ended:
            since = room.live_started_at or timezone.now() - DEBRIEF_LOOKBACK
            if selectors.carried_a_crisis(room=room, since=since):
                aftercare.offer_debrief(user=by, item_id=None)
        if locked is not None:
            room.is_locked = locked
        if ended is not None:
            room.is_ended = ended
            if ended:
                room.live_facilitator = None
                room.live_started_at = None
        room.save(update_fields=["is_locked", "is_ended", "live_facilitator", "live_started_at"])
        _broadcast_room(room)
    return room


def set_live_session(*, room: ChatRoom, by: User, live: bool) -> ChatRoom:
    """Mark a facilitated session: the room shows "session in progress with <facilitator>"."""
    _check_can_manage(by, room)
    with transaction.atomic():
        room = _locked_room(room.pk)
        room.live_facilitator = by if live else None
        room.live_started_at = timezone.now() if live else None
        if live:
            room.is_ended = False
        room.save(update_fields=["live_facilitator", "live_started_at", "is_ended"])
        _broadcast_room(room)
    return room


def _broadcast_room(room: ChatRoom) -> None:
    send_to_room(room, {"type": "room", "room": serialize_room(room)})


def report_message(*, room: ChatRoom, by: User, sequence: int, reason: str, note: str = "") -> None:
    """Put the message in the facilitators' queue with the reporter's reason, the same reasons
    as posts: "at risk" takes moderation's crisis path."""
    verdict = permissions.read_verdict(by, room.group)
    if not verdict:
        raise ChatRefused("forbidden", verdict.reason)
    if reason not in Reason.values:
        raise ChatRefused("bad_request", _("Choose a reason."))
    message = _get_message(room, sequence)
    if not message.is_visible:
        raise ChatRefused("not_found", _("That message is no longer there."))
    try:
        moderation.request_review(target=message, reason=reason, note=note, by=by)
    except ValidationError as refused:  # already reported by them, or reporting too fast
        raise ChatRefused("report_refused", " ".join(refused.messages)) from refused
