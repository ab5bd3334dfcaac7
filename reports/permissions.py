"""Who sees which reports: staff and organisation leads the whole organisation, with small
cells suppressed; a facilitator their own groups, in full; anyone else nothing."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from groups.permissions import facilitated_group_ids
from supportgroups.models import User
from supportgroups.permissions import has_required_mfa

LEAD_PERMISSION = "reports.view_organisation_reports"
# Fewer people than this in a cell could point at someone, so it is not shown beyond the
# group's own facilitators.
SMALLEST_CELL = 5


@dataclass(frozen=True)
class Scope:
    """The groups a report counts (None: every group, and what belongs to none) and whether
    its small cells are suppressed."""

    group_ids: tuple[int, ...] | None
    suppress_small_cells: bool

    @property
    def is_organisation(self) -> bool:
        return self.group_ids is None


def is_organisation_lead(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(LEAD_PERMISSION)


def scope_for(user: User | AnonymousUser) -> Scope | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_staff or is_organisation_lead(user):
        return Scope(group_ids=None, suppress_small_cells=True)
    own = facilitated_group_ids(user)
    if own:
        return Scope(group_ids=tuple(sorted(own)), suppress_small_cells=False)
    return None


def needs_mfa_first(user: User | AnonymousUser, scope: Scope) -> bool:
    """The whole organisation's figures, as admin and the moderation dashboard, only with MFA
    on; a facilitator sees their own groups' figures as before."""
    return scope.is_organisation and not has_required_mfa(user)
