"""Hand-built rows for the reports' tests, with the timestamps the figures are made from."""

import datetime as dt
import itertools

import time_machine
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from forums.models import Board, Post, Thread
from groups.chat.models import ChatMessage, ChatRoom
from groups.models import MembershipEvent
from moderation.models import AuditLogEntry, FollowUp, Report, ReviewItem
from supportgroups.models import User
from tests.factories import MembershipFactory, UserFactory, with_mfa

UTC = dt.UTC
_TARGETS = itertools.count(1)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def organisation_lead(*, mfa: bool = True) -> User:
    user = UserFactory(display_name="Olu Lead")
    if mfa:
        with_mfa(user)
    user.user_permissions.add(Permission.objects.get(codename="view_organisation_reports"))
    return User.objects.get(pk=user.pk)  # a fresh instance: permissions are cached per object


def membership_event(group, kind: str, when: dt.datetime, membership=None):
    membership = membership or MembershipFactory(group=group)
    event = MembershipEvent.objects.create(membership=membership, kind=kind)
    MembershipEvent.objects.filter(pk=event.pk).update(created_at=when)
    return membership


def crisis_item(
    group,
    opened: dt.datetime,
    *,
    claimed_after=None,
    closed_after=None,
    by=None,
    escalated=False,
    excerpt="",
) -> ReviewItem:
    item = ReviewItem.objects.create(
        content_type=ContentType.objects.get_for_model(User),
        object_id=next(_TARGETS),
        group_id=group.pk if group else None,
        reason="at_risk",
        crisis=True,
        excerpt=excerpt,
        opened_at=opened,
        backup_alerted_at=opened + dt.timedelta(minutes=10) if escalated else None,
    )
    for action, after in (("claimed", claimed_after), ("dismiss", closed_after)):
        if after is not None:
            # the audit log is append-only: written at the time it happened
            with time_machine.travel(opened + dt.timedelta(minutes=after), tick=False):
                AuditLogEntry.objects.create(item=item, actor=by, action=action)
    return item


def report(item: ReviewItem, reason: str, when: dt.datetime, note: str = "") -> None:
    made = Report.objects.create(
        reporter=UserFactory(),
        item=item,
        content_type=item.content_type,
        object_id=item.object_id,
        reason=reason,
        note=note,
    )
    Report.objects.filter(pk=made.pk).update(created_at=when)


def follow_up(item: ReviewItem, due: dt.datetime, done: dt.datetime | None, outcome="") -> None:
    FollowUp.objects.create(item=item, after_hours=24, due_at=due, done_at=done, outcome=outcome)


def post(group, when: dt.datetime, *, body="A post", replies=0) -> Thread:
    board, _ = Board.objects.get_or_create(
        group=group, defaults={"name": group.name, "slug": group.slug}
    )
    thread = Thread.objects.create(board=board, title=body, last_post_at=when, reply_count=replies)
    made = Post.objects.create(thread=thread, body=body, is_opening=True)
    Post.objects.filter(pk=made.pk).update(created_at=when)
    Thread.objects.filter(pk=thread.pk).update(created_at=when)
    return thread


def chat_message(group, when: dt.datetime, body="Hello") -> None:
    room, _ = ChatRoom.objects.get_or_create(group=group)
    room.last_sequence += 1
    room.save(update_fields=["last_sequence"])
    ChatMessage.objects.create(
        room=room,
        sequence=room.last_sequence,
        revision=room.last_sequence,
        body=body,
        created_at=when,
    )
