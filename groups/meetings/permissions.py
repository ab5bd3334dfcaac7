"""Who may do what with meetings, built only on groups.permissions (never re-derived).

Outsiders asking for a private thing get 404 so its existence is not revealed; members without
the right get 403. Join links follow `GroupAccess.can_view_private`; answering (RSVP) asks the
one write policy (groups.policy).
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from groups import policy
from groups.models import SupportGroup
from groups.permissions import GroupAccess, access_for
from supportgroups.models import User


def require_manage(user: User | AnonymousUser, group: SupportGroup) -> GroupAccess:
    """Facilitator pages: 404 for outsiders, 403 for members who are not facilitators."""
    access = access_for(user, group)
    if access.can_manage:
        return access
    if access.can_view_private:
        raise PermissionDenied
    raise Http404


def can_see_meeting(access: GroupAccess, group: SupportGroup) -> bool:
    """A meeting's page and calendar file: anyone for a group in the directory (listed, not
    archived), as its group page shows the same; otherwise only those who see the group's
    private parts. Meeting ids run in sequence where an unlisted group's address cannot be
    guessed, so they must not list its times, places and notes."""
    return (group.is_listed and not group.is_archived) or access.can_view_private


def require_meeting(user: User | AnonymousUser, group: SupportGroup) -> GroupAccess:
    """The viewer's access to a meeting they may see; 404 otherwise."""
    access = access_for(user, group)
    if not can_see_meeting(access, group):
        raise Http404
    return access


def rsvp_verdict(
    user: User | AnonymousUser,
    group: SupportGroup,
    *,
    going: bool,
    access: GroupAccess | None = None,
) -> policy.Verdict:
    """Answering "going" asks the one write policy (members of a group that still meets, not
    suspended, silenced or muted there). "Can't make it" only frees a place, so an active member
    may always say it."""
    access = access or access_for(user, group)
    if not going and access.is_active_member:
        return policy.ALLOWED
    return policy.write_verdict(user, group, access=access)
