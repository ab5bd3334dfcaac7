"""Who moderates which group, as the groups app tells it (moderation may not import groups).

groups registers its scope from `groups/moderation.py`:

    register_group_scope(
        facilitated_group_ids=lambda user: {...},   # ids of groups the user facilitates
        group_facilitators=lambda group_id: [...],  # active facilitator users of a group
        group_premoderation=lambda group_id: 0,     # hold a new member's first N posts
        group_names=lambda ids: {id: name},         # optional: labels for the dashboard
        member_group_ids=lambda user: {...},        # optional: groups the user belongs to
        group_member_ids=lambda ids: {...},         # optional: people who belong to those groups
    )

Until then facilitators see nothing group-scoped and site moderators see everything. How an
app's content takes part in moderation is the other half of the contract: adapters.py.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supportgroups.models import User


def _nobody(user: "User") -> Iterable[int]:
    return set()


def _no_facilitators(group_id: int) -> Iterable["User"]:
    return []


def _no_holding(group_id: int) -> int:
    return 0


def _no_names(ids: Iterable[int]) -> dict[int, str]:
    return {}


def _no_members(ids: Iterable[int]) -> set[int]:
    return set()


@dataclass
class GroupScope:
    facilitated_group_ids: Callable[["User"], Iterable[int]] = _nobody
    group_facilitators: Callable[[int], Iterable["User"]] = _no_facilitators
    group_premoderation: Callable[[int], int] = _no_holding
    group_names: Callable[[Iterable[int]], dict[int, str]] = _no_names
    member_group_ids: Callable[["User"], Iterable[int]] = _nobody
    group_member_ids: Callable[[Iterable[int]], set[int]] = _no_members


@dataclass
class _Registry:
    scope: GroupScope = field(default_factory=GroupScope)


registry = _Registry()


def register_group_scope(
    *,
    facilitated_group_ids: Callable[["User"], Iterable[int]],
    group_facilitators: Callable[[int], Iterable["User"]],
    group_premoderation: Callable[[int], int],
    group_names: Callable[[Iterable[int]], dict[int, str]] | None = None,
    member_group_ids: Callable[["User"], Iterable[int]] | None = None,
    group_member_ids: Callable[[Iterable[int]], set[int]] | None = None,
) -> None:
    registry.scope = GroupScope(
        facilitated_group_ids=facilitated_group_ids,
        group_facilitators=group_facilitators,
        group_premoderation=group_premoderation,
        group_names=group_names or _no_names,
        member_group_ids=member_group_ids or _nobody,
        group_member_ids=group_member_ids or _no_members,
    )


def reset_group_scope() -> None:
    """Back to "no groups known" (tests)."""
    registry.scope = GroupScope()


def scope() -> GroupScope:
    return registry.scope
