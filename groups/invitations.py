"""Writes for invitations: facilitators create and revoke them, invited people accept them.

The membership side of accepting is `services.admit_invited`, so capacity, cohorts, removal
and history follow the same rules as every other way in. Tokens are random and only their
SHA-256 hash is stored: a token is looked up by hashing what the visitor brought.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from supportgroups.models import Notification
from supportgroups.services import notify

from . import permissions, services
from .models import GroupInvitation, Membership, SupportGroup

State = Membership.State
DEFAULT_DAYS = 7
MAX_DAYS = 30
# token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 64


class InvitationUnusable(services.MembershipError):
    """The invitation exists but can no longer be used (expired, used, withdrawn)."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def accept_path(token: str) -> str:
    return reverse("groups:invitation", kwargs={"token": token})


def find(*, token: str, user) -> GroupInvitation | None:
    """The invitation this token opens for this person, or None.

    None (the view's 404) for an unknown token and for a personal invitation meant for
    someone else, so a wrong or stolen token tells nobody which group it belongs to.
    """
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    invitation = (
        GroupInvitation.objects.select_related("group", "created_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or invitation.invitee_id not in (None, user.pk):
        return None
    return invitation


def current_membership(invitation: GroupInvitation, *, user) -> Membership | None:
    """The person's active or waitlisted place in the invitation's group, if they have one.

    Such a person has nothing to accept (the page says so instead of offering Accept), and
    accepting anyway changes nothing and does not use the invitation up.
    """
    return Membership.objects.filter(
        user=user, group=invitation.group_id, state__in=(State.ACTIVE, State.WAITLISTED)
    ).first()


def problem(invitation: GroupInvitation, *, user) -> str | None:
    """Why this person cannot use the invitation now, or None.

    A used invitation is spent even for the person who used it: if they have left since, the
    link must not let them back into an invitation-only group without a new yes.
    """
    if invitation.used_at is not None:
        if invitation.accepted_by_id == user.pk:
            return _("You have already used this invitation. Ask the facilitator for a new one.")
        return _("This invitation has already been used. Ask the facilitator for a new one.")
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn by the group's facilitators.")
    if invitation.is_expired:
        return _("This invitation has expired. Ask the facilitator for a new one.")
    return None


def _refusal_for(group: SupportGroup, invitee) -> str | None:
    if invitee is None:
        return None
    membership = Membership.objects.filter(user=invitee, group=group).first()
    if membership is None:
        return None
    if membership.state in (State.ACTIVE, State.WAITLISTED):
        return _("%(name)s is already a member or on the waitlist.") % {
            "name": invitee.display_name
        }
    if membership.state == State.REMOVED:
        return _("%(name)s was removed from this group, so they can't be invited back.") % {
            "name": invitee.display_name
        }
    return None


@transaction.atomic
def create(
    *, group: SupportGroup, by, invitee=None, days: int = DEFAULT_DAYS
) -> tuple[GroupInvitation, str]:
    """Make an invitation and return it with its token (the only time the token exists).

    A personal invitation is sent to the invitee's notifications with the accept link; any
    older open invitation for the same person is revoked so only one link works.
    """
    if not permissions.can_manage(by, group):
        raise services.MembershipError(_("Only the group's facilitators can invite people."))
    if group.is_archived or group.cohort_has_ended():
        raise services.MembershipError(_("This group no longer takes new members."))
    refusal = _refusal_for(group, invitee)
    if refusal:
        raise services.MembershipError(refusal)
    days = max(1, min(days, MAX_DAYS))
    now = timezone.now()
    if invitee is not None:
        GroupInvitation.objects.filter(
            group=group, invitee=invitee, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = GroupInvitation.objects.create(
        group=group,
        created_by=by,
        invitee=invitee,
        token_hash=hash_token(token),
        expires_at=now + timedelta(days=days),
    )
    if invitee is not None:
        notify(
            user=invitee,
            kind=Notification.Kind.GROUP,
            title=_("%(name)s invited you to join %(group)s")
            % {"name": by.display_name, "group": group.name},
            body=_("Open the invitation to accept it. It expires in %(days)d days.")
            % {"days": days},
            url=accept_path(token),
        )
    return invitation, token


@transaction.atomic
def accept(*, invitation: GroupInvitation, user) -> Membership:
    """Use the invitation: the person joins (or joins the waitlist if the group is full).

    The invitation row is locked first, so two people racing with one link cannot both use
    it. Accepting again, or opening a link when already in the group, changes nothing and
    does not use the invitation up.
    """
    invitation = (
        GroupInvitation.objects.select_for_update(of=("self",))
        .select_related("group", "created_by")
        .get(pk=invitation.pk)
    )
    existing = current_membership(invitation, user=user)
    if existing is not None:
        return existing
    reason = problem(invitation, user=user)
    if reason:
        raise InvitationUnusable(reason)
    membership = services.admit_invited(
        user=user, group=invitation.group, invited_by=invitation.created_by
    )
    invitation.used_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["used_at", "accepted_by"])
    return membership


@transaction.atomic
def revoke(*, invitation: GroupInvitation, by) -> GroupInvitation:
    """Withdraw an invitation that has not been used; withdrawing twice changes nothing."""
    invitation = GroupInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not permissions.can_manage(by, invitation.group):
        raise services.MembershipError(_("Only the group's facilitators can withdraw invitations."))
    if invitation.used_at is not None:
        raise services.MembershipError(
            _("This invitation was already accepted; remove the member instead if you need to.")
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation
