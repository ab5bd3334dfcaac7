"""Reads for moderation: the queue a moderator may see, an item with its history, crisis lines
and the person's own safety plan, follow-ups and the facilitators' load, and the questions
forums and chat ask before accepting a post (can_post)."""

import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TypedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from supportgroups.models import Memorial, User
from supportgroups.prepared import Prepared

from . import appeals, permissions
from .models import (
    AuditLogEntry,
    CrisisResource,
    DebriefNote,
    FollowUp,
    OnDutyShift,
    ReviewItem,
    SafetyPlan,
    SafetyPlanEdit,
    Sanction,
)
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
    """Crisis lines for the person's country (from their time zone), those in the language
    they read first, then the international ones (some countries have only emergency numbers;
    someone travelling needs the worldwide directory). One query."""
    language = (translation.get_language() or "en")[:2]
    country = country_for(user)
    lines = CrisisResource.objects.filter(active=True, country__in={country, ""})
    return sorted(
        lines, key=lambda r: (r.country != country, r.language[:2] != language, r.order, r.name)
    )


class CrisisContext(TypedDict):
    crisis_lines: list[CrisisResource]
    safety_plan: SafetyPlan | None
    contact_group_id: int | None
    contact_allowed: bool


def crisis_context(user: User | AnonymousUser, *, group_id: int | None = None) -> CrisisContext:
    """What the caring message shows this person: their own safety plan first (theirs only:
    the message is rendered for the writer alone), then the crisis lines, then the button that
    asks the on-duty facilitator to contact them (about group_id, where it happened)."""
    return {
        "crisis_lines": crisis_lines_for(user),
        "safety_plan": own_safety_plan(user),
        "contact_group_id": group_id,
        "contact_allowed": bool(user.is_authenticated and user.is_active),
    }


def own_safety_plan(user: User | AnonymousUser) -> SafetyPlan | None:
    """The person's own plan, if they have written anything in it."""
    if not user.is_authenticated:
        return None
    plan = SafetyPlan.objects.filter(owner_id=user.pk).first()
    return None if plan is None or plan.is_empty else plan


def plans_shared_with(user: User | AnonymousUser) -> list[SafetyPlan]:
    """Plans members shared with this facilitator, which they may still read."""
    if not user.is_authenticated:
        return []
    plans = SafetyPlan.objects.filter(shared_with_id=user.pk).select_related("owner")
    return [p for p in plans if permissions.can_read_plan(user, p)]


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


def _blocking_sanctions(user_id: int, group_id: int | None, now: datetime) -> QuerySet[Sanction]:
    blocking = Q(kind=Sanction.Kind.SILENCE) | Q(kind=Sanction.Kind.SUSPEND)
    if group_id is not None:
        blocking |= Q(kind=Sanction.Kind.MUTE, group_id=group_id)
    return Sanction.objects.filter(
        Q(until__isnull=True) | Q(until__gt=now), blocking, user_id=user_id, lifted_at__isnull=True
    )


# Asked before every write, and by every chat socket's re-check: compiled once.
_BLOCKING_SANCTIONS = Prepared(_blocking_sanctions)


def blocking_sanction(user: User, group_id: int | None = None) -> Sanction | None:
    """The sanction that stops this person writing (in this group) now, if any: a suspension,
    a site-wide silence, or a mute in this group. One query."""
    found = _BLOCKING_SANCTIONS(user.pk, group_id, timezone.now())
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


def follow_ups_for(user: User | AnonymousUser) -> list[FollowUp]:
    """Open follow-ups on the dashboard: the person's own, and those of the items they may see
    (so the on-duty people see a colleague's overdue one), soonest due first."""
    if not user.is_authenticated:
        return []
    visible = visible_items(user).values("pk")
    rows = (
        FollowUp.objects.filter(done_at__isnull=True)
        .filter(Q(assignee_id=user.pk) | Q(item__in=visible))
        .select_related("item", "item__author", "assignee")
        .order_by("due_at", "id")
    )
    return list(rows[:100])


def follow_up_for(user: User | AnonymousUser, follow_up_id: int) -> FollowUp | None:
    """One follow-up this person may record (None, as for one that does not exist)."""
    found = FollowUp.objects.select_related("item", "item__author").filter(pk=follow_up_id).first()
    if found is None or not permissions.moderates_group(user, found.item.group_id):
        return None
    return found


# The decisions that close an item: handling a crisis item means taking one of them.
CLOSING_ACTIONS = ("approve", "dismiss", "hide", "remove", "restore")
LOAD_DAYS = 30


@dataclass(frozen=True)
class Load:
    """A facilitator's load, in numbers only: never what anyone wrote."""

    user: User
    crisis_items_handled: int
    follow_ups_done: int
    hours_on_duty_per_week: float
    hours_on_duty: float  # actually covered over the last LOAD_DAYS days
    members_died: int
    follow_ups_due: int


def _shift_hours(shift: OnDutyShift) -> float:
    start = shift.start.hour * 60 + shift.start.minute
    end = shift.end.hour * 60 + shift.end.minute
    return ((end - start) % (24 * 60) or 24 * 60) / 60


def load_for(people: list[User]) -> list[Load]:
    """Each person's load over the last LOAD_DAYS days, from the audit log (crisis items they
    closed, follow-ups they recorded), the rota (hours a week, backup shifts included), the
    memorials of members of the groups they facilitate, and follow-ups assigned and not done.
    A few queries for everyone together, none per person except the group scope's."""
    since = timezone.now() - timedelta(days=LOAD_DAYS)
    ids = [p.pk for p in people]
    handled = dict(
        AuditLogEntry.objects.filter(
            actor_id__in=ids,
            created_at__gte=since,
            action__in=CLOSING_ACTIONS,
            item__crisis=True,
        )
        .values("actor_id")
        .annotate(n=Count("item_id", distinct=True))
        .values_list("actor_id", "n")
    )
    followed = dict(
        AuditLogEntry.objects.filter(
            actor_id__in=ids, created_at__gte=since, action=AuditLogEntry.Action.FOLLOW_UP
        )
        .values("actor_id")
        .annotate(n=Count("id"))
        .values_list("actor_id", "n")
    )
    due = dict(
        FollowUp.objects.filter(assignee_id__in=ids, done_at__isnull=True)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    hours: dict[int, float] = {}
    for shift in OnDutyShift.objects.filter(user_id__in=ids):
        hours[shift.user_id] = hours.get(shift.user_id, 0.0) + _shift_hours(shift)
    covered = _hours_covered(set(ids), since=since, until=timezone.now())
    died = dict(_members_died(people, since=since))
    return [
        Load(
            user=p,
            crisis_items_handled=handled.get(p.pk, 0),
            follow_ups_done=followed.get(p.pk, 0),
            hours_on_duty_per_week=round(hours.get(p.pk, 0.0), 1),
            hours_on_duty=round(covered.get(p.pk, 0.0), 1),
            members_died=died.get(p.pk, 0),
            follow_ups_due=due.get(p.pk, 0),
        )
        for p in people
    ]


ROTA_ACTIONS = ("rota_add", "rota_change", "rota_remove")
_Shift = dict[str, Any]  # a shift as the audit log keeps it (OnDutyShift.audit_state)
_Segment = tuple[datetime, datetime, _Shift]


def _rota_history(*, since: datetime, until: datetime) -> Iterator[_Segment]:
    """Each shift as it stood between since and until, as (from, to, state): today's rota,
    walked back through the rota audit rows (a change holds what the shift was, a removal what
    it had been, an addition that it did not exist before). A shift with no rows has stood
    all along."""
    end: dict[int, datetime] = {}
    state: dict[int, _Shift | None] = {}
    for shift in OnDutyShift.objects.all():
        end[shift.pk], state[shift.pk] = until, shift.audit_state()
    changes = AuditLogEntry.objects.filter(
        action__in=ROTA_ACTIONS, created_at__gt=since, created_at__lte=until
    ).order_by("-created_at", "-id")
    for entry in changes:
        shift_id = entry.detail["shift"]
        after = state.get(shift_id)
        if after is not None:
            yield entry.created_at, end[shift_id], after
        end[shift_id] = entry.created_at
        if entry.action == AuditLogEntry.Action.ROTA_ADD:
            state[shift_id] = None
        elif entry.action == AuditLogEntry.Action.ROTA_CHANGE:
            state[shift_id] = entry.detail["before"]
        else:
            state[shift_id] = entry.detail
    for shift_id, before in state.items():
        if before is not None:
            yield since, end[shift_id], before


def _hours_covered(ids: set[int], *, since: datetime, until: datetime) -> dict[int, float]:
    """Hours each person was on the rota (backup shifts included) between since and until:
    every weekly occurrence of each shift, as it stood then, in MODERATION_ROTA_TIME_ZONE."""
    zone = zoneinfo.ZoneInfo(settings.MODERATION_ROTA_TIME_ZONE)
    hours: dict[int, float] = {}
    for start, finish, shift in _rota_history(since=since, until=until):
        if shift["user"] not in ids or finish <= start:
            continue
        begins, ends = time.fromisoformat(shift["start"]), time.fromisoformat(shift["end"])
        day: date = start.astimezone(zone).date() - timedelta(days=1)  # a shift past midnight
        while day <= finish.astimezone(zone).date():
            if day.weekday() == shift["weekday"]:
                on = datetime.combine(day, begins, tzinfo=zone)
                off_day = day if ends > begins else day + timedelta(days=1)
                off = datetime.combine(off_day, ends, tzinfo=zone)
                overlap = (min(off, finish) - max(on, start)).total_seconds()
                if overlap > 0:
                    hours[shift["user"]] = hours.get(shift["user"], 0.0) + overlap / 3600
            day += timedelta(days=1)
    return hours


def _members_died(people: list[User], *, since: datetime) -> Iterator[tuple[int, int]]:
    for person in people:
        groups = scope().facilitated_group_ids(person)
        members = scope().group_member_ids(groups) - {person.pk}
        if not members:
            yield person.pk, 0
            continue
        yield person.pk, Memorial.objects.filter(user_id__in=members, created_at__gte=since).count()


def carers(user: User | AnonymousUser) -> list[User]:
    """Whose load a supervisor sees: everyone on the rota, and everyone who closed a crisis
    item or owes a follow-up lately; by display name, never ranked by their numbers."""
    if not permissions.is_supervisor(user):
        return []
    since = timezone.now() - timedelta(days=LOAD_DAYS)
    on_rota = OnDutyShift.objects.values("user_id")
    closed = AuditLogEntry.objects.filter(
        created_at__gte=since, action__in=CLOSING_ACTIONS, item__crisis=True
    ).values("actor_id")
    owing = FollowUp.objects.filter(done_at__isnull=True).values("assignee_id")
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=on_rota) | Q(pk__in=closed) | Q(pk__in=owing))
        .order_by("display_name", "pk")
    )


def rota() -> QuerySet[OnDutyShift]:
    return OnDutyShift.objects.select_related("user").order_by("weekday", "start", "is_backup")


@dataclass(frozen=True)
class RotaChange:
    """One line of the rota's audit, as a supervisor reads it: names, never ids."""

    at: datetime
    by: str
    action: str
    weekday: str
    start: time
    end: time
    is_backup: bool
    covered_by: str
    was_covered_by: str


def rota_changes(limit: int = 20) -> list[RotaChange]:
    """The latest changes to the rota, from the audit log (two queries)."""
    entries = list(
        AuditLogEntry.objects.filter(action__in=ROTA_ACTIONS)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    ids = {e.detail["user"] for e in entries} | {
        e.detail["before"]["user"] for e in entries if "before" in e.detail
    }
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "display_name"))
    days = dict(OnDutyShift._meta.get_field("weekday").choices or [])
    former = gettext("a former member")

    def name(user_id: int | None) -> str:
        return names.get(user_id, former) if user_id is not None else ""

    return [
        RotaChange(
            at=e.created_at,
            by=e.actor.display_name if e.actor else former,
            action=e.get_action_display(),
            weekday=str(days.get(e.detail["weekday"], "")),
            start=time.fromisoformat(e.detail["start"]),
            end=time.fromisoformat(e.detail["end"]),
            is_backup=e.detail["is_backup"],
            covered_by=name(e.detail["user"]),
            was_covered_by=name(e.detail.get("before", {}).get("user")),
        )
        for e in entries
    ]


def rota_candidates(user: User | AnonymousUser) -> list[User]:
    """Who a supervisor may hand a shift to: active staff and the people whose load they see
    (everyone on the rota or doing crisis work lately)."""
    people = {u.pk: u for u in User.objects.filter(is_active=True, is_staff=True)}
    people.update((u.pk, u) for u in carers(user))
    return sorted(people.values(), key=lambda u: (u.display_name, u.pk))


def plan_edits(plan: SafetyPlan | None) -> list[SafetyPlanEdit]:
    """Who changed the plan, and when (its owner and the facilitator it is shared with read it:
    the views ask permissions first)."""
    if plan is None or plan.pk is None:
        return []
    return list(plan.edits.select_related("editor")[:20])


def own_debriefs(user: User | AnonymousUser) -> list[DebriefNote]:
    if not user.is_authenticated:
        return []
    return list(DebriefNote.objects.filter(author_id=user.pk)[:50])
