"""Writes for groups and memberships.

Every change of a membership's state goes through one function here. Each locks the group's
row first (`select_for_update`), so two people racing for the last place are served one after
the other and never both get in; each writes a MembershipEvent (who, what, when, message), tells
the people concerned in-app, and enqueues their email only once the transaction has committed.
"""

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supportgroups import live
from supportgroups.models import User

from . import notifications, permissions, selectors, tasks, welcome
from .models import Membership, MembershipEvent, SupportGroup

State = Membership.State
Kind = MembershipEvent.Kind


class MembershipError(ValidationError):
    """A change that is not allowed; its message is shown to the person as it is."""


def _lock(group: SupportGroup) -> SupportGroup:
    return SupportGroup.objects.select_for_update().get(pk=group.pk)


def _locked_membership(membership: Membership) -> tuple[SupportGroup, Membership]:
    """Lock the group, then re-read the membership: it may have changed while we waited."""
    group = _lock(membership.group)
    return group, Membership.objects.select_related("user").get(pk=membership.pk)


def _has_free_place(group: SupportGroup) -> bool:
    places = selectors.free_places(group=group)
    return places is None or places > 0


def _record(
    membership: Membership, kind: str, *, actor: User | None = None, message: str = ""
) -> None:
    event = MembershipEvent.objects.create(
        membership=membership, kind=kind, actor=actor, message=message
    )
    if notifications.notify_of_event(event):
        transaction.on_commit(partial(tasks.send_membership_event_email.delay, event.pk))


def _set_state(
    membership: Membership, state: str, kind: str, *, actor: User | None = None, message: str = ""
) -> Membership:
    now = timezone.now()
    coming_in = state == State.ACTIVE and membership.state != State.ACTIVE
    membership.state = state
    if coming_in:
        membership.joined_at = now
        membership.last_active_at = membership.last_active_at or now
        membership.norms_seen_at = None  # someone coming back reads today's norms again
    membership.waitlisted_at = now if state == State.WAITLISTED else None
    membership.save()
    _record(membership, kind, actor=actor, message=message)
    if coming_in:
        welcome.welcome(membership)
        live.access_changed(membership.user_id)  # in: what they read (and counts) grows
    return membership


def _check_screening(group: SupportGroup, answers: dict[str, str]) -> dict[str, str]:
    questions = group.screening_question_list
    cleaned = {q: (answers.get(q) or "").strip() for q in questions}
    if any(not answer for answer in cleaned.values()):
        raise MembershipError(_("Please answer every question so the facilitators can decide."))
    return cleaned


@transaction.atomic
def join(
    *, user: User, group: SupportGroup, note: str = "", answers: dict[str, str] | None = None
) -> Membership:
    """Join, ask to join, or join the waitlist, whichever the group's rules say.

    Clicking twice changes nothing: someone already active, pending or waitlisted gets their
    membership back as it is. People who left or were declined may ask again on the same row,
    so their history stays in one place; people who were removed may not.
    """
    group = _lock(group)
    membership = Membership.objects.filter(user=user, group=group).first()
    if membership and membership.state in (State.ACTIVE, State.PENDING, State.WAITLISTED):
        return membership
    refusal = permissions.join_refusal(group=group, membership=membership)
    if refusal:
        raise MembershipError(refusal)
    answers = _check_screening(group, answers or {})
    if membership is None:
        membership = Membership(user=user, group=group)
    membership.role = Membership.Role.MEMBER
    membership.join_note = note.strip()
    membership.screening_answers = answers
    state = selectors.join_outcome(group=group)
    kind = {
        State.ACTIVE: Kind.JOINED,
        State.PENDING: Kind.REQUESTED,
        State.WAITLISTED: Kind.WAITLISTED,
    }[state]
    return _set_state(membership, state, kind, actor=user, message=membership.join_note)


@transaction.atomic
def admit_invited(*, user: User, group: SupportGroup, invited_by: User | None = None) -> Membership:
    """Let someone a facilitator invited in, skipping the join policy (the invitation is the
    facilitator's yes) but not capacity, cohort or removal rules.

    Active and waitlisted people keep their membership as it is; a pending request is
    answered by the invitation. A full group or a cohort that has started puts the person on
    the waitlist; archived groups, finished cohorts and removed people are refused.
    """
    group = _lock(group)
    membership = Membership.objects.filter(user=user, group=group).first()
    if membership and membership.state in (State.ACTIVE, State.WAITLISTED):
        return membership
    if group.is_archived or group.cohort_has_ended():
        raise MembershipError(_("This group no longer takes new members."))
    if membership and membership.state == State.REMOVED:
        raise MembershipError(
            _("A facilitator removed you from this group, so you can't rejoin it.")
        )
    if membership is None:
        membership = Membership(user=user, group=group)
    membership.role = Membership.Role.MEMBER
    note = _("Invited by %(name)s") % {"name": invited_by.display_name} if invited_by else ""
    if _has_free_place(group) and not group.cohort_has_started():
        return _set_state(membership, State.ACTIVE, Kind.INVITED, actor=user, message=note)
    return _set_state(membership, State.WAITLISTED, Kind.WAITLISTED, actor=user, message=note)


@transaction.atomic
def approve(*, membership: Membership, by: User, message: str = "") -> Membership:
    """Say yes to a request (a full group puts the person on its waitlist), or let someone
    on the waitlist in now, ahead of their turn if the facilitator chooses."""
    group, membership = _locked_membership(membership)
    if membership.state == State.ACTIVE:
        return membership
    open_place = _has_free_place(group) and not group.cohort_has_started()
    if membership.state == State.PENDING:
        if open_place:
            return _set_state(membership, State.ACTIVE, Kind.APPROVED, actor=by, message=message)
        return _set_state(membership, State.WAITLISTED, Kind.WAITLISTED, actor=by, message=message)
    if membership.state == State.WAITLISTED:
        if not open_place:
            raise MembershipError(_("There is no free place in this group right now."))
        return _set_state(membership, State.ACTIVE, Kind.APPROVED, actor=by, message=message)
    raise MembershipError(_("This request has already been decided."))


@transaction.atomic
def decline(*, membership: Membership, by: User, message: str = "") -> Membership:
    group, membership = _locked_membership(membership)
    if membership.state == State.DECLINED:
        return membership
    if membership.state not in (State.PENDING, State.WAITLISTED):
        raise MembershipError(_("Only requests and the waitlist can be declined."))
    return _set_state(membership, State.DECLINED, Kind.DECLINED, actor=by, message=message)


def _check_not_last_facilitator(membership: Membership) -> None:
    if not membership.is_facilitator:
        return
    others = (
        Membership.objects.filter(
            group_id=membership.group_id,
            state=State.ACTIVE,
            role=Membership.Role.FACILITATOR,
        )
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise MembershipError(
            _("A group needs a facilitator. Make someone a co-facilitator first.")
        )


@transaction.atomic
def leave(*, user: User, group: SupportGroup) -> Membership | None:
    """Leave, withdraw a request, or come off the waitlist. A freed place goes to the waitlist."""
    group = _lock(group)
    membership = Membership.objects.filter(user=user, group=group).first()
    if membership is None or membership.state not in (
        State.ACTIVE,
        State.PENDING,
        State.WAITLISTED,
    ):
        return membership
    _check_not_last_facilitator(membership)
    was_active = membership.is_active
    _set_state(membership, State.LEFT, Kind.LEFT, actor=user)
    if was_active:
        live.access_changed(membership.user_id)  # their open chat sockets close
        _fill_places(group)
    return membership


@transaction.atomic
def remove(*, membership: Membership, by: User, message: str = "") -> Membership:
    group, membership = _locked_membership(membership)
    if membership.state == State.REMOVED:
        return membership
    if membership.user_id == by.pk:
        raise MembershipError(_("To step away from a group yourself, use Leave."))
    if membership.state != State.ACTIVE:
        raise MembershipError(_("Only members can be removed; decline requests instead."))
    _check_not_last_facilitator(membership)
    _set_state(membership, State.REMOVED, Kind.REMOVED, actor=by, message=message)
    live.access_changed(membership.user_id)  # their open chat sockets close
    _fill_places(group)
    return membership


@transaction.atomic
def promote(*, membership: Membership, by: User, message: str = "") -> Membership:
    """Make an active member a co-facilitator."""
    group, membership = _locked_membership(membership)
    if membership.is_facilitator:
        return membership
    if not membership.is_active:
        raise MembershipError(_("Only active members can become co-facilitators."))
    membership.role = Membership.Role.FACILITATOR
    membership.save(update_fields=["role", "updated_at"])
    _record(membership, Kind.PROMOTED, actor=by, message=message)
    live.access_changed(membership.user_id)  # now on the group's team
    # The new facilitator no longer takes a member's place.
    _fill_places(group)
    return membership


@transaction.atomic
def demote(*, membership: Membership, by: User, message: str = "") -> Membership:
    """A co-facilitator goes back to being a member: stepping down (by themselves) or by
    another facilitator or staff (the view lets only the group's managers ask). A group keeps
    at least one facilitator. They stay a member, so they keep their place even if the group
    is full; their moderation powers end at once, open chat sockets included."""
    group, membership = _locked_membership(membership)
    if not membership.is_facilitator:
        return membership
    if not membership.is_active:
        raise MembershipError(_("Only active facilitators can step down."))
    _check_not_last_facilitator(membership)
    membership.role = Membership.Role.MEMBER
    membership.save(update_fields=["role", "updated_at"])
    kind = Kind.STEPPED_DOWN if membership.user_id == by.pk else Kind.DEMOTED
    _record(membership, kind, actor=by, message=message)
    live.access_changed(membership.user_id)
    return membership


def _fill_places(group: SupportGroup) -> list[Membership]:
    """Offer free places to the waitlist in the order people joined it (group already locked).

    A cohort that has started stays closed: its waitlist is for the next cohort.
    """
    if group.is_archived or group.cohort_has_started():
        return []
    places = selectors.free_places(group=group)
    waiting = Membership.objects.filter(group=group, state=State.WAITLISTED).order_by(
        "waitlisted_at", "pk"
    )
    if places is not None:
        waiting = waiting[:places]
    return [_set_state(m, State.ACTIVE, Kind.ADMITTED) for m in waiting]


@transaction.atomic
def update_group(*, group: SupportGroup, by: User, data: dict[str, Any]) -> SupportGroup:
    """Save a facilitator's edits; a larger capacity offers the new places to the waitlist."""
    group = _lock(group)
    many: dict[str, Any] = {}
    for name, value in data.items():
        if group._meta.get_field(name).many_to_many:
            many[name] = value
        else:
            setattr(group, name, value)
    group.full_clean()
    group.save()
    for name, values in many.items():
        getattr(group, name).set(values)
    _fill_places(group)
    return group


@transaction.atomic
def archive_groups(*, groups: Iterable[SupportGroup]) -> int:
    """Archived groups stay readable, leave the directory and take no new members."""
    return SupportGroup.objects.filter(pk__in=[g.pk for g in groups]).update(is_archived=True)


@transaction.atomic
def hand_on_to_alumni(*, group: SupportGroup, by: User) -> int:
    """When a cohort ends, its members carry on together in the alumni group.

    Members join the alumni group directly (the facilitators vouch for them), or its waitlist
    if it is full. Returns how many people were handed on.
    """
    group = _lock(group)
    if group.alumni_group is None:
        raise MembershipError(_("Choose an alumni group for this cohort first."))
    alumni = _lock(group.alumni_group)
    if not permissions.can_manage(by, alumni):
        raise MembershipError(_("Only the alumni group's facilitators can add people to it."))
    if alumni.is_archived:
        raise MembershipError(_("The alumni group is archived."))
    members = Membership.objects.filter(
        group=group, state=State.ACTIVE, role=Membership.Role.MEMBER
    ).select_related("user")
    existing = {
        m.user_id: m
        for m in Membership.objects.filter(group=alumni, user__in=[m.user for m in members])
    }
    handed_on = 0
    for member in members:
        target = existing.get(member.user_id) or Membership(user=member.user, group=alumni)
        if target.pk and target.state in (State.ACTIVE, State.WAITLISTED, State.REMOVED):
            continue
        state = State.ACTIVE if _has_free_place(alumni) else State.WAITLISTED
        target.role = Membership.Role.MEMBER
        _set_state(target, state, Kind.HANDED_ON, actor=by)
        handed_on += 1
    return handed_on


def record_staff_view(
    *, user: User | AnonymousUser, group: SupportGroup, what: str, path: str, method: str
) -> None:
    """Staff who open a group's private parts (board, members, chat) as staff rather than as a
    member leave one row per page view in the staff access log, beside admin's."""
    if not (user.is_authenticated and user.is_staff):  # everyone else: no query
        return
    if not permissions.access_for(user, group).is_staff_visitor:
        return
    from supportgroups.privacy.services import log_admin_access

    log_admin_access(
        staff=user, subject=None, object_label=f"{what}: {group.name}", path=path, method=method
    )
