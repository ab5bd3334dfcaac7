"""A group's welcome message with its norms: a new member gets it on coming in (in-app, and by
email as they chose) and sees the norms before their first post in the group."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from forums import services as forum_services
from groups import services, tasks
from groups.models import Membership
from supportgroups.models import Notification, NotificationPreference
from tests.factories import (
    BoardFactory,
    FacilitatorMembershipFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
)

pytestmark = pytest.mark.django_db

NORMS = "What is said here **stays here**. Speak from your own experience."


@pytest.fixture
def group():
    return SupportGroupFactory(name="Evening circle", welcome_message=NORMS)


@pytest.fixture
def facilitator(group):
    return FacilitatorMembershipFactory(group=group).user


def welcomes(user):
    return Notification.objects.filter(
        user=user, title="Welcome to Evening circle: the group's norms"
    )


def test_joining_brings_the_welcome_in_app_then_by_email_once_committed(
    group, monkeypatch, django_capture_on_commit_callbacks
):
    newcomer = UserFactory()
    queued: list[int] = []
    monkeypatch.setattr(tasks.send_welcome_email, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.join(user=newcomer, group=group)
        assert queued == []  # the email task leaves only once the join has committed
    assert membership.is_active
    assert welcomes(newcomer).get().body == NORMS
    assert queued == [membership.pk]
    assert tasks.send_welcome_email(membership.pk) == 1
    (email,) = mail.outbox
    assert email.to == [newcomer.email]
    assert email.subject.endswith("Welcome to Evening circle: the group's norms")
    assert "stays here" in email.body and f"/groups/{group.slug}/" in email.body
    assert "List-Unsubscribe" in email.extra_headers


def test_approval_and_a_place_from_the_waitlist_welcome_too_but_a_request_does_not(
    facilitator,
):
    group = SupportGroupFactory(
        name="Evening circle", welcome_message=NORMS, join_policy="approval", capacity=1
    )
    FacilitatorMembershipFactory(group=group, user=facilitator)
    asker, waiter = UserFactory(), UserFactory()
    first = services.join(user=asker, group=group)
    assert not welcomes(asker).exists()  # asking is not coming in
    services.approve(membership=first, by=facilitator)
    assert welcomes(asker).count() == 1
    second = services.join(user=waiter, group=group)
    services.approve(membership=second, by=facilitator)  # full: the waitlist
    assert not welcomes(waiter).exists()
    services.leave(user=asker, group=group)  # the place passes on
    assert Membership.objects.get(pk=second.pk).is_active
    assert welcomes(waiter).count() == 1


def test_no_welcome_without_a_message_and_no_email_for_who_switched_group_email_off(group):
    quiet = SupportGroupFactory(welcome_message="  ")
    person = UserFactory()
    services.join(user=person, group=quiet)
    assert not Notification.objects.filter(user=person).exists()

    NotificationPreference.objects.create(user=person, kind="group", email=False)
    membership = services.join(user=person, group=group)
    assert welcomes(person).count() == 1  # in-app still
    assert tasks.send_welcome_email(membership.pk) == 0
    assert mail.outbox == []


def test_someone_who_left_before_the_worker_came_gets_no_welcome_email(group):
    person = UserFactory()
    membership = services.join(user=person, group=group)
    services.leave(user=person, group=group)
    assert tasks.send_welcome_email(membership.pk) == 0


def test_norms_shown_on_the_group_page_until_the_member_says_they_have_read_them(group):
    member = UserFactory()
    services.join(user=member, group=group)
    client = client_for(member)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Before you post" in page and "<strong>stays here</strong>" in page
    response = client.post(reverse("groups:norms_read", args=[group.slug]))
    assert response.status_code == 302
    assert "stays here" not in client.get(group.get_absolute_url()).content.decode()


def test_norms_shown_above_the_first_post_form_and_gone_after_the_first_post(group, settings):
    settings.POSTING_RATE_LIMITS = {}
    board = BoardFactory(group=group, slug="evening-circle-board")
    member = UserFactory()
    services.join(user=member, group=group)
    client = client_for(member)
    new_thread = reverse("forums:new_thread", args=[board.slug])
    assert "stays here" in client.get(new_thread).content.decode()
    # A refused post (empty) keeps the norms above the form with the typed title.
    refused = client.post(new_thread, {"title": "Hello all", "body": ""})
    assert refused.status_code == 400 and "stays here" in refused.content.decode()
    written = forum_services.create_thread(author=member, board=board, title="Hi", body="Hello")
    assert "stays here" not in client.get(new_thread).content.decode()
    thread_page = client.get(written.post.thread.get_absolute_url()).content.decode()
    assert "stays here" not in thread_page


def test_facilitators_edit_the_welcome_and_others_are_refused(group, facilitator):
    member = UserFactory()
    services.join(user=member, group=group)
    edit = reverse("groups:edit", args=[group.slug])
    assert client_for(member).post(edit, {"welcome_message": "mine now"}).status_code == 403
    form = client_for(facilitator).get(edit).content.decode()
    assert 'name="welcome_message"' in form


def test_a_member_who_comes_back_sees_the_norms_again(group):
    member = UserFactory()
    services.join(user=member, group=group)
    client_for(member).post(reverse("groups:norms_read", args=[group.slug]))
    services.leave(user=member, group=group)
    services.join(user=member, group=group)
    assert Membership.objects.get(user=member, group=group).norms_seen_at is None
    assert welcomes(member).count() == 2


def test_outsiders_cannot_mark_norms_read(group):
    outsider = UserFactory()
    assert (
        client_for(outsider).post(reverse("groups:norms_read", args=[group.slug])).status_code
        == 404
    )
    assert (
        client_for(outsider).get(reverse("groups:norms_read", args=[group.slug])).status_code == 405
    )


def test_norms_shown_above_the_chat_box_until_the_first_chat_message(group):
    member = UserFactory()
    services.join(user=member, group=group)
    client = client_for(member)
    room = reverse("chat:room", args=[group.slug])
    assert "stays here" in client.get(room).content.decode()
    sent = client.post(room, {"body": "Hello everyone", "client_msg_id": str(uuid.uuid4())})
    assert sent.status_code == 302
    assert "stays here" not in client.get(room).content.decode()
    # Facilitators lead the group: the norms are theirs, never shown to them as a hurdle.
    facilitator = FacilitatorMembershipFactory(group=group).user
    assert "stays here" not in client_for(facilitator).get(room).content.decode()
