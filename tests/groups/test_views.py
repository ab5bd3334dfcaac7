"""Pages people click through: the group page's button, joining, My groups, facilitator tools,
with their query counts and their answers to bad input."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups import invitations
from groups.models import Membership
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail(client, group) -> str:
    return client.get(group.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("group_kwargs", "label"),
    [
        ({"join_policy": "open"}, ">Join<"),
        ({"join_policy": "approval"}, "Request to join"),
        ({"join_policy": "open", "capacity": 0}, "Join waitlist"),
        ({"join_policy": "invitation"}, "by invitation only"),
        ({"is_archived": True}, "archived and no longer takes new members"),
    ],
)
def test_group_page_button_matches_the_group(member_client, group_kwargs, label):
    assert label in detail(member_client, SupportGroupFactory(**group_kwargs))


@pytest.mark.parametrize(
    ("state", "label"),
    [
        ("active", "Leave"),
        ("pending", "Withdraw request"),
        ("waitlisted", "Leave the waitlist"),
        ("removed", "removed you from this group"),
    ],
)
def test_group_page_button_matches_the_persons_state(user, member_client, state, label):
    group = SupportGroupFactory(join_policy="approval")
    MembershipFactory(group=group, user=user, state=state)
    body = detail(member_client, group)
    assert label in body
    assert "Request to join" not in body


def test_anonymous_visitor_is_asked_to_sign_in():
    group = SupportGroupFactory()
    assert "Sign in to join" in detail(Client(), group)


def test_join_then_join_again_is_idempotent_with_a_message(user, member_client):
    group = SupportGroupFactory(join_policy="open")
    join_url = reverse("groups:join", kwargs={"slug": group.slug})
    member_client.post(join_url)
    response = member_client.post(join_url, follow=True)
    assert Membership.objects.filter(user=user, group=group).count() == 1
    assert "You are a member of this group" in response.content.decode()


def test_join_on_archived_group_is_refused_with_a_message(user, member_client):
    group = SupportGroupFactory(is_archived=True)
    url = reverse("groups:join", kwargs={"slug": group.slug})
    response = member_client.post(url, follow=True)
    assert response.status_code == 200
    assert "archived and no longer takes new members" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_request_form_with_screening_questions_keeps_the_typed_text(user, member_client):
    group = SupportGroupFactory(
        join_policy="approval", screening_questions="When were you diagnosed?\nWhy now?"
    )
    url = reverse("groups:join", kwargs={"slug": group.slug})
    response = member_client.post(url, {"note": "Hello there", "answer_0": "In spring"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hello there" in body and "In spring" in body
    assert "This field is required" in body
    assert not Membership.objects.filter(user=user).exists()

    member_client.post(url, {"note": "Hello there", "answer_0": "In spring", "answer_1": "Ready"})
    membership = Membership.objects.get(user=user, group=group)
    assert membership.state == "pending"
    assert membership.screening_answers == {
        "When were you diagnosed?": "In spring",
        "Why now?": "Ready",
    }


def test_leave_asks_then_leaves(user, member_client):
    group = SupportGroupFactory()
    MembershipFactory(group=group, user=user)
    url = reverse("groups:leave", kwargs={"slug": group.slug})
    assert "Yes, leave" in member_client.get(url).content.decode()
    member_client.post(url)
    assert Membership.objects.get(user=user, group=group).state == "left"


def test_my_groups_lists_memberships_with_their_state(user, member_client):
    MembershipFactory(user=user, group=SupportGroupFactory(name="Alpha"), state="active")
    MembershipFactory(user=user, group=SupportGroupFactory(name="Beta"), state="pending")
    MembershipFactory(user=user, group=SupportGroupFactory(name="Gamma"), state="left")
    body = member_client.get(reverse("groups:mine")).content.decode()
    assert "Alpha" in body and "Beta" in body and "Waiting for approval" in body
    assert "Gamma" not in body


def test_group_page_query_count_is_constant(django_assert_num_queries):
    group = SupportGroupFactory(description="**Warm** welcome <script>alert(1)</script>")
    member = MembershipFactory(group=group, last_active_at=timezone.now()).user
    FacilitatorMembershipFactory(group=group)
    client = logged_in(member)
    # session, user, group, its cancer types, audiences and languages (one query), the
    # viewer's membership (which the board panel reuses), the facilitators, the next meetings,
    # the resources panel and the announcements pinned for members (the header's unread count
    # and moderation link are worked out at sign-in and kept): 9, and the same however big the
    # group grows.
    with CaptureQueriesContext(connection) as small:
        body = detail(client, group)
    assert len(small) == 9, "\n".join(q["sql"] for q in small)
    assert "<strong>Warm</strong>" in body and "<script>alert" not in body
    for _ in range(5):
        FacilitatorMembershipFactory(group=group)
        MembershipFactory(group=group)
    with django_assert_num_queries(len(small)):
        detail(client, group)


def test_members_page_query_count_is_constant(django_assert_num_queries):
    group = SupportGroupFactory()
    member = MembershipFactory(group=group).user
    client = logged_in(member)
    url = reverse("groups:members", kwargs={"slug": group.slug})
    # session, user, group, the viewer's membership, the members with their display names (the
    # header's unread count and moderation link are worked out at sign-in and kept).
    with django_assert_num_queries(5):
        client.get(url)
    MembershipFactory.create_batch(6, group=group)
    with django_assert_num_queries(5):
        body = client.get(url).content.decode()
    assert body.count("<li>") >= 7


def test_manage_page_query_count_is_constant(django_assert_num_queries):
    group = SupportGroupFactory(capacity=50, join_policy="approval")
    facilitator = FacilitatorMembershipFactory(group=group).user
    client = logged_in(facilitator)
    url = reverse("groups:manage", kwargs={"slug": group.slug})

    def add_people():
        MembershipFactory(group=group)
        MembershipFactory(group=group, state="pending", screening_answers={"Q": "A"})
        MembershipFactory(group=group, state="waitlisted")
        invitations.create(group=group, by=facilitator, invitee=UserFactory())
        invitations.create(group=group, by=facilitator)

    add_people()
    # session, user, group, the viewer's membership, free places, pending requests, waitlist,
    # members, history, open invitations (the header's unread count and moderation link are
    # worked out at sign-in and kept).
    with django_assert_num_queries(10):
        client.get(url)
    for _ in range(4):
        add_people()
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200


def test_facilitator_approves_with_a_message_and_the_member_is_told():
    group = SupportGroupFactory(join_policy="approval")
    facilitator = FacilitatorMembershipFactory(group=group).user
    applicant = MembershipFactory(group=group, state="pending", join_note="Hi all")
    client = logged_in(facilitator)
    manage = client.get(reverse("groups:manage", kwargs={"slug": group.slug})).content.decode()
    assert "Hi all" in manage
    url = reverse(
        "groups:decide",
        kwargs={"slug": group.slug, "membership_id": applicant.pk, "action": "approve"},
    )
    client.post(url, {"message": "Welcome aboard"})
    applicant.refresh_from_db()
    assert applicant.state == "active"
    assert applicant.user.notifications.filter(body="Welcome aboard").exists()


def test_quiet_members_are_marked():
    group = SupportGroupFactory()
    facilitator = FacilitatorMembershipFactory(group=group, last_active_at=timezone.now()).user
    MembershipFactory(
        group=group,
        user=UserFactory(display_name="Quiet Quinn"),
        last_active_at=timezone.now() - timedelta(days=9),
    )
    body = (
        logged_in(facilitator)
        .get(reverse("groups:manage", kwargs={"slug": group.slug}))
        .content.decode()
    )
    assert body.count("Quiet for over a week") == 1


def test_edit_shows_field_errors_and_keeps_input():
    group = SupportGroupFactory()
    facilitator = FacilitatorMembershipFactory(group=group).user
    url = reverse("groups:edit", kwargs={"slug": group.slug})
    response = logged_in(facilitator).post(
        url,
        {
            "name": "Renamed group",
            "summary": "",
            "format": "online",
            "time_zone": "Mars/Olympus",
            "join_policy": "open",
            "kind": "cohort",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Renamed group" in body
    assert "A cohort needs a start date" in body
    group.refresh_from_db()
    assert group.name != "Renamed group"


def test_edit_saves():
    group = SupportGroupFactory(capacity=1)
    facilitator = FacilitatorMembershipFactory(group=group).user
    MembershipFactory(group=group)
    waiting = MembershipFactory(group=group, state="waitlisted")
    url = reverse("groups:edit", kwargs={"slug": group.slug})
    data = {
        "name": "Renamed group",
        "summary": "New summary",
        "format": "hybrid",
        "city": "Leeds",
        "country": "gb",
        "time_zone": "Europe/London",
        "join_policy": "open",
        "capacity": "5",
        "premoderated_posts": "2",
        "kind": "ongoing",
    }
    response = logged_in(facilitator).post(url, data)
    assert response.status_code == 302
    group.refresh_from_db()
    waiting.refresh_from_db()
    assert (group.name, group.country, group.capacity) == ("Renamed group", "GB", 5)
    assert group.premoderated_posts == 2
    assert waiting.state == "active", "the new places went to the waitlist"


def test_group_page_names_the_country_and_the_edit_form_refuses_unknown_codes(client):
    group = SupportGroupFactory(city="Madrid", country="ES")
    assert "Madrid, Spain" in client.get(group.get_absolute_url()).content.decode()
    facilitator = FacilitatorMembershipFactory(group=group).user
    url = reverse("groups:edit", kwargs={"slug": group.slug})
    data = {"name": group.name, "summary": "s", "format": "hybrid", "country": "zz",
            "time_zone": "UTC", "join_policy": "open", "kind": "ongoing"}  # fmt: skip
    response = logged_in(facilitator).post(url, data)
    assert response.status_code == 200
    assert "two-letter country code" in response.content.decode()
    group.refresh_from_db()
    assert group.country == "ES"


def test_opening_the_group_page_counts_as_activity(user, member_client):
    group = SupportGroupFactory()
    week_ago = timezone.now() - timedelta(days=8)
    membership = MembershipFactory(group=group, user=user, last_active_at=week_ago)
    detail(member_client, group)
    membership.refresh_from_db()
    assert membership.last_active_at > week_ago
