"""The one place that decides who may see a group's private parts and who may manage it.

Views, websocket consumers and querysets all ask these predicates; none re-derives them.
`access_for` answers every question about one person and one group with a single query, so
a page can ask several questions cheaply; the single-question helpers below are built on it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from supportgroups.models import User
from supportgroups.permissions import has_required_mfa
from supportgroups.prepared import Prepared

from .models import Membership, SupportGroup


@dataclass(frozen=True)
class GroupAccess:
    """What one person may do in one group, derived from their membership row (if any)."""

    membership: Membership | None
    is_authenticated: bool
    is_staff: bool  # staff with MFA: without it they are outsiders here, as in admin

    @property
    def is_staff_visitor(self) -> bool:
        """Staff reading as staff, not as a member: each page view goes to the staff access log."""
        return self.is_staff and not self.is_active_member

    @property
    def state(self) -> str | None:
        return self.membership.state if self.membership else None

    @property
    def is_active_member(self) -> bool:
        """Active members, facilitators included."""
        return self.membership is not None and self.membership.is_active

    @property
    def is_facilitator(self) -> bool:
        return self.membership is not None and self.membership.is_facilitator

    @property
    def can_view_private(self) -> bool:
        """Members list, board, chat, meeting links: active members, facilitators, staff."""
        return self.is_staff or self.is_active_member

    @property
    def can_manage(self) -> bool:
        """Edit the group, decide on requests, remove members, run meetings and the chat room."""
        return self.is_staff or self.is_facilitator


def access_for(user: User | AnonymousUser, group: SupportGroup) -> GroupAccess:
    if not user.is_authenticated:
        return GroupAccess(membership=None, is_authenticated=False, is_staff=False)
    return GroupAccess(
        membership=membership_of(user, group),
        is_authenticated=True,
        is_staff=is_staff_with_mfa(user),
    )


def access_for_each(user: User | AnonymousUser, group_ids: Iterable[int]) -> dict[int, GroupAccess]:
    """access_for for many groups in one query (a page of search results spans many boards)."""
    wanted = set(group_ids)
    memberships: dict[int, Membership] = {}
    if user.is_authenticated and wanted:
        rows = Membership.objects.filter(user=user, group__in=wanted)
        memberships = {m.group_id: m for m in rows}
    staff = is_staff_with_mfa(user)
    return {
        pk: GroupAccess(
            membership=memberships.get(pk), is_authenticated=user.is_authenticated, is_staff=staff
        )
        for pk in wanted
    }


def is_staff_with_mfa(user: User | AnonymousUser) -> bool:
    """Site staff reach groups' private parts only with MFA, like admin and moderation. Asked once
    per request (remembered on the user object); people who are not staff cost no query."""
    if not (user.is_authenticated and user.is_staff):
        return False
    if "_staff_with_mfa" not in user.__dict__:
        user.__dict__["_staff_with_mfa"] = has_required_mfa(user)
    remembered: bool = user.__dict__["_staff_with_mfa"]
    return remembered


# Asked on every group page and group board: compiled once.
_MEMBERSHIP = Prepared(
    lambda user_id, group_id: Membership.objects.filter(user_id=user_id, group_id=group_id)[:1]
)


def membership_of(user: User | AnonymousUser, group: SupportGroup) -> Membership | None:
    if not user.is_authenticated:
        return None
    return next(iter(_MEMBERSHIP(user.pk, group.pk)), None)


def is_active_member(user: User | AnonymousUser, group: SupportGroup) -> bool:
    """Active members and facilitators."""
    return access_for(user, group).is_active_member


def is_facilitator(user: User | AnonymousUser, group: SupportGroup) -> bool:
    return access_for(user, group).is_facilitator


def can_view_private(user: User | AnonymousUser, group: SupportGroup) -> bool:
    """Members list, board, chat, meeting links: active members, facilitators, site staff."""
    return access_for(user, group).can_view_private


def can_manage(user: User | AnonymousUser, group: SupportGroup) -> bool:
    """Edit the group, decide on requests, remove members, run meetings and the chat room."""
    return access_for(user, group).can_manage


def can_contribute(user: User | AnonymousUser, group: SupportGroup) -> bool:
    """Post on the board, write in chat: members of a group that is not read-only.

    Archived groups and finished cohorts keep their history readable but take no new words.
    """
    return not group.is_read_only and access_for(user, group).can_view_private


def join_refusal(*, group: SupportGroup, membership: Membership | None) -> str | None:
    """Why this person may not join (or ask to join) now, or None if they may."""
    if group.is_archived:
        return _("This group is archived and no longer takes new members.")
    if group.join_policy == SupportGroup.JoinPolicy.INVITATION:
        return _("This group is by invitation only. Ask one of its facilitators.")
    if membership is not None and membership.state == Membership.State.REMOVED:
        return _("A facilitator removed you from this group, so you can't rejoin it.")
    return None


# Asked on every signed-in page (the header's moderation link): compiled once.
_FACILITATED = Prepared(
    lambda user_id: Membership.objects.filter(
        user_id=user_id, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
    ).values_list("group_id", flat=True)
)


def facilitated_group_ids(user: User | AnonymousUser) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(_FACILITATED(user.pk))
