"""How things come into the queue: screen() reads every new or edited text (forums and chat call
it inside their writing transaction), request_review() takes members' reports and review
requests. Both find or open the target's one queue item (open_item(), which appeals.py uses
too). save_sanction() is the one way a sanction is saved. Handling an item is queue.py (claims)
and actions.py (the action table)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from supportgroups.live import access_changed
from supportgroups.models import User
from supportgroups.ratelimits import require_within
from supportgroups.services import notify

from . import live, permissions, tasks
from .adapters import adapter_for
from .models import PRIORITY, AuditLogEntry, Flag, Reason, Report, ReviewItem, Sanction
from .registry import scope
from .screening import crisis_match, spam_signal

Audit = AuditLogEntry.Action


@dataclass(frozen=True)
class ScreenResult:
    """What the writer's side must do after screening.

    held: do not publish yet (pre-moderation); tell the writer it is waiting for a facilitator.
      Approving the item calls the adapter's restore(), which publishes it.
    crisis: show the writer, privately and at once, the caring message with crisis lines.
    """

    held: bool = False
    crisis: bool = False


def open_item(
    *,
    raw: models.Model,
    reason: str,
    actor: User | None = None,
    audit: str,
    detail: dict[str, Any],
) -> ReviewItem:
    """Find or create the one queue item for a target, raise its priority, reopen it if it
    was resolved, and start the crisis path for an at-risk reason. Caller holds a transaction."""
    target = adapter_for(raw)
    ct = ContentType.objects.get_for_model(raw)
    now = timezone.now()
    item, created = ReviewItem.objects.select_for_update().get_or_create(
        content_type=ct,
        object_id=raw.pk,
        defaults={
            "group_id": target.group_id(),
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
        item.group_id = target.group_id()
        if not item.is_open:
            item.state, item.resolution = ReviewItem.State.OPEN, ""
            item.claimed_by, item.claimed_at = None, None
            item.opened_at, item.reason, item.priority = now, reason, PRIORITY[reason]
            item.crisis, item.alerted_at, item.backup_alerted_at = False, None, None
            item.version += 1
            AuditLogEntry.objects.create(
                item=item, actor=actor, action=Audit.REOPENED, reason=reason
            )
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
        AuditLogEntry.objects.create(item=item, action=Audit.ESCALATE, reason=why)
        tell_site_moderators(item, reason=why)
    if new_crisis:
        # Celery's Django fixup makes every task a DjangoTask; the stubs type a plain Task.
        tasks.alert_crisis.delay_on_commit(item.pk)  # type: ignore[attr-defined]
    live.item_changed(item, kind="crisis" if new_crisis else "new")
    return item


def tell_site_moderators(item: ReviewItem, *, reason: str, besides: User | None = None) -> None:
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


def add_flag(item: ReviewItem, *, kind: str, detail: str = "") -> None:
    """One flag of a kind per opening of the item: an edit that trips the same screen again
    adds nothing new to read."""
    if not item.flags.filter(kind=kind, created_at__gte=item.opened_at).exists():
        Flag.objects.create(item=item, kind=kind, detail=detail[:300])


def _check_report_rate(user: User) -> None:
    require_within(
        f"moderation:reports:{user.pk}",
        limit=settings.MODERATION_REPORTS_PER_HOUR,
        window=3600,
        refusal=ValidationError(
            _("You have sent a lot of reports in the last hour. Please try again later.")
        ),
    )


ALREADY_REPORTED = _lazy("You have already reported this. Thank you: we are on it.")


@transaction.atomic
def request_review(
    *, target: models.Model, reason: str, note: str = "", by: User | None = None
) -> ReviewItem:
    """Put any model instance in the facilitators' queue.

    With by: a member's report (once per member per target, rate-limited per member).
    Without: a review request, e.g. a suggested resource waiting for approval.
    """
    if reason not in Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if by is None:
        item = open_item(raw=target, reason=reason, audit=Audit.FLAGGED, detail={"note": note})
        add_flag(item, kind=Flag.Kind.REVIEW, detail=note)
        return item
    ct = ContentType.objects.get_for_model(target)
    if Report.objects.filter(reporter=by, content_type=ct, object_id=target.pk).exists():
        raise ValidationError(ALREADY_REPORTED)
    _check_report_rate(by)
    item = open_item(
        raw=target, reason=reason, actor=by, audit=Audit.REPORTED, detail={"note": note[:2000]}
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
        raise ValidationError(ALREADY_REPORTED) from exc
    if reason == Reason.AT_RISK and item.author is not None and item.author != by:
        _reach_out(item.author)
    return item


def _reach_out(user: User) -> None:
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


def _premoderation_holds(
    item_author: User | None, group_id: int | None, ct: ContentType, object_id: int, *, new: bool
) -> bool:
    if item_author is None or group_id is None:
        return False
    # An edit of a held first post stays held; new content has no item yet.
    existing = (
        None if new else ReviewItem.objects.filter(content_type=ct, object_id=object_id).first()
    )
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


@transaction.atomic(savepoint=False)  # the writer's own transaction, where there is one
def screen(content: models.Model, *, new: bool = False) -> ScreenResult:
    """Screen newly created (``new``) or edited content, inside the writer's transaction.

    Crisis words open an escalated item and start the alert; spam from a new account and a new
    member's first posts in a pre-moderated group are held until a facilitator approves them.
    """
    target = adapter_for(content)
    text = target.text_for_screening()
    ct = ContentType.objects.get_for_model(content)
    crisis = crisis_match(text)
    spam = spam_signal(author=target.author, text=text, target_key=f"{ct.pk}:{content.pk}")
    premoderate = target.premoderated and _premoderation_holds(
        target.author, target.group_id(), ct, target.pk, new=new
    )
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
        item = open_item(raw=content, reason=reason, audit=Audit.FLAGGED, detail={"flag": kind})
        add_flag(item, kind=kind, detail=detail)
        if kind != Flag.Kind.CRISIS and not item.held:
            item.held = True
            item.save(update_fields=["held", "updated_at"])
        held = held or item.held
    return ScreenResult(held=held, crisis=bool(crisis))


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


def delete_sanction(sanction: Sanction) -> None:
    """A sanction deleted (in the admin) stops applying as a lifted one does: the person's open
    sockets hear of it once the deletion has committed."""
    user_id = sanction.user_id
    sanction.delete()
    access_changed(user_id)
