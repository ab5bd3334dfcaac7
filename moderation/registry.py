"""How other apps plug into moderation without moderation importing them (see docs/architecture.md).

groups registers its group scope in its AppConfig.ready():

    from moderation.registry import register_group_scope
    register_group_scope(
        facilitated_group_ids=lambda user: set(...),   # ids of groups the user facilitates
        group_facilitators=lambda group_id: [...],     # active facilitator users of a group
        group_premoderation=lambda group_id: 0,        # hold a new member's first N posts
        group_names=lambda ids: {id: name},            # optional: labels for the dashboard
    )

Until then facilitators see nothing group-scoped and site moderators see everything.

Content types that members may report from a "Report" link register with register_reportable();
the user profile is registered by moderation itself.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models


@dataclass
class GroupScope:
    facilitated_group_ids: Callable = lambda user: set()
    group_facilitators: Callable = lambda group_id: []
    group_premoderation: Callable = lambda group_id: 0
    group_names: Callable = lambda ids: {}


@dataclass
class Reportable:
    """can_report(user, obj) says whether this person may see, and so report, the object;
    adapter(obj) wraps a model that does not implement Moderatable itself."""

    can_report: Callable
    adapter: Callable | None = None


@dataclass
class _Registry:
    scope: GroupScope = field(default_factory=GroupScope)
    reportables: dict = field(default_factory=dict)


registry = _Registry()


def register_group_scope(
    *,
    facilitated_group_ids: Callable[[object], Iterable[int]],
    group_facilitators: Callable[[int], Iterable[object]],
    group_premoderation: Callable[[int], int],
    group_names: Callable[[Iterable[int]], dict] | None = None,
) -> None:
    registry.scope = GroupScope(
        facilitated_group_ids=facilitated_group_ids,
        group_facilitators=group_facilitators,
        group_premoderation=group_premoderation,
        group_names=group_names or (lambda ids: {}),
    )


def reset_group_scope() -> None:
    """Back to "no groups known" (tests)."""
    registry.scope = GroupScope()


def register_reportable(
    model: type[models.Model], *, can_report: Callable, adapter: Callable | None = None
) -> None:
    registry.reportables[model._meta.label_lower] = Reportable(can_report, adapter)


def reportable_for(label: str) -> Reportable | None:
    return registry.reportables.get(label)


def as_moderatable(obj):
    """The object itself, or its registered adapter if it does not implement Moderatable
    (None stays None: the target of a queue item may have been deleted since)."""
    if obj is None:
        return None
    entry = registry.reportables.get(obj._meta.label_lower)
    if entry and entry.adapter:
        return entry.adapter(obj)
    return obj


def scope() -> GroupScope:
    return registry.scope
