"""One do_* service per moderation action, and TABLE, the one place that says who may use each
(group facilitators or only site moderators, sparing staff or not) and whether the person it is
about may appeal it. Each checks the table, the claim and the version, writes the audit row,
tells the author why (with a link to appeal), and sends the live event, so nothing changes
state without being logged and broadcast. resolve_for_target() is the same, minus the claim, for
an app that decided an item's question on the content's own page; act_directly() and
mute_in_group() are the same for a facilitator acting where the content is (a chat room)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.usersessions.models import UserSession
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from supportgroups.services import notify

from . import live, permissions
from .models import PRIORITY, Appeal, AuditLogEntry, Reason, ReviewItem, Sanction
from .permissions import Rule, Who
from .registry import as_moderatable
from .services import (
    ActionRefused,
    ClaimConflict,
    ModerationError,
    _unclaim,
    claim_is_live,
    lift_sanction,
    lock_item,
    save_sanction,
    tell_site_moderators,
)

State, Resolution = ReviewItem.State, ReviewItem.Resolution


def _target(item: ReviewItem):
    return as_moderatable(item.target)


def _tell_author(item: ReviewItem, entry: AuditLogEntry, title: str) -> None:
    if item.author is None:
        return
    # Decisions can be appealed; a private message can be answered.
    name = "moderation:appeal" if is_appealable(entry.action) else "moderation:write"
    url = reverse(name, args=[entry.pk])
    notify(user=item.author, kind="moderation", title=title, body=entry.reason, url=url)


def _act(
    *,
    item_id: int,
    user,
    version: int,
    reason: str,
    action: str,
    change: Callable[[ReviewItem], dict | None],
    state: str | None = None,
    resolution: str | None = None,
    tell: str | None = None,
    sanction: str | None = None,
) -> AuditLogEntry:
    """The shared shape of every queue action: the dashboard's actor must hold a live claim on
    the version they read. change(item) does the specific work and may return detail for the
    audit row."""
    reason = _required_reason(reason)
    with transaction.atomic():
        item = lock_item(item_id=item_id, user=user, version=version)
        check_allowed(user, item, action)
        if item.claimed_by_id != user.pk or not claim_is_live(item):
            raise ClaimConflict(_("Claim the item before acting on it."))
        return _apply(
            item, user=user, reason=reason, action=action, change=change, state=state,
            resolution=resolution, tell=tell, sanction=sanction,
        )  # fmt: skip


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: it is kept in the audit log.")})
    return reason


def _apply(
    item: ReviewItem,
    *,
    user,
    reason: str,
    action: str,
    change: Callable[[ReviewItem], dict | None],
    state: str | None = None,
    resolution: str | None = None,
    tell: str | None = None,
    sanction: str | None = None,
) -> AuditLogEntry:
    """Change a locked item, write its audit row, tell the author and the dashboards. Every
    way out of the queue goes through here, so none of them skips the log or the live event."""
    detail = change(item) or {}
    if state is not None:
        item.state = state
    if resolution is not None:
        item.resolution = resolution
    if item.state in (State.RESOLVED, State.ESCALATED):
        _unclaim(item)
    else:
        item.claimed_at = timezone.now()  # acting keeps the claim from going idle
    item.version += 1
    item.save()
    entry = AuditLogEntry.objects.create(
        item=item, actor=user, action=action, reason=reason, subject=item.author, detail=detail
    )
    if sanction:
        _record_sanction(entry, sanction)
    if tell:
        _tell_author(item, entry, tell)
    live.item_changed(item, kind=action)
    return entry


def _content_target(item: ReviewItem):
    target = _target(item)
    if target is None:
        raise ModerationError(_("The content no longer exists."))
    if not getattr(target, "content_actions", True):
        raise ModerationError(_("This cannot be hidden or edited; act on its author instead."))
    return target


def _publish_if_held(item: ReviewItem) -> None:
    if item.held:
        target = _target(item)
        if target is not None:
            target.restore()
        item.held = False


def do_approve(*, item_id: int, user, version: int, reason: str) -> AuditLogEntry:
    """Nothing wrong: publish it if it was held. On an appeal, approving reverses the action."""

    def change(item):
        _publish_if_held(item)
        if isinstance(item.target, Appeal):
            return _overturn(item.target, by=user)
        return None

    return _act(
        item_id=item_id, user=user, version=version, reason=reason, action="approve",
        change=change, state=State.RESOLVED, resolution=Resolution.APPROVED,
    )  # fmt: skip


def do_dismiss(*, item_id: int, user, version: int, reason: str) -> AuditLogEntry:
    """Close with no action (a held post is published; an appeal's decision stands)."""

    def change(item):
        _publish_if_held(item)
        if isinstance(item.target, Appeal) and item.author:
            notify(user=item.author, kind="moderation", title=_("Your appeal was reviewed; the "
                   "decision stands"), body=reason)  # fmt: skip

    return _act(
        item_id=item_id, user=user, version=version, reason=reason, action="dismiss",
        change=change, state=State.RESOLVED, resolution=Resolution.NO_ACTION,
    )  # fmt: skip


HIDDEN_TELL = _lazy("A facilitator hid something you wrote")
REMOVED_TELL = _lazy("A facilitator removed something you wrote")


def _hide(item: ReviewItem, reason: str) -> None:
    _content_target(item).hide(reason=reason)


def _remove(item: ReviewItem, reason: str) -> None:
    """Removal is final for the members; targets without a remove() of their own are hidden."""
    target = _content_target(item)
    (getattr(target, "remove", None) or target.hide)(reason=reason)


def do_hide(*, item_id: int, user, version: int, reason: str) -> AuditLogEntry:
    return _act(
        item_id=item_id, user=user, version=version, reason=reason, action="hide",
        change=lambda item: _hide(item, reason), state=State.RESOLVED,
        resolution=Resolution.HIDDEN, tell=HIDDEN_TELL,
    )  # fmt: skip


def do_remove(*, item_id: int, user, version: int, reason: str) -> AuditLogEntry:
    return _act(
        item_id=item_id, user=user, version=version, reason=reason, action="remove",
        change=lambda item: _remove(item, reason), state=State.RESOLVED,
        resolution=Resolution.REMOVED, tell=REMOVED_TELL,
    )  # fmt: skip


def do_restore(*, item_id: int, user, version: int, reason: str) -> AuditLogEntry:
    def change(item):
        _content_target(item).restore()
        item.held = False

    return _act(
        item_id=item_id, user=user, version=version, reason=reason, action="restore",
        change=change, state=State.RESOLVED, resolution=Resolution.APPROVED,
        tell=_("Something you wrote is shown again"),
    )  # fmt: skip


def do_edit(*, item_id: int, user, version: int, reason: str, text: str) -> AuditLogEntry:
    """Needs the target to offer apply_moderator_edit(text=...)."""

    def change(item):
        target = _content_target(item)
        if not hasattr(target, "apply_moderator_edit"):
            raise ModerationError(_("This kind of content cannot be edited here."))
        if not text.strip():
            raise ValidationError({"text": _("The edited text cannot be empty.")})
        target.apply_moderator_edit(text=text)
        return {"text": text}

    return _act(
        item_id=item_id, user=user, version=version, reason=reason, action="edit",
        change=change, tell=_("A facilitator edited something you wrote"),
    )  # fmt: skip


def do_message(*, item_id: int, user, version: int, reason: str) -> AuditLogEntry:
    """A private word with the author; the reason is the message."""
    return _act(
        item_id=item_id, user=user, version=version, reason=reason, action="message",
        change=lambda item: None, tell=_("A message from the facilitators"),
    )  # fmt: skip


def _sanction(kind: str, *, group: bool = False, until: datetime | None = None):
    def change(item):
        if item.author is None:
            raise ModerationError(_("The author's account no longer exists."))
        if group and item.group_id is None:
            raise ModerationError(_("This item is not in a group."))
        if until is not None and until <= timezone.now():
            raise ValidationError({"until": _("Choose a time in the future.")})
        if kind == Sanction.Kind.SUSPEND:
            item.author.is_active = False
            item.author.save(update_fields=["is_active"])
            for session in UserSession.objects.filter(user=item.author):
                session.end()
        return {"group_id": item.group_id if group else None, "until": until and until.isoformat()}

    return change


def _record_sanction(entry: AuditLogEntry, kind: str) -> None:
    until = entry.detail.get("until")
    save_sanction(
        Sanction(
            user_id=entry.subject_id,
            kind=kind,
            group_id=entry.detail.get("group_id"),
            until=until and datetime.fromisoformat(until),
            reason=entry.reason,
            action=entry,
        )
    )


def do_warn(*, item_id: int, user, version: int, reason: str) -> AuditLogEntry:
    return _act(
        item_id=item_id, user=user, version=version, reason=reason, action="warn",
        change=_sanction(Sanction.Kind.WARN), tell=_("A warning from the facilitators"),
        sanction=Sanction.Kind.WARN,
    )  # fmt: skip


def do_silence(*, item_id: int, user, version: int, reason: str, until: datetime) -> AuditLogEntry:
    """Cannot post anywhere until then, but can still appeal and write to facilitators."""
    return _act(
        item_id=item_id, user=user, version=version, reason=reason, action="silence",
        change=_sanction(Sanction.Kind.SILENCE, until=until),
        tell=_("You cannot post for a while"),
        sanction=Sanction.Kind.SILENCE,
    )  # fmt: skip


MUTED_TELL = _lazy("You cannot post in one of your groups")


def do_mute(*, item_id: int, user, version: int, reason: str) -> AuditLogEntry:
    return _act(
        item_id=item_id, user=user, version=version, reason=reason, action="mute",
        change=_sanction(Sanction.Kind.MUTE, group=True),
        tell=MUTED_TELL,
        sanction=Sanction.Kind.MUTE,
    )  # fmt: skip


def do_suspend(*, item_id: int, user, version: int, reason: str) -> AuditLogEntry:
    """The account is switched off and every session ends."""
    return _act(
        item_id=item_id, user=user, version=version, reason=reason, action="suspend",
        change=_sanction(Sanction.Kind.SUSPEND), tell=_("Your account is suspended"),
        sanction=Sanction.Kind.SUSPEND,
    )  # fmt: skip


def do_escalate(*, item_id: int, user, version: int, reason: str) -> AuditLogEntry:
    """Hand it to the site staff; the claim is released so one of them can take it, and each
    site moderator finds it in their notifications as well as on the dashboard."""

    def change(item):
        tell_site_moderators(item, reason=reason, besides=user)

    return _act(
        item_id=item_id, user=user, version=version, reason=reason, action="escalate",
        change=change, state=State.ESCALATED,
    )  # fmt: skip


# The audit action recorded when an item is closed from the content's own page.
_RESOLUTION_ACTIONS = {
    Resolution.APPROVED: "approve",
    Resolution.HIDDEN: "hide",
    Resolution.REMOVED: "remove",
    Resolution.NO_ACTION: "dismiss",
}


@transaction.atomic
def resolve_for_target(*, target, by, resolution: str, reason: str) -> AuditLogEntry | None:
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
    reason = _required_reason(reason)
    if resolution not in _RESOLUTION_ACTIONS:
        raise ValueError(f"Unknown resolution {resolution!r}")
    item = (
        ReviewItem.objects.select_for_update()
        .filter(content_type=ContentType.objects.get_for_model(target), object_id=target.pk)
        .exclude(state=State.RESOLVED)
        .first()
    )
    if item is None or item.crisis:
        return None

    def change(item):
        if resolution in (Resolution.APPROVED, Resolution.NO_ACTION):
            item.held = False  # the owning app has shown it; do not hold its next edit
        return {"decided_in": item.content_type.app_label}

    return _apply(
        item, user=by, reason=reason, action=_RESOLUTION_ACTIONS[resolution], change=change,
        state=State.RESOLVED, resolution=resolution,
    )  # fmt: skip


def _overturn(appeal: Appeal, *, by) -> dict:
    """Reverse the appealed action: show the content again or lift the sanction."""
    original = appeal.action
    if original.action in ("hide", "remove", "edit"):
        target = as_moderatable(original.item.target)
        if original.action != "edit" and target is not None:
            target.restore()
    sanction = Sanction.objects.filter(action=original, lifted_at__isnull=True).first()
    if sanction is not None:
        lift_sanction(sanction)
        if sanction.kind == Sanction.Kind.SUSPEND:
            sanction.user.is_active = True
            sanction.user.save(update_fields=["is_active"])
    AuditLogEntry.objects.create(
        item=original.item,
        actor=by,
        action="overturn",
        reason=appeal.body,
        subject=original.subject,
    )
    notify(user=appeal.appellant, kind="moderation", title=_("Your appeal was upheld"))
    return {"overturned": original.pk}


@dataclass(frozen=True)
class Action:
    """One row of the action table. Whatever the rule, nobody takes an action on an item about
    what they wrote themselves (permissions.refusal), and refusals change nothing."""

    label: str
    handler: Callable[..., AuditLogEntry]
    rule: Rule = permissions.HANDLE
    appealable: bool = False  # the person it is about may appeal it and write about it
    on_content: bool = False  # shows, hides or edits the content: not for a profile
    in_group: bool = False  # only for an item in a group


_GROUP_SANCTION = Rule(who=Who.GROUP, spares_moderators=True)
_SITE_SANCTION = Rule(who=Who.SITE, spares_moderators=True)

TABLE: dict[str, Action] = {
    "approve": Action(_lazy("Approve"), do_approve),
    "dismiss": Action(_lazy("Close, no action"), do_dismiss),
    "hide": Action(_lazy("Hide"), do_hide, appealable=True, on_content=True),
    "remove": Action(_lazy("Remove"), do_remove, appealable=True, on_content=True),
    "restore": Action(_lazy("Restore"), do_restore, on_content=True),
    "edit": Action(_lazy("Edit"), do_edit, appealable=True, on_content=True),
    "message": Action(_lazy("Message the author"), do_message),
    "warn": Action(_lazy("Warn"), do_warn, _GROUP_SANCTION, appealable=True),
    "silence": Action(_lazy("Silence"), do_silence, _SITE_SANCTION, appealable=True),
    "mute": Action(
        _lazy("Mute in group"), do_mute, _GROUP_SANCTION, appealable=True, in_group=True
    ),
    "suspend": Action(_lazy("Suspend account"), do_suspend, _SITE_SANCTION, appealable=True),
    "escalate": Action(_lazy("Escalate to site staff"), do_escalate),
}
ACTIONS = {name: action.handler for name, action in TABLE.items()}


def is_appealable(name: str) -> bool:
    action = TABLE.get(name)
    return action is not None and action.appealable


def is_answerable(name: str) -> bool:
    """A member may write to the facilitators about a decision they may appeal, and answer a
    facilitator's message. Nothing else (a report, a flag, a claim) is theirs to open: it would
    tell them who did what."""
    return is_appealable(name) or name == "message"


def check_allowed(user, item: ReviewItem, name: str) -> None:
    refused = permissions.item_refusal(user, item, TABLE[name].rule)
    if refused:
        raise ActionRefused(refused)


def available(user, item: ReviewItem, target) -> list[tuple[str, str]]:
    """The actions this person may take on the item, in the table's order, for the item page."""
    content = target is not None and getattr(target, "content_actions", True)
    refusals: dict[Rule, str | None] = {}
    offered = []
    for name, action in TABLE.items():
        if (action.on_content and not content) or (action.in_group and item.group_id is None):
            continue
        if action.rule not in refusals:
            refusals[action.rule] = permissions.item_refusal(user, item, action.rule)
        if refusals[action.rule] is None:
            offered.append((name, action.label))
    return offered


def _item_about(target) -> ReviewItem:
    """The queue item about target, locked; made, already resolved, when nobody reported it,
    so that an action taken where the content is has the same record as one from the queue."""
    moderatable = as_moderatable(target)
    item, _created = (
        ReviewItem.objects.select_for_update()
        .select_related("content_type")
        .get_or_create(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            defaults={
                "group_id": moderatable.moderation_group_id(),
                "author": moderatable.author,
                "excerpt": moderatable.excerpt()[:300],
                "reason": Reason.OTHER,
                "priority": PRIORITY[Reason.OTHER],
                "opened_at": timezone.now(),
                "state": State.RESOLVED,
            },
        )
    )
    return item


_DIRECT = {
    "hide": (_hide, Resolution.HIDDEN, HIDDEN_TELL),
    "remove": (_remove, Resolution.REMOVED, REMOVED_TELL),
}


@transaction.atomic
def act_directly(*, action: str, target, by, reason: str) -> AuditLogEntry:
    """A facilitator hides or removes content where they see it (a chat message in its room).

    The same table, rules and record as the queue's "hide" and "remove": refused with
    ActionRefused (a PermissionDenied) for anyone the table refuses, written to the content's
    queue item (made if there is none), appealable, and the author is told. An open item about
    the content is closed whoever had claimed it; a crisis item stays with the people on duty.
    """
    change, resolution, tell = _DIRECT[action]
    reason = _required_reason(reason)
    item = _item_about(target)
    check_allowed(by, item, action)
    return _apply(
        item, user=by, reason=reason, action=action, change=lambda item: change(item, reason),
        state=None if item.crisis else State.RESOLVED,
        resolution=None if item.crisis else resolution, tell=tell,
    )  # fmt: skip


@transaction.atomic
def mute_in_group(*, member, group_id: int, by, minutes: int, reason: str) -> Sanction:
    """A facilitator stops a member writing in one group for some minutes (from a chat room).

    The same rule as the queue's "mute" (the group's facilitators and site moderators; never
    against staff or site moderators unless by one; never oneself), refused with ActionRefused.
    Recorded as a Sanction with its audit row on the member's profile item, appealable to the
    group's other facilitators, and the member is told. Whether they may write is then
    moderation.selectors.can_post(member, group_id).
    """
    reason = _required_reason(reason)
    if minutes < 1:
        raise ValidationError({"minutes": _("Choose at least one minute.")})
    refused = permissions.refusal(by, group_id=group_id, subject=member, rule=TABLE["mute"].rule)
    if refused:
        raise ActionRefused(refused)
    until = timezone.now() + timedelta(minutes=minutes)
    entry = _apply(
        _item_about(member), user=by, reason=reason, action="mute",
        change=lambda item: {"group_id": group_id, "until": until.isoformat()},
        tell=MUTED_TELL, sanction=Sanction.Kind.MUTE,
    )  # fmt: skip
    return entry.sanction
