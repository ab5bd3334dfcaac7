"""groups' figures for the organisation's reports: counts per group and period, never a name
or a word anyone wrote. Each function is one SQL query, whatever the number of groups."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse

from supportgroups.models import Notification
from supportgroups.reporting import (
    MinutesBetween,
    Percentile,
    PeriodCount,
    Window,
    in_groups,
    local_date,
    month_of,
)

from .chat.models import ChatMessage, ChatRoom
from .conversations.models import Conversation
from .meetings.models import RSVP, Occurrence
from .models import Membership, MembershipEvent, SupportGroup
from .selectors import QUIET_AFTER

Kind = MembershipEvent.Kind

# A person became a member: at once, approved, given a place from the waitlist, or invited.
BECAME_MEMBER = (Kind.JOINED, Kind.APPROVED, Kind.ADMITTED, Kind.INVITED)
DECIDED = (Kind.APPROVED, Kind.DECLINED, Kind.WAITLISTED)


@dataclass(frozen=True)
class Decisions:
    group_id: int
    requests: int
    approved: int
    declined: int
    median_hours_to_decision: float | None


@dataclass(frozen=True)
class Attendance:
    group_id: int
    month: datetime.date
    meetings: int
    going: int
    attended: int


@dataclass(frozen=True)
class MeetingAttendance:
    group_id: int
    starts_at: datetime.datetime
    going: int
    attended: int


@dataclass(frozen=True)
class TermCount:
    term: str  # a cancer type's or audience's name, or a language code; "" for none
    count: int


@dataclass(frozen=True)
class Quiet:
    group_id: int
    members: int
    quiet: int
    followed_up: int


@dataclass(frozen=True)
class CohortCompletion:
    group_id: int
    ended_on: datetime.date
    started: int
    finished: int


def group_names(group_ids: Sequence[int] | None) -> dict[int, str]:
    return dict(in_groups(SupportGroup.objects.all(), "pk", group_ids).values_list("pk", "name"))


def new_members_by_month(group_ids: Sequence[int] | None, window: Window) -> list[PeriodCount]:
    """People who became members, per group and month (someone who left and came back counts
    each time they came in)."""
    rows = (
        in_groups(MembershipEvent.objects.all(), "membership__group_id", group_ids)
        .filter(kind__in=BECAME_MEMBER, created_at__gte=window.start, created_at__lt=window.end)
        .annotate(month=month_of("created_at"))
        .values("membership__group_id", "month")
        .annotate(count=Count("id"))
        .order_by()
    )
    return [
        PeriodCount(row["membership__group_id"], local_date(row["month"]), row["count"])
        for row in rows
    ]


def decisions(group_ids: Sequence[int] | None, window: Window) -> list[Decisions]:
    """Requests to join, approvals and declines made in the window, and the median time from a
    request to its first answer (approved, declined or waitlisted)."""
    answered_at = MembershipEvent.objects.filter(
        membership_id=OuterRef("membership_id"),
        kind__in=DECIDED,
        created_at__gte=OuterRef("created_at"),
    ).order_by("created_at", "id")
    asked = Q(kind=Kind.REQUESTED)
    rows = (
        in_groups(MembershipEvent.objects.all(), "membership__group_id", group_ids)
        .filter(
            kind__in=(Kind.REQUESTED, Kind.APPROVED, Kind.DECLINED),
            created_at__gte=window.start,
            created_at__lt=window.end,
        )
        .values("membership__group_id")
        .annotate(
            requests=Count("id", filter=asked),
            approved=Count("id", filter=Q(kind=Kind.APPROVED)),
            declined=Count("id", filter=Q(kind=Kind.DECLINED)),
            # PostgreSQL works out the answer's time only for the requests (FILTER first).
            median=Percentile(
                MinutesBetween("created_at", Subquery(answered_at.values("created_at")[:1])),
                0.5,
                filter=asked,
            ),
        )
        .order_by()
    )
    return [
        Decisions(
            group_id=row["membership__group_id"],
            requests=row["requests"],
            approved=row["approved"],
            declined=row["declined"],
            median_hours_to_decision=None if row["median"] is None else row["median"] / 60,
        )
        for row in rows
    ]


def attendance_by_month(group_ids: Sequence[int] | None, window: Window) -> list[Attendance]:
    """Meetings held (not cancelled, already begun), the RSVPs saying "going" and the people the
    facilitators marked as there, per group and month."""
    rows = (
        in_groups(RSVP.objects.all(), "occurrence__series__group_id", group_ids)
        .filter(
            occurrence__is_cancelled=False,
            occurrence__starts_at__gte=window.start,
            occurrence__starts_at__lt=window.end,
        )
        .annotate(month=month_of("occurrence__starts_at"))
        .values("occurrence__series__group_id", "month")
        .annotate(
            meetings=Count("occurrence_id", distinct=True),
            going=Count("id", filter=Q(status=RSVP.Status.GOING)),
            attended=Count("id", filter=Q(attended=True)),
        )
        .order_by()
    )
    return [
        Attendance(
            group_id=row["occurrence__series__group_id"],
            month=local_date(row["month"]),
            meetings=row["meetings"],
            going=row["going"],
            attended=row["attended"],
        )
        for row in rows
    ]


def recent_meetings(
    group_ids: Sequence[int] | None, window: Window, count: int
) -> list[MeetingAttendance]:
    """The last `count` meetings held in these groups (not cancelled, already begun, in the
    window), oldest first, with their "going" replies and the people marked as there (a
    meeting nobody answered counts as 0 and 0). The meetings are picked first, so only their
    replies are counted."""
    held = in_groups(Occurrence.objects.all(), "series__group_id", group_ids).filter(
        is_cancelled=False, starts_at__gte=window.start, starts_at__lt=window.end
    )
    last = held.order_by("-starts_at", "-id").values("pk")[:count]
    rows = (
        Occurrence.objects.filter(pk__in=last)
        .values("pk", "series__group_id", "starts_at")
        .annotate(
            going=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.GOING)),
            attended=Count("rsvps", filter=Q(rsvps__attended=True)),
        )
        .order_by("starts_at", "pk")
    )
    return [
        MeetingAttendance(row["series__group_id"], row["starts_at"], row["going"], row["attended"])
        for row in rows
    ]


def meetings_attended_per_member(group_ids: Sequence[int] | None, window: Window) -> list[int]:
    """How many meetings each person was marked as at (one number per person, and nothing
    that says who)."""
    rows = (
        in_groups(RSVP.objects.all(), "occurrence__series__group_id", group_ids)
        .filter(
            attended=True,
            occurrence__is_cancelled=False,
            occurrence__starts_at__gte=window.start,
            occurrence__starts_at__lt=window.end,
        )
        .values("user_id")
        .annotate(meetings=Count("id"))
        .order_by()
        .values_list("meetings", flat=True)
    )
    return list(rows)


def chat_messages_by_month(group_ids: Sequence[int] | None, window: Window) -> list[PeriodCount]:
    """Chat messages per group and month (counted by room, then given their groups: joining
    the rooms to hundreds of thousands of messages cost more than the count)."""
    rows = (
        in_groups(ChatMessage.objects.all(), "room__group_id", group_ids)
        .filter(created_at__gte=window.start, created_at__lt=window.end, is_held=False)
        .annotate(month=month_of("created_at"))
        .values("room_id", "month")
        .annotate(count=Count("id"))
        .order_by()
    )
    counted = list(rows)
    rooms = dict(
        ChatRoom.objects.filter(pk__in={row["room_id"] for row in counted}).values_list(
            "pk", "group_id"
        )
    )
    return [
        PeriodCount(rooms[row["room_id"]], local_date(row["month"]), row["count"])
        for row in counted
    ]


Dimension = Literal["cancer_type", "audience", "language"]
# What a group is about, as the directory filters it: the term's name (the group's language as
# its code).
_TERMS: dict[Dimension, str] = {
    "cancer_type": "membership__group__cancer_types__name",
    "audience": "membership__group__audiences__name",
    "language": "membership__group__language",
}


def new_members_by_term(
    group_ids: Sequence[int] | None,
    window: Window,
    dimension: Dimension,
) -> list[TermCount]:
    """New members over the window by their group's cancer types, audiences or language (a
    group tagged with two cancer types counts its new members under both)."""
    field = _TERMS[dimension]
    rows = (
        in_groups(MembershipEvent.objects.all(), "membership__group_id", group_ids)
        .filter(kind__in=BECAME_MEMBER, created_at__gte=window.start, created_at__lt=window.end)
        .values(field)
        .annotate(count=Count("id"))
        .order_by()
    )
    return [TermCount(row[field] or "", row["count"]) for row in rows]


def quiet_members(group_ids: Sequence[int] | None, window: Window) -> list[Quiet]:
    """Active members, those with nothing done for over a week (as the facilitator tools mark
    them), and those of the quiet who had a check-in from the group's facilitators since they
    went quiet: a conversation the team opened with them (groups.conversations start_from_team),
    or the in-app note (groups.quiet.send_note: a group notification linking to the group; the
    other such notes, a welcome or a decision, come when someone joins, so before they could
    go quiet)."""
    cutoff = window.now - QUIET_AFTER
    # The group's address (SupportGroup.get_absolute_url) as SQL, around its slug.
    before, after = reverse("groups:detail", kwargs={"slug": "slug"}).rsplit("slug", 1)
    members = Membership.objects.filter(state=Membership.State.ACTIVE, role=Membership.Role.MEMBER)
    team_conversation = Conversation.objects.filter(
        kind=Conversation.Kind.FACILITATORS,
        group_id=OuterRef("group_id"),
        participants__user_id=OuterRef("user_id"),
        created_at__gte=OuterRef("went_quiet_at"),
    ).exclude(started_by_id=OuterRef("user_id"))
    note = Notification.objects.filter(
        user_id=OuterRef("user_id"),
        kind=Notification.Kind.GROUP,
        url=OuterRef("group_url"),
        created_at__gte=OuterRef("went_quiet_at"),
    )
    rows = (
        in_groups(members, "group_id", group_ids)
        .alias(
            last_seen=Coalesce("last_active_at", "joined_at", "created_at"),
            went_quiet_at=ExpressionWrapper(
                Coalesce("last_active_at", "joined_at", "created_at") + QUIET_AFTER,
                output_field=DateTimeField(),
            ),
            group_url=Concat(Value(before), "group__slug", Value(after)),
        )
        .values("group_id")
        .annotate(
            members=Count("id"),
            quiet=Count("id", filter=Q(last_seen__lt=cutoff)),
            followed_up=Count(
                "id",
                filter=Q(last_seen__lt=cutoff) & (Q(Exists(team_conversation)) | Q(Exists(note))),
            ),
        )
        .order_by()
    )
    return [
        Quiet(row["group_id"], row["members"], row["quiet"], row["followed_up"]) for row in rows
    ]


def cohort_completion(group_ids: Sequence[int] | None, window: Window) -> list[CohortCompletion]:
    """Cohorts that ended in the window: the members who started (became members) and those
    who finished (did not leave or get removed before its last day)."""
    came = MembershipEvent.objects.filter(membership_id=OuterRef("pk"), kind__in=BECAME_MEMBER)
    went = MembershipEvent.objects.filter(
        membership_id=OuterRef("pk"),
        kind__in=(Kind.LEFT, Kind.REMOVED),
        created_at__date__lte=OuterRef("group__cohort_ends_on"),
    )
    members = Membership.objects.filter(
        role=Membership.Role.MEMBER,
        group__kind=SupportGroup.Kind.COHORT,
        group__cohort_ends_on__gte=local_date(window.start),
        group__cohort_ends_on__lt=local_date(window.end),
    )
    rows = (
        in_groups(members, "group_id", group_ids)
        .alias(came=Exists(came), went=Exists(went))
        .filter(came=True)
        .values("group_id", "group__cohort_ends_on")
        .annotate(started=Count("id"), finished=Count("id", filter=Q(went=False)))
        .order_by("group__cohort_ends_on", "group_id")
    )
    return [
        CohortCompletion(
            row["group_id"], row["group__cohort_ends_on"], row["started"], row["finished"]
        )
        for row in rows
    ]
