"""Suggestions: each criterion moves the rank as the selectors' docstring says, the extras
never outweigh a wished criterion, exclusions exclude, and nobody at capacity is suggested."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.mentoring import selectors
from groups.mentoring.models import Avoid, Match, MentorApplication, Stage, Treatment
from supportgroups.models import Block

from .conftest import make_mentor, make_request

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 3, 8, 12, 0, tzinfo=dt.UTC)


def _names(request):
    return [s.application.user.display_name for s in selectors.suggestions(request, now=NOW)]


def _score(request, name):
    return next(
        s
        for s in selectors.suggestions(request, now=NOW)
        if s.application.user.display_name == name
    )


@pytest.mark.parametrize(
    ("weight_field", "matching", "other"),
    [
        ("weight_age", {"age_range": "50s"}, {"age_range": "under_30"}),
        (
            "weight_role",
            {"role": MentorApplication.Role.SURVIVOR},
            {"role": MentorApplication.Role.CAREGIVER},
        ),
        (
            "weight_treatment",
            {"treatments": [Treatment.CHEMOTHERAPY]},
            {"treatments": [Treatment.SURGERY]},
        ),
    ],
)
def test_each_wished_criterion_puts_the_mentor_who_matches_it_first(weight_field, matching, other):
    # "Other" was approved first, so without the wish it would come first.
    make_mentor("Other", **other)
    make_mentor("Matching", **matching)
    request = make_request(treatments=[Treatment.CHEMOTHERAPY])
    assert _names(request) == ["Other", "Matching"]

    setattr(request, weight_field, 2)
    request.save()
    assert _names(request) == ["Matching", "Other"]
    reason_points = [r.points for r in _score(request, "Matching").reasons if r.matched]
    assert 20 in reason_points  # weight 2 × 10


def test_same_cancer_and_same_language_each_count_weight_times_ten(lung, english, spanish):
    make_mentor("Spanish speaker", languages=[spanish])
    make_mentor("Same cancer", cancer_type=lung, languages=[spanish])
    make_mentor("English speaker", languages=[english])
    request = make_request(
        cancer_type=lung, languages=[english], weight_cancer=1, weight_language=3
    )

    assert _names(request) == ["English speaker", "Same cancer", "Spanish speaker"]
    assert _score(request, "English speaker").score - _score(request, "Spanish speaker").score == 30
    assert _score(request, "Same cancer").score - _score(request, "Spanish speaker").score == 10


def test_a_neighbouring_age_band_counts_half():
    make_mentor("Sixties", age_range="60s")
    make_mentor("Seventies", age_range="70_plus")
    request = make_request(age_range="50s", weight_age=2)
    assert _score(request, "Sixties").score - _score(request, "Seventies").score == 10


def test_time_zone_and_free_places_break_ties_but_never_outweigh_a_wish():
    make_mentor("Far away, roomy", time_zone="Pacific/Auckland", capacity=3, age_range="30s")
    make_mentor("Near, full-ish", time_zone="Europe/Paris", capacity=1, age_range="30s")
    make_mentor("Far, same age", time_zone="Pacific/Auckland", capacity=1, age_range="50s")
    request = make_request(age_range="50s", weight_age=1)

    suggestions = selectors.suggestions(request, now=NOW)
    assert [s.application.user.display_name for s in suggestions] == [
        "Far, same age",  # 10 + 0 (zones) + 1 (one free place)
        "Near, full-ish",  # 4 (an hour apart) + 1
        "Far away, roomy",  # 0 + 3 (three free places)
    ]
    near = suggestions[1]
    labels = {r.label: r.points for r in near.reasons}
    assert labels["Time zones 1 hours apart"] == 4
    assert labels["0 of 1 places taken"] == 1


def test_a_mentor_at_capacity_is_not_suggested_and_one_with_room_shows_their_load(coordinator):
    busy = make_mentor("Busy", capacity=1)
    roomy = make_mentor("Roomy", capacity=2)
    for mentor in (busy, roomy):
        Match.objects.create(
            request=make_request(),
            mentor=mentor.user,
            mentee=mentor.user,
            proposed_at=NOW,
            respond_by=NOW,
            state=Match.State.ACTIVE,
        )
    request = make_request()
    suggestions = selectors.suggestions(request, now=NOW)
    assert [(s.application.user.display_name, s.load) for s in suggestions] == [("Roomy", 1)]

    # An ended match frees the place again.
    Match.objects.filter(mentor=busy.user).update(state=Match.State.ENDED)
    assert "Busy" in _names(request)


def test_paused_retired_and_unscreened_mentors_are_not_suggested():
    make_mentor("Approved")
    make_mentor("Paused").__class__.objects.filter(user__display_name="Paused").update(
        state=MentorApplication.State.PAUSED
    )
    make_mentor("Retired").__class__.objects.filter(user__display_name="Retired").update(
        state=MentorApplication.State.RETIRED
    )
    make_mentor("Just applied", approved=False)
    assert _names(make_request()) == ["Approved"]


@pytest.mark.parametrize(
    ("avoid", "fields"),
    [
        (Avoid.RECURRENCE, {"had_recurrence": True}),
        (Avoid.ADVANCED, {"stage": Stage.ADVANCED}),
        (Avoid.BEREAVED, {"role": MentorApplication.Role.CAREGIVER, "person_died": True}),
    ],
)
def test_what_the_person_would_rather_avoid_is_never_suggested(avoid, fields):
    make_mentor("Avoided", **fields)
    make_mentor("Fine")
    assert _names(make_request()) == ["Avoided", "Fine"]
    assert _names(make_request(avoid=[avoid])) == ["Fine"]


def test_the_person_themself_someone_blocked_and_a_mentor_who_declined_are_excluded(coordinator):
    mia = make_mentor("Mia herself").user
    blocked = make_mentor("Blocked")
    declined = make_mentor("Declined")
    make_mentor("Fine")
    request = make_request(mentee=mia)
    Block.objects.create(blocker=blocked.user, blocked=mia)
    Match.objects.create(
        request=request,
        mentor=declined.user,
        mentee=mia,
        proposed_at=NOW,
        respond_by=NOW,
        state=Match.State.DECLINED,
    )
    assert _names(request) == ["Fine"]


def test_suggestions_cost_two_queries_however_many_mentors(english):
    for n in range(6):
        make_mentor(f"Mentor {n}", languages=[english], capacity=2)
    request = make_request(languages=[english], weight_language=3)
    request = type(request).objects.get(pk=request.pk)
    with CaptureQueriesContext(connection) as queries:
        assert len(selectors.suggestions(request, now=NOW)) == 6
    # The mentors with their load, their languages, the request's languages.
    assert len(queries) == 3
