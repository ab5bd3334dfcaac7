"""Moderation decided where the content is rather than from the queue: a facilitator hiding a
chat message or muting a member from the room, a curator publishing or declining a suggested
resource on its own page. The same table, rules and record as the queue's actions
(actions.apply), without the claim: the person is not working the queue."""

from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supportgroups.models import User

from . import permissions
from .actions import (
    TABLE,
    Act,
    Change,
    apply,
    check_allowed,
    hide,
    remove,
    required_reason,
    restore,
)
from .adapters import adapter_for
from .errors import ActionRefused
from .models import PRIORITY, AuditLogEntry, Reason, ReviewItem, Sanction

State, Resolution = ReviewItem.State, ReviewItem.Resolution

# What a facilitator may do to content where they see it.
_WHERE_IT_IS: dict[str, Change] = {Act.HIDE: hide, Act.REMOVE: remove, Act.RESTORE: restore}


def _item_about(target: models.Model) -> ReviewItem:
    """The queue item about target, locked; made, already resolved, when nobody reported it,
    so that an action taken where the content is has the same record as one from the queue."""
    adapter = adapter_for(target)
    item, _created = (
        ReviewItem.objects.select_for_update()
        .select_related("content_type")
        .get_or_create(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            defaults={
                "group_id": adapter.group_id(),
                "author": adapter.author,
                "excerpt": adapter.excerpt()[:300],
                "reason": Reason.OTHER,
                "priority": PRIORITY[Reason.OTHER],
                "opened_at": timezone.now(),
                "state": State.RESOLVED,
            },
        )
    )
    return item


@transaction.atomic
def act_directly(*, action: str, target: models.Model, by: User, reason: str) -> AuditLogEntry:
    """A facilitator hides, removes or restores content where they see it (a chat message in
    its room, a post in its thread).

    The same table, rules and record as the queue's "hide", "remove" and "restore": refused with
    ActionRefused (a PermissionDenied) for anyone the table refuses, written to the content's
    queue item (made if there is none), appealable, and the author is told. An open item about
    the content is closed whoever had claimed it; a crisis item stays with the people on duty.
    """
    change = _WHERE_IT_IS[action]
    reason = required_reason(reason)
    item = _item_about(target)
    check_allowed(by, item, action)
    return apply(item, action, user=by, reason=reason, change=change, closes=not item.crisis)


@transaction.atomic
def arrange(
    *, action: str, target: models.Model, by: User, reason: str = "", board_id: int | None = None
) -> AuditLogEntry:
    """A board's moderators pin, lock, close or move a thread where it is, or undo that.

    The table's rule (the group's facilitators and site moderators, on their own threads too),
    written to the thread's queue item (made, resolved, if there is none) with its audit row;
    locking and closing are appealable by the thread's starter, who is told (moving too).
    The adapter refuses what the content cannot do (ModerationError, ValidationError).
    """
    taken = TABLE[action]
    if not taken.arranges:
        raise ValueError(f"{action!r} does not arrange a thread")
    reason = (reason or "").strip() if taken.reason_optional else required_reason(reason)
    item = _item_about(target)
    check_allowed(by, item, action)

    def change(item: ReviewItem, reason: str) -> dict[str, Any]:
        return adapter_for(target).arrange(action=action, reason=reason, board_id=board_id)

    return apply(item, action, user=by, reason=reason, change=change, closes=False)


@transaction.atomic
def mute_in_group(*, member: User, group_id: int, by: User, minutes: int, reason: str) -> Sanction:
    """A facilitator stops a member writing in one group for some minutes (from a chat room).

    The same rule as the queue's "mute" (the group's facilitators and site moderators; never
    against staff or site moderators unless by one; never oneself), refused with ActionRefused.
    Recorded as a Sanction with its audit row on the member's profile item, appealable to the
    group's other facilitators, and the member is told. Whether they may write is then
    moderation.selectors.can_post(member, group_id).
    """
    reason = required_reason(reason)
    if minutes < 1:
        raise ValidationError({"minutes": _("Choose at least one minute.")})
    refused = permissions.refusal(by, group_id=group_id, subject=member, rule=TABLE[Act.MUTE].rule)
    if refused:
        raise ActionRefused(refused)
    until = timezone.now() + timedelta(minutes=minutes)

    def change(item: ReviewItem, reason: str) -> dict[str, Any]:
        return {"group_id": group_id, "until": until.isoformat()}

    entry = apply(_item_about(member), Act.MUTE, user=by, reason=reason, change=change)
    return entry.sanction


def _closing_action(resolution: str) -> str:
    """The first action of the table that closes an item so ("approve", not "restore")."""
    for name, action in TABLE.items():
        if action.closes_as == resolution:
            return name
    raise ValueError(f"Unknown resolution {resolution!r}")


@transaction.atomic
def resolve_for_target(
    *, target: models.Model, by: User, resolution: str, reason: str
) -> AuditLogEntry | None:
    """Close the queue item about target, if one is waiting, because the app that owns the
    content has just decided the same question on the content's own page (a curator publishing
    or declining a suggested resource). Returns the audit row, or None if nothing was waiting.

    No claim and no queue permission are required: the calling app has already checked who may
    decide (resources lets facilitators curate, though they cannot see site-wide queue items)
    and has already changed the content, so the item only asks for a decision that is made.
    Requiring a claim would leave it open for ever. A moderator's claim is dropped and the
    version bumped, so their stale page gets "someone else changed this item" rather than
    acting twice. The author is not notified here: the calling app tells them in its own words.
    A crisis item is about the author's safety, not the content, so it stays for the people on
    duty whatever happens to the content.
    """
    reason = required_reason(reason)
    name = _closing_action(resolution)
    item = (
        ReviewItem.objects.select_for_update()
        .filter(content_type=ContentType.objects.get_for_model(target), object_id=target.pk)
        .exclude(state=State.RESOLVED)
        .first()
    )
    if item is None or item.crisis:
        return None

    def change(item: ReviewItem, reason: str) -> dict[str, Any]:
        if resolution in (Resolution.APPROVED, Resolution.NO_ACTION):
            item.held = False  # the owning app has shown it; do not hold its next edit
        return {"decided_in": item.content_type.app_label}

    return apply(item, name, user=by, reason=reason, change=change, tells=False)


@transaction.atomic
def record(*, action: str, target: models.Model, by: User, detail: dict[str, Any]) -> AuditLogEntry:
    """Write down something a group's facilitators did that is no moderation decision and
    affects nobody's content (emailing the whole group): the audit row, on the target's
    resolved queue item, so moderators find it beside everything else done in the group."""
    return AuditLogEntry.objects.create(
        item=_item_about(target), actor=by, action=action, detail=detail
    )
