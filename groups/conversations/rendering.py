"""Inbox rows and messages rendered once and reused (supportgroups.fragments): the row and
message templates read nothing but the plain values given here, so each is cached under a
digest of what it shows (its reader's few facts and time zone included), and a new message,
a read mark or a moderator's decision simply asks for another key."""

from collections.abc import Collection

from django.utils import timezone
from django.utils.safestring import SafeString

from supportgroups.fragments import render_each
from supportgroups.links import url_maker
from supportgroups.models import User

from . import permissions
from .models import Conversation, Message

ROW_TEMPLATES = ("conversations/_conversation_row.html",)
MESSAGE_TEMPLATES = ("conversations/_message.html",)


def row_context(
    conversation: Conversation, *, url: str, team: bool, zone: str
) -> dict[str, object]:
    """What an inbox row shows (selectors.inbox gives `unread` and `others`)."""
    group, assigned = conversation.group, conversation.assigned_to
    # selectors.inbox adds `others` (a prefetch) and `unread` (an annotation) to each row.
    others, unread = conversation.others, conversation.unread  # type: ignore[attr-defined]
    return {
        "row": {
            "url": url,
            "subject": conversation.subject,
            "kind": conversation.kind,
            "group_name": group.name if group else "",
            "others": [place.user.display_name for place in others],
            "unread": unread,
            "last_message_at": conversation.last_message_at,
            "awaiting_reply_since": conversation.awaiting_reply_since,
            "assigned_to": assigned.display_name if assigned else "",
            "closed": conversation.closed_at is not None,
        },
        "team": team,
        "zone": zone,
    }


def render_rows(conversations: list[Conversation], *, team: bool) -> SafeString:
    link = url_maker("conversations:detail")
    zone = timezone.get_current_timezone_name()
    contexts = [row_context(c, url=link(c.pk), team=team, zone=zone) for c in conversations]
    return render_each(ROW_TEMPLATES, contexts)


def message_context(
    message: Message,
    *,
    reader: User,
    team_label: str,
    blocked: bool,
    report_url: str,
    edit_url: str,
    zone: str,
) -> dict[str, object]:
    """What one message shows to one reader: whether it is theirs (and may still be changed:
    `edit_url`), edited, from the team, waiting for a moderator, or from someone they blocked
    (folded)."""
    author = message.author
    return {
        "message": {
            "sequence": message.sequence,
            "revision": message.revision,
            "author": author.display_name if author else "",
            "mine": message.author_id == reader.pk,
            "team_label": team_label if message.from_team else "",
            "created_at": message.created_at,
            "held": message.is_held,
            "edited": message.edited_at is not None,
            "edit_url": edit_url,
            "report_url": report_url if message.is_visible else "",
            "blocked": blocked,
            "body": message.body,
        },
        "zone": zone,
    }


def render_messages(
    messages: list[Message],
    *,
    conversation: Conversation,
    reader: User,
    blocked: Collection[int],
    may_write: bool = False,
) -> SafeString:
    """`may_write`: whether the reader may write here now (their own recent messages then
    offer a link to change them)."""
    report = url_maker("moderation:report", "conversations.message")
    edit = url_maker("conversations:edit", conversation.pk)
    # Between members, the only words written "for a team" are an introducer's (services.introduce).
    team_label = {
        Conversation.Kind.MODERATORS: "moderators",
        Conversation.Kind.MEMBERS: "introducer",
    }.get(Conversation.Kind(conversation.kind), "team")
    zone = timezone.get_current_timezone_name()
    contexts = [
        message_context(
            m,
            reader=reader,
            team_label=team_label,
            blocked=m.author_id in blocked,
            report_url="" if m.author_id == reader.pk else report(m.pk),
            edit_url=edit(m.sequence) if may_write and permissions.edit_verdict(reader, m) else "",
            zone=zone,
        )
        for m in messages
    ]
    return render_each(MESSAGE_TEMPLATES, contexts)
