"""Reads for meetings, with the joins that keep each page's query count constant."""

import datetime as dt

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from groups.models import Membership, SupportGroup
from supportgroups.models import User
from supportgroups.prepared import Prepared

from .models import RSVP, CalendarFeed, MeetingSeries, Occurrence

FEED_PAST_DAYS = 30


def _with_counts(qs: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
    return qs.annotate(
        going_count=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.GOING)),
        waitlist_count=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.WAITLISTED)),
    )


def _member_group_ids(user: User) -> QuerySet[Membership, int]:
    return Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values_list(
        "group_id", flat=True
    )


def upcoming_for_user(*, user: User, now: dt.datetime | None = None) -> QuerySet[Occurrence]:
    """Every upcoming (or running) occurrence of the person's groups, with their own answer.
    An archived group no longer meets, so its planned dates are left out."""
    now = now or timezone.now()
    my_answer = RSVP.objects.filter(occurrence=OuterRef("pk"), user=user).values("status")[:1]
    return (
        Occurrence.objects.filter(
            series__group_id__in=_member_group_ids(user),
            series__group__is_archived=False,
            ends_at__gt=now,
        )
        .select_related("series__group")
        .annotate(my_status=Subquery(my_answer))
        .order_by("starts_at", "id")
    )


# On every group page: compiled once.
_UPCOMING_FOR_GROUP = Prepared(
    lambda group_id, now, *, limit: (
        Occurrence.objects.filter(series__group_id=group_id, ends_at__gt=now)
        .select_related("series")
        .order_by("starts_at", "id")[:limit]
    )
)


def upcoming_for_group(
    *, group: SupportGroup, now: dt.datetime | None = None, limit: int = 5
) -> list[Occurrence]:
    return _UPCOMING_FOR_GROUP(group.pk, now or timezone.now(), limit=limit)


def occurrence_with_group(pk: int) -> Occurrence:
    return _with_counts(Occurrence.objects.select_related("series__group")).get(pk=pk)


def series_with_group(pk: int) -> MeetingSeries:
    return MeetingSeries.objects.select_related("group").get(pk=pk)


def series_occurrences(
    *, series: MeetingSeries, now: dt.datetime | None = None
) -> QuerySet[Occurrence]:
    now = now or timezone.now()
    return _with_counts(series.occurrences.filter(ends_at__gt=now - dt.timedelta(days=14)))


def series_for_group(*, group: SupportGroup) -> QuerySet[MeetingSeries]:
    return group.meeting_series.all()


def answers(*, occurrence: Occurrence) -> QuerySet[RSVP]:
    """Who answered, for facilitators: going first, then the waitlist in order."""
    return (
        occurrence.rsvps.select_related("user")
        .exclude(status=RSVP.Status.NOT_GOING)
        .order_by("-status", "status_changed_at", "id")
    )


def expecting(*, occurrence: Occurrence) -> QuerySet[User]:
    """Who expects this meeting: the people its reminders, cancellation and move notices reach.

    Active members with an active account who have not said they won't come; with limited
    places, only the people holding one (the waitlist hears when a place comes free).
    """
    members = User.objects.filter(
        memberships__group_id=occurrence.series.group_id,
        memberships__state=Membership.State.ACTIVE,
        is_active=True,
    )
    answers = RSVP.objects.filter(occurrence=occurrence)
    if occurrence.series.capacity is not None:
        return members.filter(pk__in=answers.filter(status=RSVP.Status.GOING).values("user_id"))
    return members.exclude(pk__in=answers.exclude(status=RSVP.Status.GOING).values("user_id"))


def my_answer(*, occurrence: Occurrence, user: User) -> RSVP | None:
    if not user.is_authenticated:
        return None
    return RSVP.objects.filter(occurrence=occurrence, user=user).first()


def active_members(*, group: SupportGroup) -> QuerySet[User]:
    return User.objects.filter(
        memberships__group=group, memberships__state=Membership.State.ACTIVE
    ).order_by("display_name")


def attended_ids(*, occurrence: Occurrence) -> set[int]:
    return set(occurrence.rsvps.filter(attended=True).values_list("user_id", flat=True))


def feed_by_token(token: str) -> CalendarFeed | None:
    """A suspended, memorialised or closed account's feed stops answering."""
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )


def feed_occurrences(*, user: User, now: dt.datetime | None = None) -> QuerySet[Occurrence]:
    """The person's groups only; recent past meetings stay so calendars don't lose them at once."""
    now = now or timezone.now()
    return (
        Occurrence.objects.filter(
            series__group_id__in=_member_group_ids(user),
            starts_at__gte=now - dt.timedelta(days=FEED_PAST_DAYS),
        )
        .select_related("series__group")
        .order_by("starts_at", "id")
    )


def group_ids_meeting_between(*, start: dt.datetime, end: dt.datetime) -> QuerySet[Occurrence, int]:
    """Groups with a (not cancelled) meeting in [start, end): the directory's "meets this week".

    A values_list queryset, so the directory uses it as a subquery in its one SQL query.
    """
    return Occurrence.objects.filter(
        starts_at__gte=start, starts_at__lt=end, is_cancelled=False
    ).values_list("series__group_id", flat=True)
