"""The person a decision is about answers it: an appeal (once, for an appealable decision),
which joins the queue like any other item, or a message to the facilitators (as often as they
need, within a rate limit). Silenced and muted members can still do both: they can always reach
a human. Which decisions are appealable is the action table's (actions.py)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from supportgroups.models import User
from supportgroups.ratelimits import require_within
from supportgroups.services import notify

from . import live, permissions
from .actions import TABLE
from .models import Appeal, AuditLogEntry, Flag, ItemNote, Reason
from .services import add_flag, open_item


class TooFast(ValidationError):
    """Over a per-person rate limit; retry_after is the window in seconds."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, code="rate_limited")
        self.retry_after = retry_after


def is_appealable(name: str) -> bool:
    action = TABLE.get(name)
    return action is not None and action.appealable


def is_answerable(name: str) -> bool:
    """A member may write to the facilitators about a decision they may appeal, and answer a
    facilitator's message. Nothing else (a report, a flag, a claim) is theirs to open: it would
    tell them who did what."""
    return is_appealable(name) or name == AuditLogEntry.Action.MESSAGE


def is_decision_for(user: User, action: AuditLogEntry) -> bool:
    """Whether the audit row is a decision about this person that they may appeal or answer.
    Reports, flags and claims are not: opening one would tell them who did what."""
    return permissions.can_appeal(user, action) and is_answerable(action.action)


def check_appeal_page_rate(user: User) -> None:
    """The appeal and write pages, per person: nobody walks the audit ids."""
    require_within(
        f"moderation:appeal-pages:{user.pk}",
        limit=settings.MODERATION_APPEAL_PAGES_PER_HOUR,
        window=3600,
        refusal=TooFast(
            _("You have opened these pages very often. Please wait; your text is still here."),
            retry_after=3600,
        ),
    )


def _check_message_rate(user: User) -> None:
    require_within(
        f"moderation:author-messages:{user.pk}",
        limit=settings.MODERATION_REPORTS_PER_HOUR,
        window=3600,
        refusal=ValidationError(
            _("You have sent a lot of messages in the last hour. Please wait.")
        ),
    )


def _answerers(action: AuditLogEntry, user: User) -> list[User]:
    """Who reads a member's message about a decision: the moderator who took it, while they
    still moderate the item, else everyone who does. Never the member, never a reporter."""
    item, actor = action.decided_item, action.actor
    group_id = action.detail.get("group_id") or item.group_id
    if actor is not None and actor != user and permissions.moderates_group(actor, group_id):
        return [actor]
    return [person for person in permissions.item_moderators(item) if person != user]


@transaction.atomic
def write_to_facilitators(*, action: AuditLogEntry, user: User, body: str) -> ItemNote:
    """The member a decision was about writes to the facilitators (as often as they need, within
    a rate limit): silenced or muted members can still reach a human."""
    if not is_decision_for(user, action):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": _("Write your message first.")})
    _check_message_rate(user)
    note = ItemNote.objects.create(
        item=action.decided_item, author=user, body=body.strip(), from_author=True
    )
    for person in _answerers(action, user):
        notify(
            user=person,
            kind="moderation",
            title=_("A member wrote about your decision"),
            body=body.strip()[:500],
            url=reverse("moderation:item", args=[action.item_id]),
        )
    live.item_changed(action.decided_item, kind="message")
    return note


@transaction.atomic
def appeal(*, action: AuditLogEntry, user: User, body: str) -> Appeal:
    """The author asks once for another look; it joins the queue like any other item."""
    if not permissions.can_appeal(user, action) or not is_appealable(action.action):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": _("Tell the facilitators why, in a few words.")})
    if Appeal.objects.filter(action=action).exists():
        raise ValidationError(_("You have already appealed this decision."))
    try:
        with transaction.atomic():
            record = Appeal.objects.create(action=action, appellant=user, body=body.strip())
    except IntegrityError as exc:
        raise ValidationError(_("You have already appealed this decision.")) from exc
    item = open_item(
        raw=record, reason=Reason.OTHER, actor=user, audit=AuditLogEntry.Action.APPEALED, detail={}
    )
    add_flag(item, kind=Flag.Kind.REVIEW, detail=f"appeal against {action.get_action_display()}")
    return record
