"""Ending a match: either side or a coordinator, no reason asked; the conversation takes no
new message, and both keep reading its history."""

import uuid

import pytest
from django.urls import reverse

from groups.conversations import services as conversation_services
from groups.mentoring import services
from groups.mentoring.models import Match
from groups.policy import WriteRefused
from supportgroups.models import Notification
from tests.factories import UserFactory, client_for

from .conftest import make_mentor, make_request, walk_to_active

pytestmark = pytest.mark.django_db


@pytest.fixture
def match(coordinator):
    mentor = make_mentor("Mentor Max").user
    request = make_request(mentee=UserFactory(display_name="Mentee Mia"))
    match = walk_to_active(request, mentor, coordinator, body="Meet each other")
    conversation_services.post_message(
        conversation=match.conversation,
        author=match.mentee,
        body="Thank you for doing this",
        client_msg_id=uuid.uuid4(),
    )
    return match


@pytest.mark.parametrize("who", ["mentor", "mentee", "coordinator"])
def test_ending_closes_the_conversation_but_keeps_its_history_for_both(
    who, match, coordinator, django_capture_on_commit_callbacks
):
    ender = {"mentor": match.mentor, "mentee": match.mentee, "coordinator": coordinator}[who]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ender).post(reverse("mentoring:end", args=[match.pk]))
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.state, match.ended_by) == (Match.State.ENDED, ender)

    for person in (match.mentor, match.mentee):
        page = client_for(person).get(match.conversation.get_absolute_url())
        assert page.status_code == 200
        text = page.content.decode()
        assert "Thank you for doing this" in text and "Meet each other" in text
        assert "This conversation has ended." in text
        with pytest.raises(WriteRefused) as refused:
            conversation_services.post_message(
                conversation=match.conversation,
                author=person,
                body="One more thing",
                client_msg_id=uuid.uuid4(),
            )
        assert refused.value.verdict.code == "ended"
        # The form's post is refused too, keeping the words.
        response = client_for(person).post(
            match.conversation.get_absolute_url(),
            {"body": "One more thing", "client_msg_id": str(uuid.uuid4())},
        )
        assert response.status_code == 403
    told = set(Notification.objects.filter(title__contains="ended").values_list("user", flat=True))
    assert ender.pk not in told
    assert told == {match.mentor.pk, match.mentee.pk} - {ender.pk}


def test_someone_else_cannot_end_it_and_it_ends_once(match):
    stranger = UserFactory()
    response = client_for(stranger).post(reverse("mentoring:end", args=[match.pk]))
    assert response.status_code == 404
    services.end(match=match, by=match.mentor)
    with pytest.raises(WriteRefused):
        services.end(match=match, by=match.mentee)


def test_the_mentor_asks_the_coordinator_for_help_privately(
    match, coordinator, django_capture_on_commit_callbacks
):
    Notification.objects.all().delete()
    url = reverse("mentoring:help", args=[match.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(match.mentor).post(url, {"note": "She mentioned feeling hopeless"})
    assert response.status_code == 302
    assert list(Notification.objects.values_list("user", flat=True)) == [coordinator.pk]
    assert (
        "She mentioned feeling hopeless"
        in client_for(coordinator).get(reverse("mentoring:coordinate")).content.decode()
    )
    # The mentee is not the one to ask here; the note never reaches them.
    assert client_for(match.mentee).post(url, {"note": "x"}).status_code == 403
    page = client_for(match.mentee).get(reverse("mentoring:match", args=[match.pk]))
    assert "hopeless" not in page.content.decode()


def test_the_conversation_page_offers_help_to_the_mentor_and_ending_to_both(match):
    mentor_page = client_for(match.mentor).get(match.conversation.get_absolute_url())
    text = mentor_page.content.decode()
    assert "Ask the coordinator for help" in text and "End this match" in text
    assert "Leave this conversation" not in text  # ending the match is the way out
    mentee_text = client_for(match.mentee).get(match.conversation.get_absolute_url()).content
    assert b"End this match" in mentee_text and b"Ask the coordinator for help" not in mentee_text


def test_a_mentoring_conversation_is_ended_not_left(match):
    """Leaving would leave the match open with one side gone: the page's post is refused with
    the reason, and both stay in it."""
    page = client_for(match.mentee).post(
        reverse("conversations:leave", args=[match.conversation.pk]), follow=True
    )
    assert "This conversation cannot be left." in page.content.decode()
    assert match.conversation.participants.filter(state="active", role="member").count() == 2
