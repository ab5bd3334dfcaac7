"""Writes for moderation. screen() is the entry point forums and chat call on every write;
request_review() is how reports and review requests enter the queue. The do_* actions on an
item, and resolve_for_target() for closing one from the content's own page, live in actions.py
(they share its audited core, which imports this module)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from supportgroups.degrade import when_cache_is_down
from supportgroups.live import access_changed
from supportgroups.ratelimits import within_rate
from supportgroups.services import notify

from . import live, permissions
from .interfaces import Moderatable
from .models import (
    PRIORITY,
    Appeal,
    AuditLogEntry,
    Flag,
    ItemNote,
    Reason,
    Report,
    ReviewItem,
    Sanction,
)
from .registry import as_moderatable, scope
from .screening import crisis_match, spam_signal


class ModerationError(Exception):
    """An action refused for a reason the facilitator should read (shown as a message)."""


class StaleVersion(ModerationError):
    pass


class ClaimConflict(ModerationError):
    pass


class ActionRefused(ModerationError, PermissionDenied):
    """Not this person's to do (the action table's rules); nothing was changed."""


class TooFast(ValidationError):
    """Over a per-person rate limit; retry_after is the window in seconds."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, code="rate_limited")
        self.retry_after = retry_after


@dataclass(frozen=True)
class ScreenResult:
    """What the writer's side must do after screening.

    held: do not publish yet (pre-moderation); tell the writer it is waiting for a facilitator.
      Approving the item calls target.restore(), which publishes it.
    crisis: show the writer, privately and at once, the caring message with crisis lines.
    """

    held: bool = False
    crisis: bool = False


def _open_item(*, raw, reason: str, actor=None, audit: str, detail: dict) -> ReviewItem:
    """Find or create the one queue item for a target, raise its priority, reopen it if it
    was resolved, and start the crisis path for an at-risk reason. Caller holds a transaction."""
    target = as_moderatable(raw)
    ct = ContentType.objects.get_for_model(raw)
    now = timezone.now()
    item, created = ReviewItem.objects.select_for_update().get_or_create(
        content_type=ct,
        object_id=raw.pk,
        defaults={
            "group_id": target.moderation_group_id(),
            "author": target.author,
            "excerpt": target.excerpt()[:300],
            "reason": reason,
            "priority": PRIORITY[reason],
            "opened_at": now,
        },
    )
    new_crisis = reason == Reason.AT_RISK and (created or not item.crisis or not item.is_open)
    if not created:
        item.excerpt = target.excerpt()[:300]
        item.group_id = target.moderation_group_id()
        if not item.is_open:
            item.state, item.resolution = ReviewItem.State.OPEN, ""
            item.claimed_by, item.claimed_at = None, None
            item.opened_at, item.reason, item.priority = now, reason, PRIORITY[reason]
            item.crisis, item.alerted_at, item.backup_alerted_at = False, None, None
            item.version += 1
            AuditLogEntry.objects.create(item=item, actor=actor, action="reopened", reason=reason)
        elif PRIORITY[reason] < item.priority:
            item.reason, item.priority = reason, PRIORITY[reason]
            item.version += 1
    if new_crisis:
        item.crisis = True
        item.state = ReviewItem.State.ESCALATED
        if not created:
            item.version += 1
    own_words = item.state == ReviewItem.State.OPEN and permissions.needs_site_moderators(item)
    if own_words:
        item.state = ReviewItem.State.ESCALATED
    item.save()
    AuditLogEntry.objects.create(
        item=item, actor=actor, action=audit, reason=reason, subject=item.author, detail=detail
    )
    if own_words:
        why = _("About a facilitator's own words, and nobody else facilitates the group.")
        AuditLogEntry.objects.create(item=item, action="escalate", reason=why)
        tell_site_moderators(item, reason=why)
    if new_crisis:
        from .tasks import alert_crisis

        alert_crisis.delay_on_commit(item.pk)
    live.item_changed(item, kind="crisis" if new_crisis else "new")
    return item


def tell_site_moderators(item: ReviewItem, *, reason: str, besides=None) -> None:
    """Each site moderator finds an escalated item in their notifications as well as on the
    dashboard."""
    for person in permissions.item_moderators(item):
        if person != besides and permissions.is_site_moderator(person):
            notify(
                user=person,
                kind="moderation",
                title=_("An item was escalated to site staff"),
                body=reason,
                url=item.get_absolute_url(),
            )


def _add_flag(item: ReviewItem, *, kind: str, detail: str = "") -> None:
    """One flag of a kind per opening of the item: an edit that trips the same screen again
    adds nothing new to read."""
    if not item.flags.filter(kind=kind, created_at__gte=item.opened_at).exists():
        Flag.objects.create(item=item, kind=kind, detail=detail[:300])


@when_cache_is_down(None)
def _check_report_rate(user) -> None:
    key = f"moderation:reports:{user.pk}"
    if not within_rate(key, limit=settings.MODERATION_REPORTS_PER_HOUR, window=3600):
        raise ValidationError(
            _("You have sent a lot of reports in the last hour. Please try again later.")
        )


@when_cache_is_down(None)
def _check_message_rate(user) -> None:
    key = f"moderation:author-messages:{user.pk}"
    if not within_rate(key, limit=settings.MODERATION_REPORTS_PER_HOUR, window=3600):
        raise ValidationError(_("You have sent a lot of messages in the last hour. Please wait."))


ALREADY_REPORTED = _lazy("You have already reported this. Thank you: we are on it.")


@transaction.atomic
def request_review(*, target, reason: str, note: str = "", by=None) -> ReviewItem:
    """Put any model instance in the facilitators' queue.

    With by: a member's report (once per member per target, rate-limited per member).
    Without: a review request, e.g. a suggested resource waiting for approval.
    """
    if reason not in Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if by is None:
        item = _open_item(raw=target, reason=reason, audit="flagged", detail={"note": note})
        _add_flag(item, kind=Flag.Kind.REVIEW, detail=note)
        return item
    ct = ContentType.objects.get_for_model(target)
    if Report.objects.filter(reporter=by, content_type=ct, object_id=target.pk).exists():
        raise ValidationError(ALREADY_REPORTED)
    _check_report_rate(by)
    item = _open_item(
        raw=target, reason=reason, actor=by, audit="reported", detail={"note": note[:2000]}
    )
    try:
        with transaction.atomic():
            Report.objects.create(
                reporter=by,
                item=item,
                content_type=ct,
                object_id=target.pk,
                reason=reason,
                note=note,
            )
    except IntegrityError as exc:  # a double-click racing itself
        raise ValidationError(
            _("You have already reported this. Thank you: we are on it.")
        ) from exc
    if reason == Reason.AT_RISK and item.author is not None and item.author != by:
        _reach_out(item.author)
    return item


def _reach_out(user) -> None:
    """Someone is worried about this member: tell them, gently and privately, where help is."""
    notify(
        user=user,
        kind="moderation",
        title=_("Someone in the community is thinking of you"),
        body=_(
            "A member was worried about you. If things feel very hard, you can talk to someone "
            "right now, any time: the crisis lines are one click away."
        ),
        url=reverse("moderation:support"),
    )


def _premoderation_holds(item_author, group_id: int | None, ct, object_id) -> bool:
    if item_author is None or group_id is None:
        return False
    existing = ReviewItem.objects.filter(content_type=ct, object_id=object_id).first()
    if existing is not None and existing.flags.filter(kind=Flag.Kind.PREMODERATION).exists():
        return existing.held
    first_n = scope().group_premoderation(group_id) or 0
    if first_n <= 0 or permissions.is_site_moderator(item_author):
        return False
    if group_id in permissions.facilitated_group_ids(item_author):
        return False
    earlier = Flag.objects.filter(
        kind=Flag.Kind.PREMODERATION, item__author=item_author, item__group_id=group_id
    ).count()
    return earlier < first_n


@transaction.atomic
def screen(content: Moderatable) -> ScreenResult:
    """Screen newly created or edited content, inside the writer's transaction.

    Crisis words open an escalated item and start the alert; spam from a new account and a new
    member's first posts in a pre-moderated group are held until a facilitator approves them.
    """
    target = as_moderatable(content)
    text = target.text_for_screening()
    ct = ContentType.objects.get_for_model(content)
    crisis = crisis_match(text)
    spam = spam_signal(author=target.author, text=text, target_key=f"{ct.pk}:{content.pk}")
    premoderate = _premoderation_holds(target.author, target.moderation_group_id(), ct, content.pk)
    signals = [
        (crisis, Reason.AT_RISK, Flag.Kind.CRISIS),
        (spam, Reason.SPAM, Flag.Kind.SPAM),
        (
            premoderate and "first posts in a pre-moderated group",
            Reason.OTHER,
            Flag.Kind.PREMODERATION,
        ),
    ]
    held = False
    for detail, reason, kind in signals:
        if not detail:
            continue
        item = _open_item(raw=content, reason=reason, audit="flagged", detail={"flag": kind})
        _add_flag(item, kind=kind, detail=detail)
        if kind != Flag.Kind.CRISIS and not item.held:
            item.held = True
            item.save(update_fields=["held", "updated_at"])
        held = held or item.held
    return ScreenResult(held=held, crisis=bool(crisis))


def claim_is_live(item: ReviewItem) -> bool:
    return bool(
        item.claimed_by_id
        and item.claimed_at
        and item.claimed_at > timezone.now() - timedelta(minutes=settings.MODERATION_CLAIM_MINUTES)
    )


def lock_item(*, item_id: int, user, version: int) -> ReviewItem:
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
def claim(*, item_id: int, user, version: int) -> ReviewItem:
    """Take the item so that nobody else acts on it at the same time."""
    item = lock_item(item_id=item_id, user=user, version=version)
    if claim_is_live(item) and item.claimed_by_id != user.pk:
        raise ClaimConflict(_("%(name)s is handling this item.") % {"name": item.claimed_by})
    item.claimed_by, item.claimed_at = user, timezone.now()
    if item.state == ReviewItem.State.OPEN:
        item.state = ReviewItem.State.CLAIMED
    item.version += 1
    item.save()
    AuditLogEntry.objects.create(item=item, actor=user, action="claimed")
    live.item_changed(item, kind="claimed")
    return item


def _unclaim(item: ReviewItem) -> None:
    item.claimed_by, item.claimed_at = None, None
    if item.state == ReviewItem.State.CLAIMED:
        item.state = ReviewItem.State.OPEN


@transaction.atomic
def release(*, item_id: int, user, version: int) -> ReviewItem:
    item = lock_item(item_id=item_id, user=user, version=version)
    if item.claimed_by_id != user.pk:
        raise ClaimConflict(_("You are not handling this item."))
    _unclaim(item)
    item.version += 1
    item.save()
    AuditLogEntry.objects.create(item=item, actor=user, action="released")
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
        AuditLogEntry.objects.create(item=item, action="released", reason="claim expired")
        _unclaim(item)
        item.version += 1
        item.save()
        count += 1
    return count


@transaction.atomic
def add_note(*, item: ReviewItem, author, body: str) -> ItemNote:
    if not permissions.can_view_item(author, item):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": _("Write a note first.")})
    return ItemNote.objects.create(item=item, author=author, body=body.strip())


def is_decision_for(user, action: AuditLogEntry) -> bool:
    """Whether the audit row is a decision about this person that they may appeal or answer.
    Reports, flags and claims are not: opening one would tell them who did what."""
    from .actions import is_answerable  # the action table builds on this module

    return permissions.can_appeal(user, action) and is_answerable(action.action)


@when_cache_is_down(None)
def check_appeal_page_rate(user) -> None:
    """The appeal and write pages, per person: nobody walks the audit ids."""
    key = f"moderation:appeal-pages:{user.pk}"
    if not within_rate(key, limit=settings.MODERATION_APPEAL_PAGES_PER_HOUR, window=3600):
        raise TooFast(
            _("You have opened these pages very often. Please wait; your text is still here."),
            retry_after=3600,
        )


def _answerers(action: AuditLogEntry, user) -> list:
    """Who reads a member's message about a decision: the moderator who took it, while they
    still moderate the item, else everyone who does. Never the member, never a reporter."""
    item, actor = action.item, action.actor
    group_id = action.detail.get("group_id") or item.group_id
    if actor is not None and actor != user and permissions.moderates_group(actor, group_id):
        return [actor]
    return [person for person in permissions.item_moderators(item) if person != user]


@transaction.atomic
def write_to_facilitators(*, action: AuditLogEntry, user, body: str) -> ItemNote:
    """The member a decision was about writes to the facilitators (as often as they need, within
    a rate limit): silenced or muted members can still reach a human."""
    if not is_decision_for(user, action):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": _("Write your message first.")})
    _check_message_rate(user)
    note = ItemNote.objects.create(
        item=action.item, author=user, body=body.strip(), from_author=True
    )
    for person in _answerers(action, user):
        notify(
            user=person,
            kind="moderation",
            title=_("A member wrote about your decision"),
            body=body.strip()[:500],
            url=reverse("moderation:item", args=[action.item_id]),
        )
    live.item_changed(action.item, kind="message")
    return note


@transaction.atomic
def appeal(*, action: AuditLogEntry, user, body: str) -> Appeal:
    """The author asks once for another look; it joins the queue like any other item."""
    from .actions import is_appealable  # the action table builds on this module

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
    item = _open_item(raw=record, reason=Reason.OTHER, actor=user, audit="appealed", detail={})
    _add_flag(item, kind=Flag.Kind.REVIEW, detail=f"appeal against {action.get_action_display()}")
    return record


def save_sanction(sanction: Sanction, *, update_fields: Iterable[str] | None = None) -> Sanction:
    """Every new, changed or lifted sanction is saved here (the actions, the admin), so that it
    reaches the person's open sockets once it has committed: they turn read-only or close, or
    become writable again."""
    sanction.save(update_fields=update_fields)
    access_changed(sanction.user_id)
    return sanction


def lift_sanction(sanction: Sanction) -> Sanction:
    sanction.lifted_at = timezone.now()
    return save_sanction(sanction, update_fields=["lifted_at"])
