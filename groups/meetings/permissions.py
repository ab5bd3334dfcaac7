"""Who may do what with meetings, built only on groups.permissions (never re-derived).

Outsiders asking for a private thing get 404 so its existence is not revealed; members without
the right get 403. Join links follow `GroupAccess.can_view_private`; answering (RSVP) needs an
active membership.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from groups.models import SupportGroup
from groups.permissions import GroupAccess, access_for


def require_manage(user, group: SupportGroup) -> GroupAccess:
    """Facilitator pages: 404 for outsiders, 403 for members who are not facilitators."""
    access = access_for(user, group)
    if access.can_manage:
        return access
    if access.can_view_private:
        raise PermissionDenied
    raise Http404


def require_rsvp(user, group: SupportGroup) -> None:
    if not access_for(user, group).is_active_member:
        raise PermissionDenied
