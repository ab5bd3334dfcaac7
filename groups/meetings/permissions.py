"""Who may do what with meetings, built only from groups.permissions (never re-derived).

Outsiders asking for a private thing get 404 so its existence is not revealed; members without
the right get 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from groups.models import SupportGroup
from groups.permissions import can_manage, can_view_private, is_active_member


def can_see_join_link(user, group: SupportGroup) -> bool:
    return can_view_private(user, group)


def can_rsvp(user, group: SupportGroup) -> bool:
    return is_active_member(user, group)


def require_manage(user, group: SupportGroup) -> None:
    """Facilitator pages: 404 for outsiders, 403 for members who are not facilitators."""
    if can_manage(user, group):
        return
    if can_view_private(user, group):
        raise PermissionDenied
    raise Http404
