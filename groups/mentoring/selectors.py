"""Reads for mentoring: the coordinator's ranked suggestions, and the lists people see.

How a mentor is scored for a request (`suggestions`)
------------------------------------------------------
The person asking gave each criterion a weight from 0 ("does not matter") to 3 ("matters
most"). Each criterion that matches adds ``weight × 10`` points:

==================  ===========================================================  ==========
criterion           matches when                                                 points
==================  ===========================================================  ==========
same cancer         the mentor's cancer type is the request's                    weight × 10
similar age         same age band (a neighbouring band: half)                    weight × 10
same role           patient ↔ a mentor who had cancer; caregiver ↔ a caregiver   weight × 10
same language       the mentor mentors in a language the person speaks           weight × 10
same treatment      at least one treatment in common                             weight × 10
==================  ===========================================================  ==========

Then two small extras, which together (at most 7) never outweigh one wished criterion (10):

- time-zone overlap: within 3 hours of each other +4, within 6 hours +2;
- availability: +1 per free place the mentor has, up to +3.

Ties go to the mentor approved longest ago. Nobody is suggested who is not approved (paused
and retired mentors are not), is at capacity (open matches: offered, accepted or active),
matches anything on the person's avoid list, already declined or let this request's offer
expire, is the person themself, or is blocked either way. Suggestions are only suggestions: a
coordinator proposes one, the mentor accepts, and the coordinator introduces them.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from supportgroups.models import Block, User

from .models import (
    AgeRange,
    Avoid,
    HelpRequest,
    Match,
    MatchCheckIn,
    MentorApplication,
    MentorRequest,
    Stage,
)

POINTS_PER_WEIGHT = 10
NEAR_ZONE_HOURS, NEAR_ZONE_POINTS = 3, 4
FAR_ZONE_HOURS, FAR_ZONE_POINTS = 6, 2
POINTS_PER_FREE_PLACE, MAX_FREE_PLACE_POINTS = 1, 3
AGES = list(AgeRange.values)


@dataclass(frozen=True)
class Reason:
    """One line of why a mentor scored what they did."""

    label: str
    points: int
    matched: bool


@dataclass(frozen=True)
class Suggestion:
    application: MentorApplication
    score: int
    reasons: list[Reason]
    load: int


def _open_load() -> Count:
    return Count(
        "user__mentoring_matches",
        filter=Q(user__mentoring_matches__state__in=Match.OPEN),
        distinct=True,
    )


def _avoided(avoid: list[str]) -> Q:
    where = Q()
    if Avoid.RECURRENCE in avoid:
        where |= Q(had_recurrence=True)
    if Avoid.ADVANCED in avoid:
        where |= Q(stage=Stage.ADVANCED)
    if Avoid.BEREAVED in avoid:
        where |= Q(role=MentorApplication.Role.CAREGIVER, person_died=True)
    return where


def eligible_mentors(request: MentorRequest) -> QuerySet[MentorApplication]:
    """Approved mentors with room who pass the request's exclusions, with their `load`."""
    mentee_id = request.mentee_id
    blocked = Block.objects.filter(
        Q(blocker_id=mentee_id, blocked_id=OuterRef("user_id"))
        | Q(blocker_id=OuterRef("user_id"), blocked_id=mentee_id)
    )
    turned_down = Match.objects.filter(
        request_id=request.pk,
        mentor_id=OuterRef("user_id"),
        state__in=[Match.State.DECLINED, Match.State.EXPIRED],
    )
    mentors = (
        MentorApplication.objects.filter(
            state=MentorApplication.State.APPROVED, user__is_active=True
        )
        .exclude(user_id=mentee_id)
        .exclude(Exists(blocked))
        .exclude(Exists(turned_down))
        .annotate(load=_open_load())
        .filter(load__lt=F("capacity"))
    )
    avoided = _avoided(list(request.avoid))
    if avoided:
        mentors = mentors.exclude(avoided)
    return mentors


def _offset_hours(zone: str, at: datetime) -> float:
    offset = at.astimezone(ZoneInfo(zone)).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def _criterion(label: str, weight: int, share: float) -> Reason:
    return Reason(label=label, points=round(weight * POINTS_PER_WEIGHT * share), matched=share > 0)


def score(
    request: MentorRequest,
    application: MentorApplication,
    *,
    load: int,
    request_languages: set[int],
    mentor_languages: set[int],
    now: datetime,
) -> tuple[int, list[Reason]]:
    """The score of one mentor for one request, and a reason per criterion (see the module's
    docstring for the table)."""
    reasons: list[Reason] = []
    same_cancer = request.cancer_type_id is not None and (
        request.cancer_type_id == application.cancer_type_id
    )
    reasons.append(_criterion(_("Same cancer"), request.weight_cancer, 1.0 if same_cancer else 0))
    apart = abs(AGES.index(request.age_range) - AGES.index(application.age_range))
    age_share = 1.0 if apart == 0 else 0.5 if apart == 1 else 0
    reasons.append(_criterion(_("Similar age"), request.weight_age, age_share))
    same_role = (request.role == MentorRequest.Role.PATIENT) == (
        application.role == MentorApplication.Role.SURVIVOR
    )
    reasons.append(_criterion(_("Same role"), request.weight_role, 1.0 if same_role else 0))
    shared_language = bool(request_languages & mentor_languages)
    reasons.append(
        _criterion(_("Shares a language"), request.weight_language, 1.0 if shared_language else 0)
    )
    shared_treatment = bool(set(request.treatments) & set(application.treatments))
    reasons.append(
        _criterion(
            _("Had a treatment in common"), request.weight_treatment, 1.0 if shared_treatment else 0
        )
    )
    hours = abs(_offset_hours(request.time_zone, now) - _offset_hours(application.time_zone, now))
    zone_points = (
        NEAR_ZONE_POINTS
        if hours <= NEAR_ZONE_HOURS
        else FAR_ZONE_POINTS
        if hours <= FAR_ZONE_HOURS
        else 0
    )
    reasons.append(
        Reason(
            label=_("Time zones %(hours)g hours apart") % {"hours": hours},
            points=zone_points,
            matched=zone_points > 0,
        )
    )
    free = max(application.capacity - load, 0)
    free_points = min(free * POINTS_PER_FREE_PLACE, MAX_FREE_PLACE_POINTS)
    reasons.append(
        Reason(
            label=_("%(load)d of %(capacity)d places taken")
            % {"load": load, "capacity": application.capacity},
            points=free_points,
            matched=free_points > 0,
        )
    )
    return sum(r.points for r in reasons), reasons


def suggestions(request: MentorRequest, *, now: datetime | None = None) -> list[Suggestion]:
    """Eligible mentors, best first, each with the reasons for their score. Two queries."""
    now = now or timezone.now()
    mentors = list(
        eligible_mentors(request)
        .select_related("user", "cancer_type")
        .prefetch_related("languages")
        .order_by("approved_at", "pk")
    )
    request_languages = {language.pk for language in request.languages.all()}
    ranked = []
    for application in mentors:
        load = application.load  # type: ignore[attr-defined]
        total, reasons = score(
            request,
            application,
            load=load,
            request_languages=request_languages,
            mentor_languages={language.pk for language in application.languages.all()},
            now=now,
        )
        ranked.append(Suggestion(application, total, reasons, load))
    ranked.sort(key=lambda s: -s.score)  # stable: ties keep the longest-approved first
    return ranked


def waiting_requests() -> QuerySet[MentorRequest]:
    return (
        MentorRequest.objects.filter(state=MentorRequest.State.WAITING)
        .select_related("mentee", "cancer_type")
        .annotate(
            open_matches=Count("matches", filter=Q(matches__state__in=Match.OPEN), distinct=True)
        )
        .order_by("created_at", "pk")
    )


def applications_to_screen() -> QuerySet[MentorApplication]:
    return (
        MentorApplication.objects.exclude(state=MentorApplication.State.RETIRED)
        .select_related("user", "cancer_type")
        .annotate(load=_open_load())
        .order_by("state", "created_at", "pk")
    )


def open_matches() -> QuerySet[Match]:
    return (
        Match.objects.filter(state__in=Match.OPEN)
        .select_related("mentor", "mentee", "coordinator")
        .order_by("respond_by", "pk")
    )


def needs_attention() -> tuple[QuerySet[MatchCheckIn], QuerySet[HelpRequest]]:
    """What coordinators are asked to look at: "this isn't working" answers of open matches,
    and help requests not yet resolved."""
    not_working = MatchCheckIn.objects.filter(
        answer=MatchCheckIn.Answer.NOT_WORKING, match__state__in=Match.OPEN
    ).select_related("match__mentor", "match__mentee", "person")
    help_wanted = HelpRequest.objects.filter(resolved_at__isnull=True).select_related(
        "match__mentor", "match__mentee", "asked_by"
    )
    return not_working, help_wanted


def mine(user: User) -> dict[str, object]:
    """A member's own mentoring: their application, their requests, the matches where they
    mentor (their mentees in one place) and where they are mentored, and check-ins waiting."""
    as_mentor = list(
        Match.objects.filter(mentor=user).select_related("mentee").order_by("-proposed_at")
    )
    as_mentee = list(
        Match.objects.filter(mentee=user, introduced_at__isnull=False)
        .select_related("mentor")
        .order_by("-proposed_at")
    )
    return {
        "application": MentorApplication.objects.filter(user=user).first(),
        "waiting": MentorRequest.objects.filter(
            mentee=user, state=MentorRequest.State.WAITING
        ).first(),
        "as_mentor": as_mentor,
        "as_mentee": as_mentee,
        "check_ins": list(
            MatchCheckIn.objects.filter(
                person=user, answered_at__isnull=True, match__state=Match.State.ACTIVE
            ).select_related("match")
        ),
    }
