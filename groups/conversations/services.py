"""Writes for private conversations. Each one checks the rule (permissions, built on
groups.policy) under the conversation's row lock, saves, screens the words with moderation in
the same transaction, and tells open sockets and header counts only after the commit.

Refusals raise groups.policy.WriteRefused carrying the verdict, so a form shows its reason
beside the text the person typed and a socket sends it in an error frame.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.chat.services import unstorable
from groups.models import SupportGroup
from groups.policy import Verdict, WriteRefused, require
from moderation import services as moderation
from moderation.services import ScreenResult
from supportgroups import live as supportgroups_live
from supportgroups.live import Delivery
from supportgroups.models import User
from supportgroups.ratelimits import require_within

from . import live, notifications, permissions, selectors
from .models import ContactSetting, Conversation, Message, MessageRevision, Participant
from .permissions import Seat

Kind = Conversation.Kind
MEMBER, TEAM = Participant.Role.MEMBER, Participant.Role.TEAM
ACTIVE, REQUESTED = Participant.State.ACTIVE, Participant.State.REQUESTED
IGNORED, LEFT = Participant.State.IGNORED, Participant.State.LEFT


@dataclass(frozen=True)
class PostResult:
    message: Message
    created: bool
    screen: ScreenResult
    # How the open sockets hear of it (None: nobody else is told: held, or a resend).
    broadcast: Delivery | None = None


def _refuse(code: str, reason: str) -> WriteRefused:
    return WriteRefused(Verdict(allowed=False, code=code, reason=reason))


def clean_text(text: object, *, limit: int, required: bool) -> str:
    text = text.strip() if isinstance(text, str) else ""
    if required and not text:
        raise _refuse("empty", _("Write a message first."))
    if unstorable(text):
        raise _refuse(
            "bad_text", _("The text holds a character that cannot be stored. Please remove it.")
        )
    if len(text) > limit:
        raise _refuse(
            "too_long",
            _("This can be at most %(limit)d characters; it has %(length)d.")
            % {"limit": limit, "length": len(text)},
        )
    return text


def clean_body(body: object) -> str:
    return clean_text(body, limit=settings.CONVERSATIONS_MAX_MESSAGE_LENGTH, required=True)


def _check_rate(user: User, *, what: str, limit: int, window: int) -> None:
    require_within(
        f"conversations:{what}:{user.pk}",
        limit=limit,
        window=window,
        refusal=_refuse(
            "rate_limited",
            _("You are writing very quickly. Please wait a little; your words are kept here."),
        ),
    )


def _check_message_rate(user: User) -> None:
    _check_rate(user, what="messages", limit=settings.CONVERSATIONS_MESSAGES_PER_MINUTE, window=60)


def _check_start_rate(user: User) -> None:
    _check_rate(user, what="starts", limit=settings.CONVERSATIONS_STARTS_PER_HOUR, window=3600)


def _locked(conversation_id: int) -> Conversation:
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("group")
        .get(pk=conversation_id)
    )


def _everyone(conversation: Conversation) -> set[int]:
    """Whose header count a change in this conversation may move."""
    people = set(
        conversation.participants.filter(role=MEMBER)
        .exclude(state=LEFT)
        .values_list("user_id", flat=True)
    )
    return people | {u.pk for u in selectors.team_members(conversation)}


def _resent(conversation: Conversation, client_msg_id: uuid.UUID) -> Message | None:
    return (
        Message.objects.select_related("author", "conversation")
        .filter(conversation=conversation, client_msg_id=client_msg_id)
        .first()
    )


def _add_message(
    conversation: Conversation, *, author: User, body: str, client_msg_id: uuid.UUID, seat: Seat
) -> PostResult:
    """Store one message in a locked (or just created) conversation, screen it, and tell
    everyone who may read it once committed; a held message reaches nobody but its author."""
    now = timezone.now()
    conversation.last_sequence += 1
    conversation.last_revision += 1
    message = Message.objects.create(
        conversation=conversation,
        sequence=conversation.last_sequence,
        revision=conversation.last_revision,
        author=author,
        body=body,
        from_team=seat.is_team,
        client_msg_id=client_msg_id,
        created_at=now,
    )
    screen = moderation.screen(message, new=True)
    broadcast = None
    if screen.held:
        message.is_held = True
        message.save(update_fields=["is_held"])
    else:
        broadcast = live.send(
            conversation, {"type": "message", "message": selectors.serialize_message(message)}
        )
    _after_message(conversation, author=author, seat=seat, when=now)
    if not screen.held:
        transaction.on_commit(
            lambda: notifications.push_new_message(conversation=conversation, message=message)
        )
    return PostResult(message, created=True, screen=screen, broadcast=broadcast)


def _after_message(conversation: Conversation, *, author: User, seat: Seat, when: datetime) -> None:
    """The conversation's clocks and marks after a new message: a team's "waiting since", a
    closed conversation opening again, the writer's own read mark."""
    conversation.last_message_at = when
    conversation.closed_at, conversation.closed_by = None, None
    if conversation.has_team:
        if seat.is_team:
            conversation.awaiting_reply_since = None
        elif conversation.awaiting_reply_since is None:
            conversation.awaiting_reply_since = when
            # Team members get a row for their read and email marks (it grants nothing).
            Participant.objects.bulk_create(
                [
                    Participant(conversation=conversation, user=person, role=TEAM)
                    for person in selectors.team_members(conversation)
                ],
                ignore_conflicts=True,
            )
    if conversation.replying_by_id == author.pk:
        conversation.replying_by, conversation.replying_at = None, None
    conversation.save()
    Participant.objects.update_or_create(
        conversation=conversation,
        user=author,
        defaults={"last_read_sequence": conversation.last_sequence},
        create_defaults={
            "role": TEAM if seat.is_team else MEMBER,
            "last_read_sequence": conversation.last_sequence,
        },
    )
    live.unread_counts_changed(_everyone(conversation))


def post_message(
    *, conversation: Conversation, author: User, body: object, client_msg_id: uuid.UUID
) -> PostResult:
    """Store a message once per `client_msg_id`; a resend returns the stored one."""
    body = clean_body(body)
    with transaction.atomic():
        conversation = _locked(conversation.pk)
        seat = permissions.seat_of(author, conversation)
        require(permissions.write_verdict(author, conversation, seat))
        existing = _resent(conversation, client_msg_id)
        if existing is not None:
            return PostResult(existing, created=False, screen=ScreenResult())
        _check_message_rate(author)
        return _add_message(
            conversation, author=author, body=body, client_msg_id=client_msg_id, seat=seat
        )


def edit_message(
    *, conversation: Conversation, editor: User, sequence: int, body: object
) -> PostResult:
    """The author changes their own message (permissions.edit_verdict: within
    CONVERSATIONS_EDIT_FOR, not held or hidden). The words before are kept for moderators
    (MessageRevision), the message is marked edited and screened again like a new one, and
    open pages show the new words; if the screen holds it now, the others' pages lose it."""
    body = clean_body(body)
    with transaction.atomic():
        conversation = _locked(conversation.pk)
        require(permissions.write_verdict(editor, conversation))
        message = (
            Message.objects.select_related("author")
            .filter(conversation=conversation, sequence=sequence)
            .first()
        )
        if message is None:
            raise _refuse("not_found", _("That message is no longer there."))
        message.conversation = conversation
        require(permissions.edit_verdict(editor, message))
        if message.body == body:
            return PostResult(message, created=False, screen=ScreenResult())
        _check_message_rate(editor)
        MessageRevision.objects.create(message=message, body=message.body)
        _bump(conversation, message)
        message.body, message.edited_at = body, timezone.now()
        message.save(update_fields=["body", "edited_at", "revision"])
        screen = moderation.screen(message)
        broadcast = None
        if screen.held:
            message.is_held = True
            message.save(update_fields=["is_held"])
            # The writer's own page keeps it, marked as waiting (consumers._do_edit).
            live.send(conversation, {"type": "removed", "id": message.sequence}, not_to=editor.pk)
            live.unread_counts_changed(_everyone(conversation))
        else:
            broadcast = live.send(
                conversation, {"type": "message", "message": selectors.serialize_message(message)}
            )
    return PostResult(message, created=False, screen=screen, broadcast=broadcast)


def _started_before(author: User, client_msg_id: uuid.UUID) -> PostResult | None:
    """A start form sent twice (a double click, a reload) opens one conversation."""
    first = (
        Message.objects.select_related("conversation", "author")
        .filter(author=author, sequence=1, client_msg_id=client_msg_id)
        .first()
    )
    return PostResult(first, created=False, screen=ScreenResult()) if first else None


def ask_team(
    *,
    member: User,
    group: SupportGroup | None,
    subject: object,
    body: object,
    client_msg_id: uuid.UUID,
) -> PostResult:
    """A member opens a conversation with a group's facilitators (None: the site moderators)."""
    body = clean_body(body)
    subject = clean_text(subject, limit=120, required=False)
    require(permissions.ask_team_verdict(member, group))
    with transaction.atomic():
        again = _started_before(member, client_msg_id)
        if again is not None:
            return again
        _check_start_rate(member)
        conversation = Conversation.objects.create(
            kind=Kind.FACILITATORS if group is not None else Kind.MODERATORS,
            group=group,
            subject=subject,
            started_by=member,
        )
        Participant.objects.create(conversation=conversation, user=member)
        seat = Seat(is_team=False, participant=None)
        return _add_message(
            conversation, author=member, body=body, client_msg_id=client_msg_id, seat=seat
        )


def start_from_team(
    *,
    facilitator: User,
    group: SupportGroup,
    member: User,
    subject: object,
    body: object,
    client_msg_id: uuid.UUID,
) -> PostResult:
    """A facilitator opens a conversation with one member of their group, as the group's
    team ("checking in with a quiet member"): any facilitator of the group reads and answers
    it, and the member answers the team, as in a question they had asked."""
    body = clean_body(body)
    subject = clean_text(subject, limit=120, required=False)
    require(permissions.check_in_verdict(facilitator, group, member))
    with transaction.atomic():
        again = _started_before(facilitator, client_msg_id)
        if again is not None:
            return again
        _check_start_rate(facilitator)
        conversation = Conversation.objects.create(
            kind=Kind.FACILITATORS, group=group, subject=subject, started_by=facilitator
        )
        Participant.objects.create(conversation=conversation, user=member)
        seat = Seat(is_team=True, participant=None)
        return _add_message(
            conversation, author=facilitator, body=body, client_msg_id=client_msg_id, seat=seat
        )


def introduce(
    *,
    introducer: User,
    people: list[User],
    subject: object,
    body: object,
    client_msg_id: uuid.UUID,
) -> PostResult:
    """Someone who arranged it (a mentoring coordinator) introduces people to each other: they
    are all in the conversation at once, with no request to accept (they agreed to meet
    through the introducer), and it opens with the introducer's message. The introducer holds
    only a mark row (role TEAM), which grants nothing: they read nothing written after."""
    body = clean_body(body)
    subject = clean_text(subject, limit=120, required=False)
    people = list({p.pk: p for p in people if p.pk != introducer.pk}.values())
    require(permissions.introduce_verdict(introducer, people))
    with transaction.atomic():
        again = _started_before(introducer, client_msg_id)
        if again is not None:
            return again
        _check_start_rate(introducer)
        conversation = Conversation.objects.create(
            kind=Kind.MEMBERS, group=None, subject=subject, started_by=introducer
        )
        Participant.objects.bulk_create(
            [Participant(conversation=conversation, user=person) for person in people]
        )
        seat = Seat(is_team=True, participant=None)
        return _add_message(
            conversation, author=introducer, body=body, client_msg_id=client_msg_id, seat=seat
        )


@transaction.atomic
def end(*, conversation: Conversation) -> Conversation:
    """End a conversation for good: everyone in it keeps reading it, nobody can add to it. Who
    may end it is the caller's rule (a mentoring match ends its conversation)."""
    conversation = _locked(conversation.pk)
    if conversation.ended_at is not None:
        return conversation
    conversation.ended_at = timezone.now()
    conversation.replying_by, conversation.replying_at = None, None
    conversation.save(update_fields=["ended_at", "replying_by", "replying_at"])
    for person in conversation.participants.filter(role=MEMBER, state=ACTIVE).values_list(
        "user_id", flat=True
    ):
        supportgroups_live.access_changed(person)  # their open pages turn read-only
    return conversation


def _known_to(starter: User, people: list[User]) -> set[int]:
    """Those of `people` who have accepted a conversation with `starter` before: no request."""
    return set(
        Participant.objects.filter(
            role=MEMBER,
            state=ACTIVE,
            user__in=people,
            conversation__kind=Kind.MEMBERS,
            conversation__participants__user=starter,
            conversation__participants__state=ACTIVE,
        ).values_list("user_id", flat=True)
    )


def _check_no_request_waiting(starter: User, people: list[User]) -> None:
    """One request at a time: someone who has not accepted (or has quietly ignored) a request
    gets no second one. The words never say which of the two it is."""
    waiting = (
        Participant.objects.filter(
            user__in=people,
            state__in=[REQUESTED, IGNORED],
            conversation__started_by=starter,
        )
        .select_related("user")
        .first()
    )
    if waiting is not None:
        raise _refuse(
            "request_waiting",
            _("You have written to %(name)s already. They will see it if they accept.")
            % {"name": waiting.user},
        )


def start_conversation(
    *,
    starter: User,
    group: SupportGroup,
    recipients: list[User],
    subject: object,
    body: object,
    client_msg_id: uuid.UUID,
) -> PostResult:
    """Members who share `group` start a conversation (two to eight people). Everyone who has
    not accepted one with the starter before receives it as a request."""
    body = clean_body(body)
    subject = clean_text(subject, limit=120, required=False)
    recipients = list({p.pk: p for p in recipients if p.pk != starter.pk}.values())
    require(permissions.start_verdict(starter, group, recipients))
    with transaction.atomic():
        again = _started_before(starter, client_msg_id)
        if again is not None:
            return again
        _check_no_request_waiting(starter, recipients)
        _check_start_rate(starter)
        known = _known_to(starter, recipients)
        conversation = Conversation.objects.create(
            kind=Kind.MEMBERS, group=group, subject=subject, started_by=starter
        )
        Participant.objects.bulk_create(
            [Participant(conversation=conversation, user=starter)]
            + [
                Participant(
                    conversation=conversation,
                    user=person,
                    state=ACTIVE if person.pk in known else REQUESTED,
                )
                for person in recipients
            ]
        )
        seat = Seat(is_team=False, participant=None)
        return _add_message(
            conversation, author=starter, body=body, client_msg_id=client_msg_id, seat=seat
        )


def _own_request(conversation: Conversation, user: User, states: list[str]) -> Participant:
    participant = (
        Participant.objects.select_for_update()
        .filter(conversation=conversation, user=user, role=MEMBER, state__in=states)
        .first()
    )
    if participant is None:
        raise _refuse("not_found", _("There is no request waiting for you here."))
    return participant


@transaction.atomic
def accept(*, conversation: Conversation, user: User) -> Participant:
    """The person joins: everything written since the request reaches them from now on."""
    participant = _own_request(conversation, user, [REQUESTED, IGNORED])
    participant.state = ACTIVE
    participant.save(update_fields=["state"])
    live.unread_counts_changed({user.pk})
    return participant


@transaction.atomic
def ignore(*, conversation: Conversation, user: User) -> Participant:
    """The request goes away quietly; the person who wrote is not told."""
    participant = _own_request(conversation, user, [REQUESTED])
    participant.state = IGNORED
    participant.save(update_fields=["state"])
    live.unread_counts_changed({user.pk})
    return participant


@transaction.atomic
def leave(*, conversation: Conversation, user: User) -> Participant:
    """The person leaves a conversation between members: they stop reading it and receive
    nothing more from it; what they wrote stays for the others, who see that they left."""
    conversation = _locked(conversation.pk)
    if conversation.kind != Kind.MEMBERS:
        raise _refuse("forbidden", _("Only a conversation between members can be left."))
    # Only an introduction (by a mentoring coordinator) gives a members' conversation a team
    # row, the introducer's mark: it ends with the match, for both at once.
    if conversation.participants.filter(role=TEAM).exists():
        raise _refuse(
            "forbidden", _("This conversation cannot be left. You can end it from its page.")
        )
    participant = (
        Participant.objects.select_for_update()
        .filter(conversation=conversation, user=user, role=MEMBER)
        .exclude(state=LEFT)
        .first()
    )
    if participant is None:
        raise _refuse("not_found", _("You are not in this conversation."))
    participant.state = LEFT
    participant.save(update_fields=["state"])
    live.send(conversation, {"type": "left", "name": user.display_name, "user_id": user.pk})
    supportgroups_live.access_changed(user.pk)  # their open sockets of it close
    live.unread_counts_changed({user.pk})
    return participant


def mark_read(
    *, conversation: Conversation, user: User, up_to: int, seat: Seat | None = None
) -> None:
    """Move the person's read mark forward (never back, never past the last message). A page
    seen again with nothing new costs one query and changes nothing."""
    seat = seat or permissions.seat_of(user, conversation)
    if not seat.is_in:
        return
    up_to = max(0, min(up_to, conversation.last_sequence))
    mark = seat.participant
    if mark is None:  # a team member's first visit: their row holds only marks
        moved = Participant.objects.get_or_create(
            conversation=conversation,
            user=user,
            defaults={"role": TEAM, "last_read_sequence": up_to},
        )[1]
    else:
        moved = mark.last_read_sequence < up_to and bool(
            Participant.objects.filter(pk=mark.pk, last_read_sequence__lt=up_to).update(
                last_read_sequence=up_to
            )
        )
    if moved:
        live.unread_counts_changed({user.pk})


def _check_team(user: User, conversation: Conversation) -> None:
    if not permissions.is_team_member(user, conversation):
        raise _refuse("forbidden", _("Only the team answering this conversation can do that."))


def _state_frame(conversation: Conversation) -> dict[str, object]:
    assigned = conversation.assigned_to
    return {
        "type": "state",
        "assigned_to": assigned.display_name if assigned else None,
        "closed": conversation.closed_at is not None,
    }


@transaction.atomic
def assign(*, conversation: Conversation, by: User, to: User | None) -> Conversation:
    """Give the conversation to one team member to answer (None: to nobody in particular)."""
    conversation = _locked(conversation.pk)
    _check_team(by, conversation)
    if to is not None and not permissions.is_team_member(to, conversation):
        raise _refuse("bad_request", _("Only someone on the team can answer it."))
    conversation.assigned_to = to
    conversation.save(update_fields=["assigned_to"])
    live.send(conversation, _state_frame(conversation))
    return conversation


@transaction.atomic
def close(*, conversation: Conversation, by: User) -> Conversation:
    """The team is done; the member's next message opens it again."""
    conversation = _locked(conversation.pk)
    _check_team(by, conversation)
    conversation.closed_at, conversation.closed_by = timezone.now(), by
    conversation.awaiting_reply_since = None
    conversation.save(update_fields=["closed_at", "closed_by", "awaiting_reply_since"])
    live.send(conversation, _state_frame(conversation))
    live.unread_counts_changed(_everyone(conversation))
    return conversation


@transaction.atomic
def start_replying(*, conversation: Conversation, by: User) -> bool:
    """Show the rest of the team (and the member) that `by` is writing an answer, so that two
    facilitators do not answer at once. Returns whether anything changed."""
    conversation = _locked(conversation.pk)
    if not permissions.is_team_member(by, conversation):
        return False
    now = timezone.now()
    fresh = now - settings.CONVERSATIONS_REPLYING_FOR
    at = conversation.replying_at
    if conversation.replying_by_id == by.pk and at is not None and at > fresh:
        return False
    conversation.replying_by, conversation.replying_at = by, now
    conversation.save(update_fields=["replying_by", "replying_at"])
    live.send(conversation, {"type": "replying", "name": by.display_name, "user_id": by.pk})
    return True


def _locked_message(message: Message) -> tuple[Conversation, Message]:
    conversation = _locked(message.conversation_id)
    message = Message.objects.select_related("author").get(pk=message.pk)
    message.conversation = conversation
    return conversation, message


def _bump(conversation: Conversation, message: Message) -> None:
    conversation.last_revision += 1
    conversation.save(update_fields=["last_revision"])
    message.revision = conversation.last_revision


@transaction.atomic
def hide_message(*, message: Message, reason: str) -> None:
    """Moderation takes a message down for everyone, live; the row stays for the record."""
    conversation, message = _locked_message(message)
    if message.is_hidden:
        return
    _bump(conversation, message)
    message.is_hidden, message.hidden_reason = True, reason[:200]
    message.save(update_fields=["is_hidden", "hidden_reason", "revision"])
    live.send(conversation, {"type": "removed", "id": message.sequence})
    live.unread_counts_changed(_everyone(conversation))


@transaction.atomic
def restore_message(*, message: Message) -> None:
    """Show a hidden or held message again (a moderator approved it)."""
    conversation, message = _locked_message(message)
    _bump(conversation, message)
    message.is_hidden = message.is_held = False
    message.hidden_reason = ""
    message.save(update_fields=["is_hidden", "is_held", "hidden_reason", "revision"])
    live.send(conversation, {"type": "message", "message": selectors.serialize_message(message)})
    live.unread_counts_changed(_everyone(conversation))


@transaction.atomic
def set_contact_setting(*, user: User, who_may_start: str) -> ContactSetting:
    if who_may_start not in ContactSetting.WhoMayStart.values:
        raise _refuse("bad_request", _("Choose one of the options."))
    setting, _created = ContactSetting.objects.update_or_create(
        user=user, defaults={"who_may_start": who_may_start}
    )
    return setting
