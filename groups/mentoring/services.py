"""Writes for mentoring. Each checks its rule (permissions, groups.policy for anyone adding
words) under the row's lock, and tells people after the commit. Nobody is matched by the
software: a coordinator proposes, the mentor accepts, a coordinator introduces.

Refusals raise groups.policy.WriteRefused carrying the reason, which views show beside what
the person typed; a model's own validation raises ValidationError.
"""

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import policy
from groups.conversations import services as conversations
from groups.models import Language
from groups.policy import Verdict, WriteRefused, require
from supportgroups.models import User
from supportgroups.ratelimits import require_within

from . import notifications, permissions, selectors
from .models import HelpRequest, Match, MatchCheckIn, MentorApplication, MentorRequest

State = Match.State
# What a person fills in, in the order the forms ask it (their languages too, set apart: many
# to many).
APPLICATION_FIELDS = (
    "role",
    "cancer_type",
    "stage",
    "treatments",
    "had_recurrence",
    "person_died",
    "age_range",
    "time_zone",
    "capacity",
    "comfortable_topics",
    "uncomfortable_topics",
)
REQUEST_FIELDS = (
    "topics",
    "role",
    "cancer_type",
    "stage",
    "treatments",
    "age_range",
    "time_zone",
    "weight_cancer",
    "weight_age",
    "weight_role",
    "weight_language",
    "weight_treatment",
    "avoid",
)


def _refuse(code: str, reason: str) -> WriteRefused:
    return WriteRefused(Verdict(allowed=False, code=code, reason=reason))


def _require_coordinator(user: User) -> None:
    if not permissions.is_coordinator(user):
        raise _refuse("forbidden", _("Only a mentoring coordinator can do that."))


def _check_rate(user: User, what: str) -> None:
    require_within(
        f"mentoring:{what}:{user.pk}",
        limit=10,
        window=3600,
        refusal=_refuse("rate_limited", _("Please wait a little; what you wrote is kept here.")),
    )


def _fill(
    row: MentorApplication | MentorRequest, names: tuple[str, ...], data: Mapping[str, Any]
) -> None:
    for name in names:
        if name in data:
            setattr(row, name, data[name])
    row.full_clean(exclude=["user", "mentee"])


def _locked_application(pk: int) -> MentorApplication:
    return MentorApplication.objects.select_for_update().get(pk=pk)


@transaction.atomic
def apply(
    *, user: User, data: Mapping[str, Any], languages: Iterable[Language]
) -> MentorApplication:
    """A survivor or caregiver applies to mentor, or updates their application (an approved
    or paused mentor keeps their state; a retired one applies afresh)."""
    require(policy.conversation_verdict(user, None))
    _check_rate(user, "apply")
    application = MentorApplication.objects.select_for_update().filter(
        user=user
    ).first() or MentorApplication(user=user)
    _fill(application, APPLICATION_FIELDS, data)
    if application.state == MentorApplication.State.RETIRED:
        application.state = MentorApplication.State.APPLIED
    application.save()
    application.languages.set(list(languages))
    return application


@transaction.atomic
def record_checklist(
    *, application: MentorApplication, by: User, interview: bool, training: bool, agreement: bool
) -> MentorApplication:
    """The coordinator ticks (or unticks) the screening steps; a ticked step keeps its date."""
    _require_coordinator(by)
    application = _locked_application(application.pk)
    now = timezone.now()
    for field, done in (
        ("interview_done_at", interview),
        ("training_done_at", training),
        ("agreement_signed_at", agreement),
    ):
        current = getattr(application, field)
        setattr(application, field, (current or now) if done else None)
    application.screened_by = by
    application.save()
    return application


@transaction.atomic
def set_mentor_state(*, application: MentorApplication, by: User, state: str) -> MentorApplication:
    """Approve (once the checklist is done), pause or retire a mentor. Paused and retired
    mentors are not suggested, and an offer they have not answered is declined for them (the
    coordinator is told, and the request can go to someone else); their active matches go on
    until someone ends them."""
    _require_coordinator(by)
    application = _locked_application(application.pk)
    if state not in MentorApplication.State.values or state == MentorApplication.State.APPLIED:
        raise _refuse("bad_request", _("Choose one of the options."))
    if state == MentorApplication.State.APPROVED and not application.checklist_done:
        raise _refuse(
            "checklist",
            _("Approve a mentor once the interview, the training and the agreement are done."),
        )
    application.state = state
    if state == MentorApplication.State.APPROVED and application.approved_at is None:
        application.approved_at = timezone.now()
    application.screened_by = by
    application.save()
    if state != MentorApplication.State.APPROVED:
        offers = Match.objects.select_for_update(of=("self",)).select_related("coordinator")
        for match in offers.filter(mentor_id=application.user_id, state=State.PROPOSED):
            match.state, match.responded_at = State.DECLINED, timezone.now()
            match.save(update_fields=["state", "responded_at"])
            transaction.on_commit(partial(notifications.answered, match), robust=True)
    return application


def ask(*, mentee: User, data: Mapping[str, Any], languages: Iterable[Language]) -> MentorRequest:
    """A member asks for a mentor. One waiting request at a time."""
    require(policy.conversation_verdict(mentee, None))
    request = MentorRequest(mentee=mentee)
    _fill(request, REQUEST_FIELDS, data)
    try:
        with transaction.atomic():
            _check_rate(mentee, "ask")
            request.save()
            request.languages.set(list(languages))
            transaction.on_commit(notifications.request_waiting, robust=True)
    except IntegrityError:
        raise _refuse(
            "waiting", _("You have asked already. A coordinator is looking for a mentor for you.")
        ) from None
    return request


@transaction.atomic
def withdraw(*, request: MentorRequest, by: User) -> MentorRequest:
    """The member no longer wants a mentor; an offer not yet introduced ends with it."""
    request = MentorRequest.objects.select_for_update().get(pk=request.pk)
    if request.mentee_id != by.pk or request.state != MentorRequest.State.WAITING:
        raise _refuse("not_found", _("There is no request of yours waiting."))
    request.state = MentorRequest.State.WITHDRAWN
    request.save(update_fields=["state"])
    Match.objects.filter(request=request, state__in=[State.PROPOSED, State.ACCEPTED]).update(
        state=State.ENDED, ended_at=timezone.now(), ended_by=by
    )
    return request


@transaction.atomic
def propose(*, request: MentorRequest, mentor: User, by: User) -> Match:
    """A coordinator offers the request to one mentor, who answers before `respond_by`."""
    _require_coordinator(by)
    request = MentorRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != MentorRequest.State.WAITING:
        raise _refuse("not_waiting", _("This request is no longer waiting."))
    if Match.objects.filter(request=request, state__in=Match.OPEN).exists():
        raise _refuse("open", _("This request is already offered to a mentor."))
    # The mentor's row is locked so two coordinators cannot fill their last place at once.
    application = MentorApplication.objects.select_for_update().filter(user=mentor).first()
    if (
        application is None
        or not selectors.eligible_mentors(request).filter(pk=application.pk).exists()
    ):
        raise _refuse("not_eligible", _("This mentor cannot be offered this request."))
    now = timezone.now()
    match = Match.objects.create(
        request=request,
        mentor=mentor,
        mentee=request.mentee,
        coordinator=by,
        proposed_at=now,
        respond_by=now + settings.MENTORING_OFFER_FOR,
    )
    transaction.on_commit(lambda: notifications.offered(match), robust=True)
    return match


def _locked_match(match: Match) -> Match:
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("mentor", "mentee", "coordinator", "conversation")
        .get(pk=match.pk)
    )


def _expire(match: Match) -> None:
    match.state = State.EXPIRED
    match.save(update_fields=["state"])
    transaction.on_commit(lambda: notifications.expired(match), robust=True)


def respond(*, match: Match, by: User, accept: bool) -> Match:
    """The mentor accepts or declines an offer, in time."""
    with transaction.atomic():
        match = _locked_match(match)
        if match.mentor_id != by.pk or match.state != State.PROPOSED:
            raise _refuse("not_found", _("There is no offer waiting for you here."))
        if timezone.now() >= match.respond_by:
            _expire(match)
            expired = True
        else:
            expired = False
            if accept:
                require(policy.account_verdict(by))
            match.state = State.ACCEPTED if accept else State.DECLINED
            match.responded_at = timezone.now()
            match.save(update_fields=["state", "responded_at"])
            transaction.on_commit(lambda: notifications.answered(match), robust=True)
    if expired:
        raise _refuse("expired", _("The time to answer this offer has passed."))
    return match


def default_introduction(match: Match) -> str:
    return _(
        "Hello %(mentee)s and %(mentor)s,\n\n"
        "I am glad to introduce you to each other. %(mentor)s has offered to be a mentor, and "
        "%(mentee)s would like to talk with someone who has been there. Take your time: there "
        "is no right way to start. Either of you can end the match at any time, without "
        "explaining, and I am here if you need me."
    ) % {"mentee": match.mentee.display_name, "mentor": match.mentor.display_name}


def introduce(*, match: Match, by: User, body: object, client_msg_id: uuid.UUID) -> Match:
    """A coordinator introduces an accepted match in a private conversation between mentor
    and mentee, opening with the coordinator's (edited) message. Screened like every message."""
    _require_coordinator(by)
    with transaction.atomic():
        match = _locked_match(match)
        if match.state != State.ACCEPTED:
            raise _refuse("not_accepted", _("Only an accepted match can be introduced."))
        result = conversations.introduce(
            introducer=by,
            people=[match.mentor, match.mentee],
            subject=_("Mentoring"),
            body=body,
            client_msg_id=client_msg_id,
        )
        match.conversation = result.message.conversation
        match.state, match.introduced_at = State.ACTIVE, timezone.now()
        match.save(update_fields=["conversation", "state", "introduced_at"])
        MentorRequest.objects.filter(pk=match.request_id).update(state=MentorRequest.State.MATCHED)
        transaction.on_commit(lambda: notifications.introduced(match), robust=True)
    return match


def end(*, match: Match, by: User) -> Match:
    """Either side or a coordinator ends the match, no reason asked. The conversation stays
    readable for both and takes no new message."""
    with transaction.atomic():
        match = _locked_match(match)
        if not permissions.can_end(by, match):
            raise _refuse("forbidden", _("This match cannot be ended by you now."))
        match.state, match.ended_at, match.ended_by = State.ENDED, timezone.now(), by
        match.save(update_fields=["state", "ended_at", "ended_by"])
        if match.conversation is not None:
            conversations.end(conversation=match.conversation)
        transaction.on_commit(lambda: notifications.ended(match, by=by), robust=True)
    return match


def expire_offers(*, now: datetime | None = None) -> int:
    """Beat: offers not answered by `respond_by` expire, once each (the row lock and the
    state check make a second scan a no-op)."""
    now = now or timezone.now()
    expired = 0
    due = Match.objects.filter(state=State.PROPOSED, respond_by__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            match = (
                Match.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(pk=pk, state=State.PROPOSED)
                .select_related("coordinator")
                .first()
            )
            if match is not None:
                _expire(match)
                expired += 1
    return expired


def _due_weeks(introduced_at: datetime, now: datetime) -> list[int]:
    return [
        w for w in settings.MENTORING_CHECK_IN_WEEKS if introduced_at + timedelta(weeks=w) <= now
    ]


def ask_check_ins(*, now: datetime | None = None) -> int:
    """Beat: ask both sides of each active match how it is going, at each of
    MENTORING_CHECK_IN_WEEKS after the introduction, exactly once: the (match, person, week)
    row is the claim, so a second scan or a second worker creates nothing and tells nobody."""
    now = now or timezone.now()
    weeks = sorted(settings.MENTORING_CHECK_IN_WEEKS)
    expected = Q()
    for i, week in enumerate(weeks):
        reached = Q(introduced_at__lte=now - timedelta(weeks=week))
        if i + 1 < len(weeks):
            reached &= Q(introduced_at__gt=now - timedelta(weeks=weeks[i + 1]))
        expected |= reached & Q(asked__lt=2 * (i + 1))
    matches = (
        Match.objects.filter(state=State.ACTIVE, introduced_at__lte=now - timedelta(weeks=weeks[0]))
        .annotate(asked=Count("check_ins"))
        .filter(expected)
        .select_related("mentor", "mentee")
    )
    asked = 0
    for match in matches:
        assert match.introduced_at is not None  # active matches were introduced
        for week in _due_weeks(match.introduced_at, now):
            for person in (match.mentor, match.mentee):
                check_in, created = MatchCheckIn.objects.get_or_create(
                    match=match, person=person, week=week, defaults={"asked_at": now}
                )
                if created:
                    url = reverse("mentoring:check_in", args=[check_in.pk])
                    notifications.check_in_asked(match, person, url)
                    asked += 1
    return asked


@transaction.atomic
def answer_check_in(*, check_in: MatchCheckIn, by: User, answer: str, note: object) -> MatchCheckIn:
    """A side answers "how is it going?". "This isn't working" goes to the coordinator only
    (the other side is never told)."""
    check_in = (
        MatchCheckIn.objects.select_for_update(of=("self",))
        .select_related("match__coordinator")
        .get(pk=check_in.pk)
    )
    if check_in.person_id != by.pk:
        raise _refuse("not_found", _("This check-in is not yours."))
    if check_in.match.state != State.ACTIVE:
        raise _refuse("ended", _("This match has ended, so there is nothing to answer."))
    if answer not in MatchCheckIn.Answer.values:
        raise _refuse("bad_request", _("Choose one of the answers."))
    text = conversations.clean_text(note, limit=2000, required=False)
    newly_not_working = answer == MatchCheckIn.Answer.NOT_WORKING and check_in.answer != answer
    check_in.answer, check_in.note, check_in.answered_at = answer, text, timezone.now()
    check_in.save(update_fields=["answer", "note", "answered_at"])
    if newly_not_working:
        match = check_in.match
        transaction.on_commit(
            lambda: notifications.needs_coordinator(
                match, title=_("A mentoring match may not be working")
            ),
            robust=True,
        )
    return check_in


@transaction.atomic
def ask_for_help(*, match: Match, by: User, note: object) -> HelpRequest:
    """The mentor asks the coordinator for help, from the match or its conversation."""
    match = _locked_match(match)
    if match.mentor_id != by.pk or match.state != State.ACTIVE:
        raise _refuse("forbidden", _("Only the mentor of an active match can ask here."))
    require(policy.account_verdict(by))
    text = conversations.clean_text(note, limit=2000, required=True)
    _check_rate(by, "help")
    help_request = HelpRequest.objects.create(match=match, asked_by=by, note=text)
    transaction.on_commit(
        lambda: notifications.needs_coordinator(
            match, title=_("A mentor asks the coordinator for help")
        ),
        robust=True,
    )
    return help_request


@transaction.atomic
def resolve_help(*, help_request: HelpRequest, by: User) -> HelpRequest:
    _require_coordinator(by)
    help_request = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if help_request.resolved_at is None:
        help_request.resolved_at, help_request.resolved_by = timezone.now(), by
        help_request.save(update_fields=["resolved_at", "resolved_by"])
    return help_request
