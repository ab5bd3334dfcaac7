"""Reads for the directory, the group page, "My groups" and the facilitator tools.

Each returns a queryset with the select_related/prefetch_related that keep a page's query
count the same however many groups or members there are.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Model,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

from supportgroups.models import User
from supportgroups.prepared import Prepared, padded

from .countries import country_choices
from .meetings.selectors import group_ids_meeting_between
from .models import (
    Audience,
    CancerType,
    GroupInvitation,
    Language,
    Membership,
    MembershipEvent,
    SupportGroup,
)

State = Membership.State

# A member with no activity for this long is marked for a facilitator to check on.
QUIET_AFTER = timedelta(days=7)
MEETS_SOON_WINDOW = timedelta(days=7)
MAX_SEARCH_TERMS = 8


# --- Directory ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DirectoryFilters:
    """What a visitor asked the directory for; empty values mean "any"."""

    q: str = ""
    cancer_type: str = ""
    audience: str = ""
    format: str = ""
    language: str = ""
    country: str = ""
    meets_this_week: bool = False


def directory_groups(*, filters: DirectoryFilters) -> QuerySet[SupportGroup]:
    groups = SupportGroup.objects.listed()
    if filters.cancer_type:
        groups = groups.filter(cancer_types__slug=filters.cancer_type)
    if filters.audience:
        groups = groups.filter(audiences__slug=filters.audience)
    if filters.format:
        groups = groups.filter(format=filters.format)
    if filters.language:
        groups = groups.filter(languages__code=filters.language)
    if filters.country:
        groups = groups.filter(country=filters.country)
    # Every word must appear in the name or the summary; substrings match ("prostat").
    for term in filters.q.split()[:MAX_SEARCH_TERMS]:
        groups = groups.filter(Q(name__icontains=term) | Q(summary__icontains=term))
    if filters.meets_this_week:
        now = timezone.now()
        # A subquery: the directory stays one SQL query.
        meeting = group_ids_meeting_between(start=now, end=now + MEETS_SOON_WINDOW)
        groups = groups.filter(pk__in=meeting)
    return groups.order_by("name", "pk")


# The filters whose values a prepared read can take as they are (exact matches); a search
# (LIKE patterns) or "meets this week" (the time now) is asked through the ORM each time.
_EXACT_FILTERS = ("cancer_type", "audience", "format", "language", "country")


def _chosen(filters: tuple[str, ...], values: tuple[str, ...]) -> DirectoryFilters:
    """The filters a prepared read was given, by name (only exact-match ones, all text)."""
    chosen: dict[str, Any] = dict(zip(filters, values, strict=True))
    return DirectoryFilters(**chosen)


def _directory_slice(
    *values: str, filters: tuple[str, ...], start: int, stop: int
) -> QuerySet[SupportGroup]:
    return directory_groups(filters=_chosen(filters, values))[start:stop]


def _directory_count(*values: str, filters: tuple[str, ...]) -> QuerySet[SupportGroup, int]:
    total = Window(Count("pk"))
    return (
        directory_groups(filters=_chosen(filters, values))
        .order_by()
        .annotate(total=total)
        .values_list("total", flat=True)[:1]
    )


_DIRECTORY_SLICE = Prepared(_directory_slice)
_DIRECTORY_COUNT = Prepared(_directory_count)


@dataclass(frozen=True)
class GroupFacts:
    """The names a group page and a directory card list for a group, each in its model's order
    (position, then name)."""

    cancer_type_names: tuple[str, ...] = ()
    audience_names: tuple[str, ...] = ()
    language_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListedGroup:
    """One group of a directory page, with the facts its card shows."""

    group: SupportGroup
    facts: GroupFacts


class DirectoryListing:
    """The directory's groups as a Paginator asks for them: their number, and one slice, whose
    groups come with their facts."""

    def __init__(self, filters: DirectoryFilters) -> None:
        self.filters = filters
        chosen = {name: getattr(filters, name) for name in _EXACT_FILTERS}
        self._chosen = {name: value for name, value in chosen.items() if value}
        self._prepared = not (filters.q or filters.meets_this_week)

    def count(self) -> int:
        if not self._prepared:
            return directory_groups(filters=self.filters).count()
        found = _DIRECTORY_COUNT(*self._chosen.values(), filters=tuple(self._chosen))
        return found[0] if found else 0

    def __getitem__(self, page: slice) -> list[ListedGroup]:
        if not self._prepared:
            groups = list(directory_groups(filters=self.filters)[page])
        else:
            groups = _DIRECTORY_SLICE(
                *self._chosen.values(),
                filters=tuple(self._chosen),
                start=page.start,
                stop=page.stop,
            )
        facts = facts_by_group(groups)
        return [ListedGroup(group=group, facts=facts[group.pk]) for group in groups]


# A row of _directory_choices: (filter, position, value, label).
ChoiceRow = tuple[str, int, str, str]


def _position(model: type[Model]) -> F | Value:
    """What sorts a fact's names: its position where its model orders by one, else nothing."""
    return F("position") if "position" in (model._meta.ordering or ()) else Value(0)


def _directory_choices() -> QuerySet[Any, ChoiceRow]:
    """What the directory's filters offer (the formats aside): cancer types, audiences and
    languages in their models' order, and the countries of listed groups. One query where there
    were four."""

    def part(qs: QuerySet[Any], name: str, value: str, label: str) -> QuerySet[Any, ChoiceRow]:
        rows: QuerySet[Any, ChoiceRow] = (
            qs.order_by()
            .annotate(
                option_of=Value(name), sort=_position(qs.model), choice=F(value), label=F(label)
            )
            .values_list("option_of", "sort", "choice", "label")
        )
        return rows

    countries = SupportGroup.objects.listed().exclude(country="")
    return (
        part(CancerType.objects.all(), "cancer_type", "slug", "name")
        .union(
            part(Audience.objects.all(), "audience", "slug", "name"),
            part(Language.objects.all(), "language", "code", "name"),
            part(countries, "country", "country", "country").distinct(),
            all=True,
        )
        .order_by("option_of", "sort", "label")
    )


# Every directory page asks this: compiled once.
_DIRECTORY_CHOICES = Prepared(_directory_choices)


def directory_choices() -> dict[str, Sequence[tuple[str, str | Promise]]]:
    """The values each directory filter accepts, with their labels in the reader's language."""
    found: dict[str, list[tuple[str, str | Promise]]] = {
        "cancer_type": [],
        "audience": [],
        "language": [],
        "country": [],
    }
    for name, _position, value, label in _DIRECTORY_CHOICES():
        found[name].append((value, gettext(label)))
    return {
        **found,
        "format": list(SupportGroup.Format.choices),
        "country": country_choices(code for code, _label in found["country"]),
    }


# --- The facts a group page and a directory card show ----------------------------------------
FACTS: dict[str, type[CancerType | Audience | Language]] = {
    "cancer_types": CancerType,
    "audiences": Audience,
    "languages": Language,
}


def _fact_names(group_ids: tuple[int, ...]) -> QuerySet[Any, tuple[int, str, int, str]]:
    """(group id, fact, position, name) for the groups' cancer types, audiences and languages,
    each in its model's own order (position, then name): one query for what took three
    prefetches."""
    parts = [
        model._default_manager.filter(groups__in=group_ids)
        .order_by()
        .annotate(
            group_id=F("groups"),
            fact=Value(fact),
            sort=_position(model),
        )
        .values_list("group_id", "fact", "sort", "name")
        for fact, model in FACTS.items()
    ]
    return parts[0].union(*parts[1:], all=True).order_by("fact", "sort", "name")


_FACT_NAMES = Prepared(_fact_names)


def facts_by_group(groups: Sequence[SupportGroup]) -> dict[int, GroupFacts]:
    """Each group's facts, by group id, their names in the reader's language (the models'
    __str__): one query, none for no groups."""
    names: dict[int, dict[str, list[str]]] = {g.pk: {fact: [] for fact in FACTS} for g in groups}
    if groups:
        for group_id, fact, _sort, name in _FACT_NAMES(padded(list(names))):
            names[group_id][fact].append(gettext(name))
    return {
        pk: GroupFacts(
            cancer_type_names=tuple(found["cancer_types"]),
            audience_names=tuple(found["audiences"]),
            language_names=tuple(found["languages"]),
        )
        for pk, found in names.items()
    }


def group_facts(*, group: SupportGroup) -> GroupFacts:
    """The names of the cancer types, audiences and languages the group page lists."""
    return facts_by_group([group])[group.pk]


# --- One group ------------------------------------------------------------------------------
# Every group page asks for its group: compiled once.
_GROUP_BY_SLUG = Prepared(
    lambda slug: SupportGroup.objects.select_related(
        "alumni_group", "next_cohort", "check_in"
    ).filter(slug=slug)
)


def group_by_slug(*, slug: str) -> SupportGroup:
    """Raises SupportGroup.DoesNotExist; views turn that into a 404."""
    found = _GROUP_BY_SLUG(slug)
    if not found:
        raise SupportGroup.DoesNotExist
    return found[0]


def facilitators_of(*, group: SupportGroup | int) -> QuerySet[User]:
    """A group's facilitators (the group or its id, so a subquery needs no group row)."""
    return User.objects.filter(
        memberships__group=group,
        memberships__state=State.ACTIVE,
        memberships__role=Membership.Role.FACILITATOR,
    ).order_by("display_name")


_FACILITATOR_NAMES = Prepared(
    lambda group_id: facilitators_of(group=group_id).values_list("display_name", flat=True)
)


def facilitator_names(*, group: SupportGroup) -> list[str]:
    """What the group page lists: the facilitators' display names, in order."""
    return _FACILITATOR_NAMES(group.pk)


def members_of(*, group: SupportGroup) -> QuerySet[Membership]:
    """Active members, facilitators first, by display name."""
    return (
        Membership.objects.filter(group=group, state=State.ACTIVE)
        .select_related("user")
        .order_by("role", "user__display_name")
    )


def free_places(*, group: SupportGroup) -> int | None:
    """Places left, or None for no limit. Facilitators do not take a member's place."""
    if group.capacity is None:
        return None
    taken = Membership.objects.filter(
        group=group, state=State.ACTIVE, role=Membership.Role.MEMBER
    ).count()
    return max(group.capacity - taken, 0)


def join_outcome(*, group: SupportGroup) -> Membership.State:
    """The state joining now would lead to. The group page's button and services.join both
    ask this, so the button always says what will happen."""
    if group.cohort_has_started():
        return State.WAITLISTED
    if group.join_policy == SupportGroup.JoinPolicy.APPROVAL:
        return State.PENDING
    places = free_places(group=group)
    return State.ACTIVE if places is None or places > 0 else State.WAITLISTED


# --- A person's groups ----------------------------------------------------------------------
def my_memberships(*, user: User) -> QuerySet[Membership]:
    """Groups a person belongs to, has asked to join or is waiting for."""
    return (
        Membership.objects.filter(
            user=user, state__in=[State.ACTIVE, State.PENDING, State.WAITLISTED]
        )
        .select_related("group")
        .order_by("group__name")
    )


# --- Facilitator tools ----------------------------------------------------------------------
def pending_requests(*, group: SupportGroup) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group, state=State.PENDING)
        .select_related("user")
        .order_by("updated_at", "pk")
    )


def waitlist(*, group: SupportGroup) -> QuerySet[Membership]:
    """In the order places will be offered."""
    return (
        Membership.objects.filter(group=group, state=State.WAITLISTED)
        .select_related("user")
        .order_by("waitlisted_at", "pk")
    )


def members_with_activity(
    *, group: SupportGroup, now: datetime | None = None
) -> QuerySet[Membership]:
    """Active members with `is_quiet` set for anyone with nothing done for over a week."""
    cutoff = (now or timezone.now()) - QUIET_AFTER
    return (
        members_of(group=group)
        .annotate(last_seen=Coalesce("last_active_at", "joined_at", "created_at"))
        .annotate(is_quiet=ExpressionWrapper(Q(last_seen__lt=cutoff), output_field=BooleanField()))
    )


def recent_events(*, group: SupportGroup, limit: int = 30) -> QuerySet[MembershipEvent]:
    return MembershipEvent.objects.filter(membership__group=group).select_related(
        "membership__user", "actor"
    )[:limit]


def open_invitations(*, group: SupportGroup) -> QuerySet[GroupInvitation]:
    """Invitations that can still be accepted, for the tools page (where they can be revoked)."""
    return GroupInvitation.objects.filter(
        group=group, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invitee", "created_by")
