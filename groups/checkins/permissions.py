"""Who may check in, and who sees check-ins: the member their own; the group's facilitators
who is at or above the threshold, and nobody else (not staff browsing the group)."""

from django.contrib.auth.models import AnonymousUser

from groups.models import SupportGroup
from groups.permissions import access_for
from supportgroups.models import User


def can_check_in(user: User | AnonymousUser, group: SupportGroup) -> bool:
    """Active members (facilitators included) of a group that is not archived."""
    access = access_for(user, group)
    return bool(user.is_authenticated and user.is_active and access.is_active_member) and not (
        group.is_read_only
    )


def sees_check_ins(user: User | AnonymousUser, group: SupportGroup) -> bool:
    return bool(user.is_authenticated and user.is_active and access_for(user, group).is_facilitator)
