"""Queue mechanics: locking an item at the version a moderator read, claiming it so that nobody
else acts at the same time, releasing it (by hand or when the claim goes idle), and notes
between moderators. What an action does once the item is held is actions.py; how items come
into the queue (screening, reports, appeals) is services.py and appeals.py."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supportgroups.models import User

from . import live, permissions
from .errors import ActionRefused, ClaimConflict, StaleVersion
from .models import AuditLogEntry, ItemNote, ReviewItem


def claim_is_live(item: ReviewItem) -> bool:
    return bool(
        item.claimed_by_id
        and item.claimed_at
        and item.claimed_at > timezone.now() - timedelta(minutes=settings.MODERATION_CLAIM_MINUTES)
    )


def lock_item(*, item_id: int, user: User, version: int) -> ReviewItem:
    """The item, locked for this transaction, after the permission and version checks."""
    item = ReviewItem.objects.select_for_update().select_related("content_type").get(pk=item_id)
    refused = permissions.item_refusal(user, item)
    if refused:
        raise ActionRefused(refused)
    if item.version != version:
        raise StaleVersion(
            _("Someone else changed this item while you were reading it. Here is the latest.")
        )
    return item


@transaction.atomic
def claim(*, item_id: int, user: User, version: int) -> ReviewItem:
    """Take the item so that nobody else acts on it at the same time."""
    item = lock_item(item_id=item_id, user=user, version=version)
    if claim_is_live(item) and item.claimed_by_id != user.pk:
        raise ClaimConflict(_("%(name)s is handling this item.") % {"name": item.claimed_by})
    item.claimed_by, item.claimed_at = user, timezone.now()
    if item.state == ReviewItem.State.OPEN:
        item.state = ReviewItem.State.CLAIMED
    item.version += 1
    item.save()
    AuditLogEntry.objects.create(item=item, actor=user, action=AuditLogEntry.Action.CLAIMED)
    live.item_changed(item, kind="claimed")
    return item


def unclaim(item: ReviewItem) -> None:
    """Let go of the item (the caller saves it): back to open if nobody had decided yet."""
    item.claimed_by, item.claimed_at = None, None
    if item.state == ReviewItem.State.CLAIMED:
        item.state = ReviewItem.State.OPEN


@transaction.atomic
def release(*, item_id: int, user: User, version: int) -> ReviewItem:
    item = lock_item(item_id=item_id, user=user, version=version)
    if item.claimed_by_id != user.pk:
        raise ClaimConflict(_("You are not handling this item."))
    unclaim(item)
    item.version += 1
    item.save()
    AuditLogEntry.objects.create(item=item, actor=user, action=AuditLogEntry.Action.RELEASED)
    live.item_changed(item, kind="released")
    return item


@transaction.atomic
def release_stale_claims() -> int:
    """Claims lapse after MODERATION_CLAIM_MINUTES without an action (beat task)."""
    cutoff = timezone.now() - timedelta(minutes=settings.MODERATION_CLAIM_MINUTES)
    stale = ReviewItem.objects.select_for_update(skip_locked=True).filter(
        claimed_by__isnull=False, claimed_at__lt=cutoff
    )
    count = 0
    for item in stale:
        AuditLogEntry.objects.create(
            item=item, action=AuditLogEntry.Action.RELEASED, reason="claim expired"
        )
        unclaim(item)
        item.version += 1
        item.save()
        count += 1
    return count


@transaction.atomic
def add_note(*, item: ReviewItem, author: User, body: str) -> ItemNote:
    if not permissions.can_view_item(author, item):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": _("Write a note first.")})
    return ItemNote.objects.create(item=item, author=author, body=body.strip())
