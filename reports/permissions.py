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


@dataclass(frozen=True)
class Reader:
    """What one person may read: the whole organisation (staff and leads), and the groups they
    facilitate (theirs in full)."""

    organisation: bool
    facilitated: frozenset[int]

    @property
    def may_narrow_to_own_groups(self) -> bool:
        """Staff and leads who facilitate may also see their own groups as those groups'
        facilitators do."""
        return self.organisation and bool(self.facilitated)

    def groups(self, *, own_only: bool = False) -> tuple[int, ...] | None:
        """The groups they may pick from (None: every group)."""
        if self.organisation and not own_only:
            return None
        return tuple(sorted(self.facilitated))

    def scope(self, *, own_only: bool = False, group_id: int | None = None) -> Scope | None:
        """The figures for their groups (or their own only), or for one group they facilitate;
        None for any other group. Small cells are shown only when every group counted is one
        they facilitate. One group's own figures are for its facilitators alone: beside the
        organisation's table, they would let a withheld cell be worked out by subtraction."""
        group_ids = self.groups(own_only=own_only)
        if group_id is not None:
            if group_id not in self.facilitated:
                return None
            group_ids = (group_id,)
        in_full = group_ids is not None and self.facilitated.issuperset(group_ids)
        return Scope(group_ids=group_ids, suppress_small_cells=not in_full)


def is_organisation_lead(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(LEAD_PERMISSION)


def reader_for(user: User | AnonymousUser) -> Reader | None:
    if not user.is_authenticated or not user.is_active:
        return None
    organisation = user.is_staff or is_organisation_lead(user)
    own = frozenset(facilitated_group_ids(user))
    if not (organisation or own):
        return None
    return Reader(organisation=organisation, facilitated=own)


def scope_for(user: User | AnonymousUser) -> Scope | None:
    """What the reports count for this person when they choose nothing."""
    reader = reader_for(user)
    return reader.scope() if reader else None


def needs_mfa_first(user: User | AnonymousUser, reader: Reader) -> bool:
    """The whole organisation's figures, as admin and the moderation dashboard, only with MFA
    on (for staff and leads, whatever they choose to see); a facilitator sees their own
    groups' figures as before."""
    return reader.organisation and not has_required_mfa(user)
