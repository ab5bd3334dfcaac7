"""The care that happens after the alert: a member's safety plan and their request to be
contacted, the follow-up contacts owed after a crisis item is resolved, the facilitators'
debrief notes, and a supervisor's changes to the rota (each one in the audit log, from the
supervision page and the admin alike). Writes only; reads are in selectors.py.

A contact request takes the crisis path like crisis words do (open_item with the at-risk
reason: escalated, first in the queue, the on-duty people emailed and their dashboards told).
Follow-ups are rows the beat scan reads, as reminders are: nothing is scheduled in the broker,
so a restart or a lost task forgets none of them (the scan, and its alert, are in emails.py).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from supportgroups.languages import in_language
from supportgroups.models import User
from supportgroups.ratelimits import require_within
from supportgroups.services import notify

from . import permissions
from .models import (
    AuditLogEntry,
    ContactRequest,
    DebriefNote,
    FollowUp,
    OnDutyShift,
    Reason,
    ReviewItem,
    SafetyPlan,
    SafetyPlanEdit,
)
from .services import open_item

Audit = AuditLogEntry.Action


class PlanChanged(ValidationError):
    """The plan changed since the writer opened it (the other person saved meanwhile)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The plan was changed while you were writing. What you typed is still here: "
                "compare it with the plan as it is now, then save again."
            )
        )


def _check_unchanged(plan: SafetyPlan, seen: str) -> None:
    """Refuse a save over a version the writer did not see; a form opened before there was a
    plan ("none") cannot overwrite one begun meanwhile (in another tab, or by an invitation)."""
    if seen and plan.pk is not None and plan.updated_at.isoformat() != seen:
        raise PlanChanged


@transaction.atomic
def save_safety_plan(
    *, owner: User, sections: dict[str, str], shared_with: User | None, seen: str = ""
) -> SafetyPlan:
    """Write the member's own plan. It may be shared with one facilitator of a group they
    belong to (or a site moderator), and with nobody else; naming someone else, or nobody,
    ends an invitation to write it together. seen is the version the member started from."""
    if shared_with is not None and not permissions.may_receive_plan(owner, shared_with):
        raise ValidationError(
            {"shared_with": _("You can share your plan only with a facilitator of your groups.")}
        )
    plan, created = SafetyPlan.objects.select_for_update().get_or_create(owner=owner)
    if not created:  # a plan begun now has no other version to differ from
        _check_unchanged(plan, seen)
    changed = _write_sections(plan, sections)
    if plan.shared_with_id != (shared_with.pk if shared_with else None):
        plan.shared_may_edit = False
    plan.shared_with = shared_with
    plan.full_clean()
    plan.save()
    if changed:
        SafetyPlanEdit.objects.create(
            plan=plan, editor=owner, change=SafetyPlanEdit.Change.EDITED, sections=changed
        )
    return plan


def _write_sections(plan: SafetyPlan, sections: dict[str, str]) -> list[str]:
    """Set the plan's sections; the names of those that changed."""
    changed = []
    for name in SafetyPlan.SECTIONS:
        text = sections.get(name, "").strip()
        if getattr(plan, name) != text:
            setattr(plan, name, text)
            changed.append(name)
    return changed


def _check_invite_rate(owner: User) -> None:
    """Each invitation notifies a facilitator: a few an hour, not a stream."""
    require_within(
        f"plan-invite:{owner.pk}",
        limit=5,
        window=3600,
        refusal=ValidationError(_("Please wait a little before sharing your plan again.")),
    )


@transaction.atomic
def invite_plan_editor(*, owner: User, editor: User) -> SafetyPlan:
    """From a conversation with their group's facilitators, the member shares their plan with
    one of them, named, to write it together. Only that person; the member can stop it."""
    if not permissions.may_receive_plan(owner, editor):
        raise ValidationError(_("You can share your plan only with a facilitator of your groups."))
    _check_invite_rate(owner)
    plan, _created = SafetyPlan.objects.select_for_update().get_or_create(owner=owner)
    plan.shared_with, plan.shared_may_edit = editor, True
    plan.save(update_fields=["shared_with", "shared_may_edit", "updated_at"])
    SafetyPlanEdit.objects.create(plan=plan, editor=editor, change=SafetyPlanEdit.Change.INVITED)
    url = reverse("moderation:shared_plan", args=[plan.pk])
    with in_language(editor):
        notify(
            user=editor,
            kind="moderation",
            title=_("%(name)s invited you to write their safety plan with them")
            % {"name": owner.display_name},
            body=_("Only the two of you can read it, and they can stop sharing it at any time."),
            url=url,
        )
    return plan


@transaction.atomic
def stop_sharing_plan(*, owner: User) -> SafetyPlan | None:
    """The member takes their plan back: nobody else reads or edits it from now on."""
    plan = SafetyPlan.objects.select_for_update().filter(owner=owner).first()
    if plan is None or plan.shared_with_id is None:
        return plan
    former = plan.shared_with
    plan.shared_with, plan.shared_may_edit = None, False
    plan.save(update_fields=["shared_with", "shared_may_edit", "updated_at"])
    SafetyPlanEdit.objects.create(plan=plan, editor=former, change=SafetyPlanEdit.Change.REVOKED)
    return plan


@transaction.atomic
def edit_shared_plan(
    *, plan_id: int, editor: User, sections: dict[str, str], seen: str = ""
) -> SafetyPlan:
    """The invited facilitator writes in the member's plan; the plan's record keeps who
    changed which sections, and when. seen is the version they started from."""
    plan = SafetyPlan.objects.select_for_update().select_related("owner").get(pk=plan_id)
    if not permissions.can_edit_plan(editor, plan):
        raise PermissionDenied
    _check_unchanged(plan, seen)
    changed = _write_sections(plan, sections)
    plan.full_clean()
    plan.save()
    if changed:
        SafetyPlanEdit.objects.create(
            plan=plan, editor=editor, change=SafetyPlanEdit.Change.EDITED, sections=changed
        )
    return plan


@transaction.atomic
def request_contact(*, member: User, group_id: int | None) -> ContactRequest:
    """ "Ask the on-duty facilitator to contact me": a crisis item of its own. Asking again
    while an earlier request is still open adds nothing (a double click, a second tab)."""
    if group_id is not None and group_id not in permissions.member_group_ids(member):
        group_id = None  # a group they do not belong to is not theirs to name
    User.objects.select_for_update().get(pk=member.pk)  # one request at a time per person
    mine = ContactRequest.objects.filter(member=member).values("pk")
    waiting = ReviewItem.objects.filter(
        content_type=ContentType.objects.get_for_model(ContactRequest),
        object_id__in=Subquery(mine),
        state__in=_OPEN_STATES,
    ).values_list("object_id", flat=True)
    earlier = ContactRequest.objects.filter(pk__in=Subquery(waiting)).first()
    if earlier is not None:
        return earlier
    request = ContactRequest.objects.create(member=member, group_id=group_id)
    open_item(
        raw=request,
        reason=Reason.AT_RISK,
        actor=member,
        audit=Audit.FLAGGED,
        detail={"flag": "contact_request"},
    )
    return request


_OPEN_STATES = [ReviewItem.State.OPEN, ReviewItem.State.CLAIMED, ReviewItem.State.ESCALATED]


def create_follow_ups(item: ReviewItem, *, resolver: User) -> list[FollowUp]:
    """Called as a crisis item is resolved, inside the resolving transaction: one follow-up
    per MODERATION_FOLLOW_UP_HOURS, assigned to the person who resolved it."""
    now = timezone.now()
    return FollowUp.objects.bulk_create(
        FollowUp(
            item=item, assignee=resolver, after_hours=hours, due_at=now + timedelta(hours=hours)
        )
        for hours in sorted(set(settings.MODERATION_FOLLOW_UP_HOURS))
    )


def record_follow_up(*, follow_up_id: int, user: User, method: str, outcome: str) -> FollowUp:
    """The facilitator says how they made contact and how it went: the follow-up is done and
    the audit log keeps both."""
    if method not in FollowUp.Method.values:
        raise ValidationError({"contact_method": _("Choose how you made contact.")})
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": _("Write a line about how it went.")})
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().select_related("item").get(pk=follow_up_id)
        if not permissions.moderates_group(user, follow_up.item.group_id):
            raise ValidationError(_("Only the facilitators of this group can follow this up."))
        if follow_up.done_at is not None:
            raise ValidationError(_("This follow-up was already recorded."))
        follow_up.done_at = timezone.now()
        follow_up.contact_method = method
        follow_up.outcome = outcome
        follow_up.save(update_fields=["done_at", "contact_method", "outcome"])
        AuditLogEntry.objects.create(
            item=follow_up.item,
            actor=user,
            action=Audit.FOLLOW_UP,
            reason=outcome,
            subject=follow_up.item.author,
            detail={
                "follow_up": follow_up.pk,
                "after_hours": follow_up.after_hours,
                "method": method,
            },
        )
    return follow_up


def write_debrief(*, author: User, item_id: int | None, body: str) -> DebriefNote:
    """A facilitator's own note after a crisis: nobody else reads it."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something first, or skip this.")})
    note = DebriefNote(author=author, item_id=item_id, body=body)
    note.full_clean()
    note.save()
    return note


def offer_debrief(*, user: User, item_id: int | None) -> None:
    """After a hard moment that did not end on the item page (a chat session that carried a
    crisis ended), the bell offers the same private debrief note the item page leads to."""
    if item_id is None:
        url = reverse("moderation:debrief_session")
    else:
        url = reverse("moderation:debrief", args=[item_id])
    notify(
        user=user,
        kind="moderation",
        title=_("A moment for you: a private debrief note"),
        body=_(
            "The session you just ended carried someone in crisis. If it helps, write down how "
            "it went and how you are: only you will read it."
        ),
        url=url,
    )


def reassign_shift(*, shift_id: int, to: User, by: User) -> OnDutyShift:
    """A supervisor rebalances the rota: the shift is covered by someone else who moderates."""
    _require_supervisor(by)
    if not to.is_active or not permissions.is_moderator(to):
        raise ValidationError({"user": _("Choose a facilitator or a site moderator.")})
    with transaction.atomic():
        shift = OnDutyShift.objects.select_for_update().get(pk=shift_id)
        shift.user = to
        return save_shift(shift=shift, by=by)


@transaction.atomic
def save_shift(*, shift: OnDutyShift, by: User) -> OnDutyShift:
    """Every shift added or changed (the admin's forms, the supervision page): the audit log
    keeps what it became and what it was, so hours on duty can be read back from it."""
    _require_supervisor(by)
    shift.full_clean()
    before = None
    if shift.pk is not None:
        earlier = OnDutyShift.objects.select_for_update().filter(pk=shift.pk).first()
        before = None if earlier is None else earlier.audit_state()
    shift.save()
    after = shift.audit_state()
    if before == after:
        return shift
    detail: dict[str, object] = {"shift": shift.pk, **after}
    if before is not None:
        detail["before"] = before
    action = Audit.ROTA_ADD if before is None else Audit.ROTA_CHANGE
    AuditLogEntry.objects.create(actor=by, action=action, detail=detail)
    return shift


@transaction.atomic
def delete_shift(*, shift_id: int, by: User) -> None:
    """A shift taken off the rota, with what it was in the audit log."""
    _require_supervisor(by)
    shift = OnDutyShift.objects.select_for_update().filter(pk=shift_id).first()
    if shift is None:
        return
    AuditLogEntry.objects.create(
        actor=by, action=Audit.ROTA_REMOVE, detail={"shift": shift.pk, **shift.audit_state()}
    )
    shift.delete()


def _require_supervisor(user: User) -> None:
    if not permissions.is_supervisor(user):
        raise ValidationError(_("Only a supervisor can change the rota."))
