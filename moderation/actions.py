"""The action table, and one do_* service per action a moderator takes on a claimed item.

TABLE is the one place that names the actions: for each, its label and handler, who may take it
(permissions.Rule), whether it is appealable, whether it needs content or a group, what it asks
for besides a reason, how it closes the item, what the author is told and which sanction it
records. Permissions, views and the item page read it. Every decision goes through apply(): the
audit row, the sanction, the author told (with a link to appeal), the live event and, when a
crisis item closes, its follow-up contacts, so nothing changes state unlogged or unannounced. A
do_* first checks the table, the claim and the version (queue.py); in_place.py is the same for
decisions taken where the content is."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from allauth.usersessions.models import UserSession
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from supportgroups.models import User
from supportgroups.services import notify

from . import aftercare, live, permissions, queue
from .adapters import NOT_CONTENT, NOT_EDITABLE, Adapter, Capability, adapter_for
from .errors import ActionRefused, ClaimConflict, ModerationError
from .models import Appeal, AuditLogEntry, ReviewItem, Sanction
from .permissions import Rule, Who
from .services import lift_sanction, save_sanction, tell_site_moderators

Act = AuditLogEntry.Action
State, Resolution = ReviewItem.State, ReviewItem.Resolution
# An action's own work on the locked item, given the reason; it may return detail for the
# audit row.
Change = Callable[[ReviewItem, str], dict[str, Any] | None]


@dataclass(frozen=True)
class Action:
    """One row of the action table. Whatever the rule, nobody takes an action on an item about
    what they wrote themselves (permissions.refusal), and refusals change nothing."""

    label: str | Promise
    # The queue's do_* service; None for a thread's controls, taken only where the thread is
    # (in_place.arrange) and never offered on an item page.
    handler: Callable[..., AuditLogEntry] | None
    rule: Rule = permissions.HANDLE
    appealable: bool = False  # the person it is about may appeal it and write about it
    needs: Capability | None = None  # what the content's adapter must be able to do
    hides: bool = False  # takes the content out of members' sight: an upheld appeal restores it
    in_group: bool = False  # only for an item in a group
    fields: tuple[str, ...] = ()  # what it needs besides a reason (ActionForm's fields)
    closes_as: str = ""  # the Resolution it closes the item with ("": leaves it open)
    tell: str | Promise = ""  # the title of the author's notification; its body is the reason
    sanction: str = ""  # the Sanction.Kind it records on the author
    danger: bool = False  # hard to undo: its button says so
    arranges: bool = False  # pins, locks, closes or moves a thread (adapter.arrange)
    reason_optional: bool = False  # pinning or unlocking needs no words for the audit log
    undone_by: str = ""  # the arranging action an upheld appeal takes to reverse it


def required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: it is kept in the audit log.")})
    return reason


def _act(
    name: str, change: Change, *, item_id: int, user: User, version: int, reason: str
) -> AuditLogEntry:
    """The queue's way in: the dashboard's actor must hold a live claim on the version they
    read."""
    reason = required_reason(reason)
    with transaction.atomic():
        item = queue.lock_item(item_id=item_id, user=user, version=version)
        check_allowed(user, item, name)
        if item.claimed_by_id != user.pk or not queue.claim_is_live(item):
            raise ClaimConflict(_("Claim the item before acting on it."))
        return apply(item, name, user=user, reason=reason, change=change)


def apply(
    item: ReviewItem,
    name: str,
    *,
    user: User,
    reason: str,
    change: Change,
    closes: bool = True,
    tells: bool = True,
) -> AuditLogEntry:
    """Take action `name` on a locked item: change it, write its audit row, record the
    sanction, tell the author and the dashboards. Every way out of the queue goes through here,
    so none of them skips the log or the live event. closes=False keeps the item where it is
    (a crisis item stays with the people on duty); tells=False leaves telling the author to the
    caller."""
    action = TABLE[name]
    was_open = item.is_open
    detail = change(item, reason) or {}
    if closes and action.closes_as:
        item.state, item.resolution = State.RESOLVED, action.closes_as
    if item.crisis and was_open and not item.is_open:
        # The care after the alert: follow-up contacts that cannot be forgotten.
        aftercare.create_follow_ups(item, resolver=user)
    if item.state in (State.RESOLVED, State.ESCALATED):
        queue.unclaim(item)
    else:
        item.claimed_at = timezone.now()  # acting keeps the claim from going idle
    item.version += 1
    item.save()
    entry = AuditLogEntry.objects.create(
        item=item, actor=user, action=name, reason=reason, subject=item.author, detail=detail
    )
    if action.sanction:
        _record_sanction(entry, action.sanction)
    if tells and action.tell and item.author_id != user.pk:
        _tell_author(item, entry, str(action.tell))
    live.item_changed(item, kind=name)
    return entry


def _tell_author(item: ReviewItem, entry: AuditLogEntry, title: str) -> None:
    if item.author is None:
        return
    # Decisions can be appealed; a private message can be answered.
    name = "moderation:appeal" if TABLE[entry.action].appealable else "moderation:write"
    url = reverse(name, args=[entry.pk])
    notify(user=item.author, kind="moderation", title=title, body=entry.reason, url=url)


def _record_sanction(entry: AuditLogEntry, kind: str) -> None:
    until = entry.detail.get("until")
    assert entry.subject_id is not None  # every sanctioning change refuses an item with no author
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


def content_of(item: ReviewItem, needs: Capability) -> Adapter:
    """The adapter around the item's content, for the actions that change content; refused
    when it cannot do what the action needs (the item page does not offer those)."""
    if item.target is None:
        raise ModerationError(_("The content no longer exists."))
    target = adapter_for(item.target)
    if not target.can(needs):
        raise ModerationError(NOT_EDITABLE if needs == "editable" else NOT_CONTENT)
    return target


def _publish_if_held(item: ReviewItem) -> None:
    """Only screened content is held, and all of it can be restored."""
    if item.held:
        if item.target is not None:
            content_of(item, "restorable").restore()
        item.held = False


def _overturn(appeal: Appeal, *, by: User) -> dict[str, Any]:
    """Reverse the appealed action: show the content again or lift the sanction."""
    original = appeal.action
    item = original.decided_item
    taken = TABLE[original.action]
    if taken.hides and item.target is not None:
        content_of(item, "restorable").restore()
    if taken.undone_by and item.target is not None:
        adapter_for(item.target).arrange(action=taken.undone_by, reason=appeal.body)
    sanction = Sanction.objects.filter(action=original, lifted_at__isnull=True).first()
    if sanction is not None:
        lift_sanction(sanction)
        if sanction.kind == Sanction.Kind.SUSPEND:
            sanction.user.is_active = True
            sanction.user.save(update_fields=["is_active"])
    AuditLogEntry.objects.create(
        item=original.item,
        actor=by,
        action=Act.OVERTURN,
        reason=appeal.body,
        subject=original.subject,
    )
    notify(user=appeal.appellant, kind="moderation", title=_("Your appeal was upheld"))
    return {"overturned": original.pk}


def do_approve(*, item_id: int, user: User, version: int, reason: str) -> AuditLogEntry:
    """Nothing wrong: publish it if it was held. On an appeal, approving reverses the action."""

    def change(item: ReviewItem, reason: str) -> dict[str, Any] | None:
        _publish_if_held(item)
        return _overturn(item.target, by=user) if isinstance(item.target, Appeal) else None

    return _act(Act.APPROVE, change, item_id=item_id, user=user, version=version, reason=reason)


def do_dismiss(*, item_id: int, user: User, version: int, reason: str) -> AuditLogEntry:
    """Close with no action (a held post is published; an appeal's decision stands)."""

    def change(item: ReviewItem, reason: str) -> None:
        _publish_if_held(item)
        if isinstance(item.target, Appeal) and item.author:
            title = _("Your appeal was reviewed; the decision stands")
            notify(user=item.author, kind="moderation", title=title, body=reason)

    return _act(Act.DISMISS, change, item_id=item_id, user=user, version=version, reason=reason)


def hide(item: ReviewItem, reason: str) -> None:
    content_of(item, "hideable").hide(reason=reason)


def remove(item: ReviewItem, reason: str) -> None:
    """Removal is final for the members (an adapter without its own is hidden)."""
    content_of(item, "hideable").remove(reason=reason)


def do_hide(*, item_id: int, user: User, version: int, reason: str) -> AuditLogEntry:
    return _act(Act.HIDE, hide, item_id=item_id, user=user, version=version, reason=reason)


def do_remove(*, item_id: int, user: User, version: int, reason: str) -> AuditLogEntry:
    return _act(Act.REMOVE, remove, item_id=item_id, user=user, version=version, reason=reason)


def restore(item: ReviewItem, reason: str) -> None:
    content_of(item, "restorable").restore()
    item.held = False


def do_restore(*, item_id: int, user: User, version: int, reason: str) -> AuditLogEntry:
    return _act(Act.RESTORE, restore, item_id=item_id, user=user, version=version, reason=reason)


def do_edit(*, item_id: int, user: User, version: int, reason: str, text: str) -> AuditLogEntry:
    """Replace the words with the moderator's edit, where the content's adapter can."""

    def change(item: ReviewItem, reason: str) -> dict[str, Any]:
        target = content_of(item, "editable")
        if not text.strip():
            raise ValidationError({"text": _("The edited text cannot be empty.")})
        target.edit(text=text)
        return {"text": text}

    return _act(Act.EDIT, change, item_id=item_id, user=user, version=version, reason=reason)


def _nothing(item: ReviewItem, reason: str) -> None:
    """The audit row and the author's notification are the whole of it."""


def do_message(*, item_id: int, user: User, version: int, reason: str) -> AuditLogEntry:
    """A private word with the author; the reason is the message."""
    return _act(Act.MESSAGE, _nothing, item_id=item_id, user=user, version=version, reason=reason)


def _sanction(kind: str, *, group: bool = False, until: datetime | None = None) -> Change:
    def change(item: ReviewItem, reason: str) -> dict[str, Any]:
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


def do_warn(*, item_id: int, user: User, version: int, reason: str) -> AuditLogEntry:
    change = _sanction(Sanction.Kind.WARN)
    return _act(Act.WARN, change, item_id=item_id, user=user, version=version, reason=reason)


def do_silence(
    *, item_id: int, user: User, version: int, reason: str, until: datetime
) -> AuditLogEntry:
    """Cannot post anywhere until then, but can still appeal and write to facilitators."""
    change = _sanction(Sanction.Kind.SILENCE, until=until)
    return _act(Act.SILENCE, change, item_id=item_id, user=user, version=version, reason=reason)


def do_mute(*, item_id: int, user: User, version: int, reason: str) -> AuditLogEntry:
    change = _sanction(Sanction.Kind.MUTE, group=True)
    return _act(Act.MUTE, change, item_id=item_id, user=user, version=version, reason=reason)


def do_suspend(*, item_id: int, user: User, version: int, reason: str) -> AuditLogEntry:
    """The account is switched off and every session ends."""
    change = _sanction(Sanction.Kind.SUSPEND)
    return _act(Act.SUSPEND, change, item_id=item_id, user=user, version=version, reason=reason)


def do_escalate(*, item_id: int, user: User, version: int, reason: str) -> AuditLogEntry:
    """Hand it to the site staff; the claim is released so one of them can take it, and each
    site moderator finds it in their notifications as well as on the dashboard."""

    def change(item: ReviewItem, reason: str) -> None:
        item.state = State.ESCALATED
        tell_site_moderators(item, reason=reason, besides=user)

    return _act(Act.ESCALATE, change, item_id=item_id, user=user, version=version, reason=reason)


_GROUP_SANCTION = Rule(who=Who.GROUP, spares_moderators=True)
_ARRANGE = permissions.ARRANGE
_SITE_SANCTION = Rule(who=Who.SITE, spares_moderators=True)

TABLE: dict[str, Action] = {
    Act.APPROVE: Action(_lazy("Approve"), do_approve, closes_as=Resolution.APPROVED),
    Act.DISMISS: Action(_lazy("Close, no action"), do_dismiss, closes_as=Resolution.NO_ACTION),
    Act.HIDE: Action(
        _lazy("Hide"),
        do_hide,
        appealable=True,
        needs="hideable",
        hides=True,
        closes_as=Resolution.HIDDEN,
        tell=_lazy("A facilitator hid something you wrote"),
    ),
    Act.REMOVE: Action(
        _lazy("Remove"),
        do_remove,
        appealable=True,
        needs="hideable",
        hides=True,
        closes_as=Resolution.REMOVED,
        tell=_lazy("A facilitator removed something you wrote"),
        danger=True,
    ),
    Act.RESTORE: Action(
        _lazy("Restore"),
        do_restore,
        needs="restorable",
        closes_as=Resolution.APPROVED,
        tell=_lazy("Something you wrote is shown again"),
    ),
    Act.EDIT: Action(
        _lazy("Edit"),
        do_edit,
        appealable=True,
        needs="editable",
        fields=("text",),
        tell=_lazy("A facilitator edited something you wrote"),
    ),
    Act.MESSAGE: Action(
        _lazy("Message the author"), do_message, tell=_lazy("A message from the facilitators")
    ),
    Act.WARN: Action(
        _lazy("Warn"),
        do_warn,
        _GROUP_SANCTION,
        appealable=True,
        tell=_lazy("A warning from the facilitators"),
        sanction=Sanction.Kind.WARN,
    ),
    Act.SILENCE: Action(
        _lazy("Silence"),
        do_silence,
        _SITE_SANCTION,
        appealable=True,
        fields=("until",),
        tell=_lazy("You cannot post for a while"),
        sanction=Sanction.Kind.SILENCE,
    ),
    Act.MUTE: Action(
        _lazy("Mute in group"),
        do_mute,
        _GROUP_SANCTION,
        appealable=True,
        in_group=True,
        tell=_lazy("You cannot post in one of your groups"),
        sanction=Sanction.Kind.MUTE,
    ),
    Act.SUSPEND: Action(
        _lazy("Suspend account"),
        do_suspend,
        _SITE_SANCTION,
        appealable=True,
        tell=_lazy("Your account is suspended"),
        sanction=Sanction.Kind.SUSPEND,
        danger=True,
    ),
    Act.ESCALATE: Action(_lazy("Escalate to site staff"), do_escalate),
    Act.PIN: Action(_lazy("Pin"), None, _ARRANGE, arranges=True, reason_optional=True),
    Act.UNPIN: Action(_lazy("Unpin"), None, _ARRANGE, arranges=True, reason_optional=True),
    Act.LOCK: Action(
        _lazy("Lock"),
        None,
        _ARRANGE,
        arranges=True,
        appealable=True,
        undone_by=Act.UNLOCK,
        tell=_lazy("A facilitator locked a thread you started"),
    ),
    Act.UNLOCK: Action(_lazy("Unlock"), None, _ARRANGE, arranges=True, reason_optional=True),
    Act.CLOSE: Action(
        _lazy("Close"),
        None,
        _ARRANGE,
        arranges=True,
        appealable=True,
        undone_by=Act.REOPEN,
        tell=_lazy("A facilitator closed a thread you started"),
    ),
    Act.REOPEN: Action(_lazy("Reopen"), None, _ARRANGE, arranges=True, reason_optional=True),
    Act.MOVE: Action(
        _lazy("Move"),
        None,
        _ARRANGE,
        arranges=True,
        fields=("board",),
        tell=_lazy("A facilitator moved a thread you started"),
    ),
}


def check_allowed(user: User, item: ReviewItem, name: str) -> None:
    refused = permissions.item_refusal(user, item, TABLE[name].rule)
    if refused:
        raise ActionRefused(refused)


def available(user: User, item: ReviewItem, target: Adapter | None) -> list[tuple[str, Action]]:
    """The actions this person may take on the item, in the table's order, for the item page."""
    refusals: dict[Rule, str | None] = {}
    offered = []
    for name, action in TABLE.items():
        if action.handler is None:
            continue  # taken only where the content is
        if action.needs and (target is None or not target.can(action.needs)):
            continue
        if action.in_group and item.group_id is None:
            continue
        if action.rule not in refusals:
            refusals[action.rule] = permissions.item_refusal(user, item, action.rule)
        if refusals[action.rule] is None:
            offered.append((name, action))
    return offered
