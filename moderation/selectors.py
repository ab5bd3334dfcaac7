"""Reads for moderation: the queue a moderator may see, an item with its history, crisis lines,
and the questions forums and chat ask before accepting a post (can_post)."""

import zoneinfo
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation

from supportgroups.models import User

from . import appeals, permissions
from .models import AuditLogEntry, CrisisResource, ReviewItem, Sanction
from .registry import scope


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """Time zone -> ISO country, from the system's zone.tab (a member's zone is all we know of
    where they are)."""
    folders = [Path(p) for p in zoneinfo.TZPATH]
    try:
        import tzdata

        folders.append(Path(tzdata.__file__).parent / "zoneinfo")
    except ImportError:  # pragma: no cover - tzdata is optional where the OS ships zone data
        pass
    for folder in folders:
        tab = folder / "zone.tab"
        if tab.exists():
            rows = (line.split("\t") for line in tab.read_text().splitlines())
            return {r[2]: r[0] for r in rows if len(r) >= 3 and not r[0].startswith("#")}
    return {}


def country_for(user: User | AnonymousUser) -> str:
    zone = getattr(user, "time_zone", "") if getattr(user, "is_authenticated", False) else ""
    return _zone_countries().get(zone, "")


def crisis_lines_for(user: User | AnonymousUser) -> list[CrisisResource]:
    """Crisis lines for the person's country (from their time zone), in their language first;
    international lines when we know none for the country."""
    language = (translation.get_language() or "en")[:2]
    lines = list(CrisisResource.objects.filter(active=True, country=country_for(user)))
    if not lines:
        lines = list(CrisisResource.objects.filter(active=True, country=""))
    return sorted(lines, key=lambda r: (r.language[:2] != language, r.order, r.name))


def hotlines() -> QuerySet[CrisisResource]:
    """Every active crisis line, for the resources app's hotline list."""
    return CrisisResource.objects.filter(active=True)


def _active_sanctions(user: User) -> QuerySet[Sanction]:
    now = timezone.now()
    return Sanction.objects.filter(user=user, lifted_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gt=now)
    )


def is_silenced(user: User) -> bool:
    """Silenced members may read, appeal and write to facilitators, but not post."""
    return _active_sanctions(user).filter(kind=Sanction.Kind.SILENCE).exists()


# The sanction a person is told about when several hold: the heaviest first.
_SEVERITY: dict[str, int] = {
    Sanction.Kind.SUSPEND: 0,
    Sanction.Kind.SILENCE: 1,
    Sanction.Kind.MUTE: 2,
}


def blocking_sanction(user: User, group_id: int | None = None) -> Sanction | None:
    """The sanction that stops this person writing (in this group) now, if any: a suspension,
    a site-wide silence, or a mute in this group. One query."""
    blocking = Q(kind=Sanction.Kind.SILENCE) | Q(kind=Sanction.Kind.SUSPEND)
    if group_id is not None:
        blocking |= Q(kind=Sanction.Kind.MUTE, group_id=group_id)
    found = list(_active_sanctions(user).filter(blocking))
    return min(found, key=lambda s: _SEVERITY[s.kind], default=None)


def can_post(user: User | AnonymousUser, group_id: int | None = None) -> bool:
    """May this person post now (in this group)? See groups.policy for the whole rule."""
    if not (user.is_authenticated and user.is_active):
        return False
    return blocking_sanction(user, group_id) is None


def visible_items(user: User | AnonymousUser) -> QuerySet[ReviewItem]:
    """What permissions.can_view_item allows, as a queryset."""
    items = ReviewItem.objects.exclude(author_id=user.pk)
    if permissions.is_site_moderator(user):
        return items
    return items.filter(group_id__in=permissions.facilitated_group_ids(user))


AGES = {"1h": timedelta(hours=1), "24h": timedelta(days=1), "7d": timedelta(days=7)}


def queue(
    user: User | AnonymousUser,
    *,
    group: int | None = None,
    reason: str = "",
    state: str = "",
    age: str = "",
) -> QuerySet[ReviewItem]:
    """The queue as this moderator may see it: unresolved items unless a state is asked for;
    age means "waiting longer than"."""
    items = visible_items(user).select_related("author", "claimed_by")
    items = items.filter(state=state) if state else items.exclude(state=ReviewItem.State.RESOLVED)
    if group is not None:
        items = items.filter(group_id=group)
    if reason:
        items = items.filter(reason=reason)
    if age in AGES:
        items = items.filter(opened_at__lt=timezone.now() - AGES[age])
    return items.order_by("priority", "opened_at", "id")


def counts_by_priority(user: User | AnonymousUser) -> dict[int, int]:
    rows = (
        visible_items(user)
        .exclude(state=ReviewItem.State.RESOLVED)
        .values("priority")
        .annotate(n=Count("id"))
    )
    return {row["priority"]: row["n"] for row in rows}


def group_choices(user: User | AnonymousUser) -> list[tuple[int, str]]:
    group_ids = visible_items(user).exclude(group_id=None).values_list("group_id", flat=True)
    ids = sorted({gid for gid in group_ids if gid is not None})
    names = scope().group_names(ids) if ids else {}
    return [(gid, names.get(gid, f"#{gid}")) for gid in ids]


def item_detail(item_id: int) -> ReviewItem:
    return (
        ReviewItem.objects.select_related("content_type", "author", "claimed_by")
        .prefetch_related("reports__reporter", "flags", "notes__author", "audit__actor")
        .get(pk=item_id)
    )


class AuthorHistory(TypedDict):
    items: list[ReviewItem]
    sanctions: list[Sanction]


def author_history(item: ReviewItem) -> AuthorHistory:
    """Earlier items, warnings and silences of the same author."""
    if item.author_id is None:
        return {"items": [], "sanctions": []}
    return {
        "items": list(ReviewItem.objects.filter(author_id=item.author_id).exclude(pk=item.pk)[:20]),
        "sanctions": list(Sanction.objects.filter(user_id=item.author_id)[:20]),
    }


def decision_for(*, action_id: int, user: User) -> AuditLogEntry | None:
    """An audit row the person may appeal or write about: a decision about them. None for any
    other row, theirs or not, existing or not, so that the answer reveals nothing."""
    action = (
        AuditLogEntry.objects.select_related("item", "actor").filter(pk=action_id, subject=user)
    ).first()
    return action if action is not None and appeals.is_decision_for(user, action) else None
