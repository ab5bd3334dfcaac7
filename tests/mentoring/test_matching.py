"""The match's life: a coordinator proposes, the mentor accepts or declines in time (or the
offer expires at the beat's scan), a coordinator introduces them in a private conversation
that opens with the coordinator's edited message, and nothing is matched without a person."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from groups.conversations import permissions as conversation_permissions
from groups.conversations.models import Message
from groups.mentoring import services
from groups.mentoring.models import Match, MentorRequest
from groups.policy import WriteRefused
from supportgroups.models import Notification
from tests.factories import UserFactory, client_for

from .conftest import make_mentor, make_request, walk_to_active

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2027, 3, 8, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def mentor(db):
    return make_mentor("Mentor Max").user


@pytest.fixture
def request_(db):
    return make_request(mentee=UserFactory(display_name="Mentee Mia"))


def test_asking_makes_a_waiting_request_and_nobody_is_matched_by_itself(
    coordinator, mentor, django_capture_on_commit_callbacks
):
    mia = UserFactory(display_name="Mentee Mia")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.ask(
            mentee=mia,
            data={"role": "patient", "age_range": "40s", "time_zone": "UTC", "topics": "Scans"},
            languages=[],
        )
    assert request.state == MentorRequest.State.WAITING
    assert not Match.objects.exists()
    assert Notification.objects.filter(user=coordinator, title__contains="asking").exists()

    with pytest.raises(WriteRefused) as refused:
        services.ask(
            mentee=mia,
            data={"role": "patient", "age_range": "40s", "time_zone": "UTC", "topics": "Again"},
            languages=[],
        )
    assert refused.value.verdict.code == "waiting"


def test_accepting_then_introducing_opens_a_conversation_for_the_two_of_them(
    coordinator, mentor, request_, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        match = services.propose(request=request_, mentor=mentor, by=coordinator)
    assert match.state == Match.State.PROPOSED
    assert Notification.objects.filter(user=mentor, url=reverse("mentoring:match", args=[match.pk]))
    # The mentee hears nothing of an offer, and cannot open it.
    assert not Notification.objects.filter(user=request_.mentee).exists()
    assert (
        client_for(request_.mentee).get(reverse("mentoring:match", args=[match.pk])).status_code
        == 404
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.respond(match=match, by=mentor, accept=True)
    match.refresh_from_db()
    assert match.state == Match.State.ACCEPTED
    assert Notification.objects.filter(user=coordinator, title__contains="accepted").exists()

    with django_capture_on_commit_callbacks(execute=True):
        match = services.introduce(
            match=match,
            by=coordinator,
            body="Max, meet Mia. Mia, meet Max.",
            client_msg_id=uuid.uuid4(),
        )
    assert match.state == Match.State.ACTIVE
    request_.refresh_from_db()
    assert request_.state == MentorRequest.State.MATCHED
    conversation = match.conversation
    first = Message.objects.get(conversation=conversation)
    assert (first.author, first.body, first.from_team) == (
        coordinator,
        "Max, meet Mia. Mia, meet Max.",
        True,
    )
    for person in (mentor, request_.mentee):
        assert conversation_permissions.write_verdict(person, conversation)
        page = client_for(person).get(conversation.get_absolute_url())
        assert "Max, meet Mia." in page.content.decode()
        assert "Introduction</span>" in page.content.decode()  # not "Facilitator"
        assert Notification.objects.filter(user=person, title="You have been introduced").exists()
    # The coordinator wrote the first words and reads nothing after.
    assert not conversation_permissions.read_verdict(coordinator, conversation)
    assert client_for(coordinator).get(conversation.get_absolute_url()).status_code == 404


def test_the_coordinator_can_edit_the_first_message_on_the_match_page(
    coordinator, mentor, request_
):
    match = services.propose(request=request_, mentor=mentor, by=coordinator)
    services.respond(match=match, by=mentor, accept=True)
    client = client_for(coordinator)
    page = client.get(reverse("mentoring:match", args=[match.pk])).content.decode()
    assert "I am glad to introduce you to each other" in page  # the default, to edit

    response = client.post(
        reverse("mentoring:introduce", args=[match.pk]),
        {"body": "My own words for you both", "client_msg_id": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.conversation.messages.get().body == "My own words for you both"


def test_an_empty_or_unstorable_first_message_keeps_the_match_waiting(
    coordinator, mentor, request_
):
    match = services.propose(request=request_, mentor=mentor, by=coordinator)
    services.respond(match=match, by=mentor, accept=True)
    url = reverse("mentoring:introduce", args=[match.pk])
    response = client_for(coordinator).post(url, {"body": "Hello\x00there"})
    assert response.status_code in (400, 403)
    assert "Hello" in response.content.decode()  # what was typed comes back
    match.refresh_from_db()
    assert match.state == Match.State.ACCEPTED and match.conversation is None


def test_declining_leaves_the_request_waiting_and_that_mentor_out_of_its_suggestions(
    coordinator, mentor, request_
):
    match = services.propose(request=request_, mentor=mentor, by=coordinator)
    services.respond(match=match, by=mentor, accept=False)
    match.refresh_from_db()
    request_.refresh_from_db()
    assert match.state == Match.State.DECLINED
    assert request_.state == MentorRequest.State.WAITING
    from groups.mentoring.selectors import suggestions

    assert mentor not in [s.application.user for s in suggestions(request_)]
    with pytest.raises(WriteRefused):  # a decline is final
        services.respond(match=match, by=mentor, accept=True)


def test_an_offer_not_answered_in_time_expires_once_at_the_scan(
    time_machine, coordinator, mentor, request_, settings, django_capture_on_commit_callbacks
):
    settings.MENTORING_OFFER_FOR = dt.timedelta(hours=72)
    time_machine.move_to(MONDAY, tick=False)
    match = services.propose(request=request_, mentor=mentor, by=coordinator)

    time_machine.move_to(MONDAY + dt.timedelta(hours=71), tick=False)
    assert services.expire_offers() == 0

    time_machine.move_to(MONDAY + dt.timedelta(hours=72), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_offers() == 1
        assert services.expire_offers() == 0  # a second scan changes nothing
    match.refresh_from_db()
    assert match.state == Match.State.EXPIRED
    assert (
        Notification.objects.filter(user=coordinator, title__contains="not answered").count() == 1
    )
    with pytest.raises(WriteRefused):
        services.respond(match=match, by=mentor, accept=True)
    # The request can be offered to someone else.
    other = make_mentor("Mentor Nina").user
    assert services.propose(request=request_, mentor=other, by=coordinator).state == "proposed"


def test_accepting_after_the_deadline_but_before_the_scan_expires_it(
    time_machine, coordinator, mentor, request_
):
    time_machine.move_to(MONDAY, tick=False)
    match = services.propose(request=request_, mentor=mentor, by=coordinator)
    time_machine.move_to(MONDAY + dt.timedelta(days=4), tick=False)
    with pytest.raises(WriteRefused) as refused:
        services.respond(match=match, by=mentor, accept=True)
    assert refused.value.verdict.code == "expired"
    match.refresh_from_db()
    assert match.state == Match.State.EXPIRED


def test_only_a_coordinator_proposes_and_only_the_mentor_answers(coordinator, mentor, request_):
    staff_without_mfa = UserFactory(is_staff=True)
    for person in (request_.mentee, mentor, staff_without_mfa):
        with pytest.raises(WriteRefused):
            services.propose(request=request_, mentor=mentor, by=person)
    match = services.propose(request=request_, mentor=mentor, by=coordinator)
    for person in (request_.mentee, coordinator):
        with pytest.raises(WriteRefused):
            services.respond(match=match, by=person, accept=True)
    # One open offer per request.
    with pytest.raises(WriteRefused):
        services.propose(request=request_, mentor=make_mentor("Mentor Nina").user, by=coordinator)


def test_proposing_a_mentor_who_is_not_suggested_is_refused(coordinator, request_):
    full = make_mentor("Full", capacity=1)
    walk_to_active(make_request(), full.user, coordinator)
    with pytest.raises(WriteRefused) as refused:
        services.propose(request=request_, mentor=full.user, by=coordinator)
    assert refused.value.verdict.code == "not_eligible"
    unscreened = make_mentor("Unscreened", approved=False)
    with pytest.raises(WriteRefused):
        services.propose(request=request_, mentor=unscreened.user, by=coordinator)


def test_approval_waits_for_the_whole_checklist(coordinator):
    application = make_mentor("New", approved=False)
    with pytest.raises(WriteRefused) as refused:
        services.set_mentor_state(application=application, by=coordinator, state="approved")
    assert refused.value.verdict.code == "checklist"
    services.record_checklist(
        application=application, by=coordinator, interview=True, training=True, agreement=True
    )
    approved = services.set_mentor_state(application=application, by=coordinator, state="approved")
    assert approved.state == "approved" and approved.approved_at is not None
    paused = services.set_mentor_state(application=application, by=coordinator, state="paused")
    assert paused.state == "paused"
    with pytest.raises(WriteRefused):
        services.set_mentor_state(application=application, by=application.user, state="approved")


def test_pausing_a_mentor_declines_the_offer_they_have_not_answered(
    coordinator, mentor, request_, django_capture_on_commit_callbacks
):
    match = services.propose(request=request_, mentor=mentor, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_mentor_state(
            application=mentor.mentor_application, by=coordinator, state="paused"
        )
    match.refresh_from_db()
    assert match.state == Match.State.DECLINED
    assert Notification.objects.filter(user=coordinator, title__contains="could not take").exists()
    with pytest.raises(WriteRefused):
        services.respond(match=match, by=mentor, accept=True)
    other = make_mentor("Mentor Nina").user
    assert services.propose(request=request_, mentor=other, by=coordinator).state == "proposed"
