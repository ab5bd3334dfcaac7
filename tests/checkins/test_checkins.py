"""Distress check-ins: consent, the threshold opening a facilitator's task exactly once per
check-in, the member's own trend chart, the facilitators' view by name (no ranking), export."""

import datetime as dt

import pytest
from django.urls import reverse

from groups.checkins import services
from groups.checkins.models import CheckIn, CheckInSetup, CheckInTask
from supportgroups.models import Notification
from supportgroups.privacy.export import collect
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    OccurrenceFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
)

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2027, 3, 8, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def group(db):
    group = SupportGroupFactory(name="Tuesday circle")
    CheckInSetup.objects.create(group=group, enabled=True)
    return group


@pytest.fixture
def facilitator(group):
    return FacilitatorMembershipFactory(group=group, user=UserFactory(display_name="Fran")).user


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user=UserFactory(display_name="Marta")).user


def _check_in(person, group, score, *, problems=(), consent=True):
    data = {"score": "" if score is None else str(score), "problems": list(problems)}
    if consent:
        data["consent"] = "on"
    return client_for(person).post(reverse("checkins:check_in", args=[group.slug]), data)


def test_a_score_at_the_threshold_opens_one_task_however_often_it_is_sent(
    time_machine, group, member, facilitator, django_capture_on_commit_callbacks
):
    time_machine.move_to(MONDAY, tick=False)
    assert _check_in(member, group, 3).status_code == 302
    assert CheckInTask.objects.count() == 0  # below the default threshold of 4

    with django_capture_on_commit_callbacks(execute=True):
        assert _check_in(member, group, 4, problems=["family", "physical"]).status_code == 302
        assert _check_in(member, group, 9).status_code == 302  # changed, same week
        services.submit(member=member, group=group, score=7, problems=[], consent=True)
    task = CheckInTask.objects.get()
    assert (task.member, task.group) == (member, group)
    assert CheckIn.objects.count() == 1 and CheckIn.objects.get().score == 7
    told = Notification.objects.filter(user=facilitator)
    assert told.count() == 1 and "7" not in told.get().body

    # Next week is a new check-in, and a new task.
    time_machine.move_to(MONDAY + dt.timedelta(days=7), tick=False)
    _check_in(member, group, 5)
    assert CheckInTask.objects.count() == 2


def test_the_groups_threshold_and_cadence_are_its_own(time_machine, group, member):
    time_machine.move_to(MONDAY, tick=False)
    setup = group.check_in
    setup.threshold, setup.cadence = 8, CheckInSetup.Cadence.BEFORE_MEETING
    setup.save()
    meeting = OccurrenceFactory(series__group=group)
    _check_in(member, group, 7)
    assert CheckIn.objects.get().period == f"meeting-{meeting.pk}"
    assert not CheckInTask.objects.exists()
    _check_in(member, group, 8)
    assert CheckInTask.objects.count() == 1


def test_answers_are_optional_but_consent_is_required(group, member):
    refused = _check_in(member, group, 6, problems=["emotional"], consent=False)
    assert refused.status_code == 400 and not CheckIn.objects.exists()
    assert "Please agree first" in refused.content.decode()
    assert 'value="6" checked' in refused.content.decode().replace("\n", " ") or "checked" in (
        refused.content.decode()
    )
    assert _check_in(member, group, None).status_code == 302  # no score at all: fine, no task
    check_in = CheckIn.objects.get()
    assert check_in.score is None and check_in.consented_at is not None
    assert not CheckInTask.objects.exists()


@pytest.mark.parametrize("score", ["11", "-1", "four", "4\x00", "99999999999999999999"])
def test_strange_scores_are_refused_clearly(group, member, score):
    response = client_for(member).post(
        reverse("checkins:check_in", args=[group.slug]), {"score": score, "consent": "on"}
    )
    assert response.status_code == 400 and not CheckIn.objects.exists()


def test_only_active_members_of_a_group_with_check_ins_on(group, member):
    outsider = UserFactory()
    assert _check_in(outsider, group, 5).status_code == 404
    other = SupportGroupFactory()
    MembershipFactory(group=other, user=member)
    assert _check_in(member, other, 5).status_code == 404  # not turned on there
    assert not CheckIn.objects.exists()


def test_the_member_sees_their_own_trend_as_an_accessible_chart(time_machine, group, member):
    for week, score in enumerate([2, 6, 3]):
        time_machine.move_to(MONDAY + dt.timedelta(days=7 * week), tick=False)
        _check_in(member, group, score)
    page = client_for(member).get(reverse("checkins:check_in", args=[group.slug]))
    html = page.content.decode()
    assert '<svg class="checkin-trend" role="img"' in html
    assert "3 check-ins: 2, 6, 3" in html  # the chart's description
    assert html.count("<circle") == 3 and "<polyline" in html
    # Someone else sees their own (empty) chart, never hers.
    other = MembershipFactory(group=group).user
    assert (
        "<svg"
        not in client_for(other)
        .get(reverse("checkins:check_in", args=[group.slug]))
        .content.decode()
    )


def test_facilitators_see_who_is_above_by_name_not_a_ranking(
    time_machine, group, member, facilitator
):
    time_machine.move_to(MONDAY, tick=False)
    zed = MembershipFactory(group=group, user=UserFactory(display_name="Zed")).user
    amy = MembershipFactory(group=group, user=UserFactory(display_name="amy")).user
    calm = MembershipFactory(group=group, user=UserFactory(display_name="Calm Carl")).user
    _check_in(zed, group, 10)
    _check_in(amy, group, 4, problems=["practical"])
    _check_in(member, group, 6)
    _check_in(calm, group, 1)
    url = reverse("checkins:facilitators", args=[group.slug])
    html = client_for(facilitator).get(url).content.decode()
    assert html.index("amy") < html.index("Marta") < html.index("Zed")  # by name
    assert "Calm Carl" not in html
    for score in ("10", "6"):
        assert f">{score}<" not in html  # no scores to compare
    # Marking one done.
    task = CheckInTask.objects.get(member=amy)
    assert client_for(facilitator).post(url, {"task": task.pk}).status_code == 302
    task.refresh_from_db()
    assert task.done_by == facilitator
    # Members, and facilitators of other groups, see nothing.
    assert client_for(member).get(url).status_code == 403
    elsewhere = FacilitatorMembershipFactory(group=SupportGroupFactory()).user
    assert client_for(elsewhere).get(url).status_code == 403
    assert client_for(elsewhere).post(url, {"task": task.pk}).status_code == 403
    assert client_for(facilitator).post(url, {"task": "x"}).status_code == 404


def test_facilitators_turn_it_on_and_set_the_threshold(facilitator, group):
    url = reverse("checkins:facilitators", args=[group.slug])
    bad = client_for(facilitator).post(
        url, {"setup": "1", "enabled": "on", "cadence": "weekly", "threshold": "11"}
    )
    assert bad.status_code == 400
    ok = client_for(facilitator).post(
        url, {"setup": "1", "enabled": "on", "cadence": "meeting", "threshold": "5"}
    )
    assert ok.status_code == 302
    group.check_in.refresh_from_db()
    assert (group.check_in.cadence, group.check_in.threshold) == ("meeting", 5)


def test_check_ins_are_in_the_export_and_go_with_the_member(group, member):
    _check_in(member, group, 8, problems=["spiritual"])
    exported = collect(user=member)
    assert "week-" in str(exported) and "'spiritual': True" in str(exported)
    from supportgroups.privacy.deletion import delete_account

    delete_account(user=member, remove_content=False)
    assert not CheckIn.objects.exists() and not CheckInTask.objects.exists()
