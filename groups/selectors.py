"""Reads for the directory, the group page, "My groups" and the facilitator tools.

Each returns a queryset with the select_related/prefetch_related that keep a page's query
count the same however many groups or members there are.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise

from supportgroups.models import User

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
    return groups.prefetch_related("cancer_types", "audiences", "languages").order_by("name", "pk")


def directory_choices() -> dict[str, Sequence[tuple[str, str | Promise]]]:
    """The values each directory filter accepts (one query each)."""
    countries = (
        SupportGroup.objects.listed()
        .exclude(country="")
        .order_by("country")
        .values_list("country", flat=True)
        .distinct()
    )
    return {
        "cancer_type": list(CancerType.objects.values_list("slug", "name")),
        "audience": list(Audience.objects.values_list("slug", "name")),
        "format": list(SupportGroup.Format.choices),
        "language": list(Language.objects.values_list("code", "name")),
        "country": country_choices(countries),
    }


# --- One group ------------------------------------------------------------------------------
def group_by_slug(*, slug: str, with_facts: bool = False) -> SupportGroup:
    """Raises SupportGroup.DoesNotExist; views turn that into a 404.

    with_facts prefetches the cancer types, audiences and languages the group page lists.
    """
    groups = SupportGroup.objects.select_related("alumni_group")
    if with_facts:
        groups = groups.prefetch_related("cancer_types", "audiences", "languages")
    return groups.get(slug=slug)


def facilitators_of(*, group: SupportGroup | int) -> QuerySet[User]:
    """A group's facilitators (the group or its id, so a subquery needs no group row)."""
    return User.objects.filter(
        memberships__group=group,
        memberships__state=State.ACTIVE,
        memberships__role=Membership.Role.FACILITATOR,
    ).order_by("display_name")


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
