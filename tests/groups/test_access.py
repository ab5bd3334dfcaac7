"""Access matrix over every group URL, for every kind of visitor.

Outsiders asking for a private page get 404 (its existence is not revealed); members without
the right get 403; no management action takes effect for the wrong person.
"""

import pytest
from django.test import Client
from django.urls import reverse

from groups.models import Membership
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    with_mfa,
)

pytestmark = pytest.mark.django_db

VISITORS = [
    "anonymous",
    "non_member",
    "pending",
    "member",
    "facilitator",
    "other_facilitator",
    "staff",
]
PRIVATE = {"member": 200, "facilitator": 200, "staff": 200}
MANAGE = {"member": 403, "facilitator": 200, "staff": 200}


@pytest.fixture
def world():
    group = SupportGroupFactory(join_policy="approval", slug="quiet-harbour")
    other = SupportGroupFactory()
    people = {
        "non_member": UserFactory(),
        "pending": MembershipFactory(group=group, state="pending").user,
        "member": MembershipFactory(group=group, user=UserFactory(display_name="Secret Sal")).user,
        "facilitator": FacilitatorMembershipFactory(group=group).user,
        "other_facilitator": FacilitatorMembershipFactory(group=other).user,
        "staff": with_mfa(UserFactory(is_staff=True)),
    }
    applicant = MembershipFactory(group=group, state="pending")
    return group, people, applicant


def client_for(world, visitor) -> Client:
    client = Client()
    if visitor != "anonymous":
        client.force_login(world[1][visitor])
    return client


def url(name, world, **extra):
    return reverse(f"groups:{name}", kwargs={"slug": world[0].slug, **extra})


@pytest.mark.parametrize("visitor", VISITORS)
def test_group_page_is_open_but_members_are_not_leaked(world, visitor):
    response = client_for(world, visitor).get(url("detail", world))
    assert response.status_code == 200
    body = response.content.decode()
    sees_private = visitor in PRIVATE
    assert ("/groups/quiet-harbour/members/" in body) == sees_private
    assert "Secret Sal" not in body or visitor == "member"
    assert ("/groups/quiet-harbour/manage/" in body) == (MANAGE.get(visitor) == 200)


@pytest.mark.parametrize("visitor", VISITORS)
def test_members_page(world, visitor):
    response = client_for(world, visitor).get(url("members", world))
    assert response.status_code == PRIVATE.get(visitor, 404)
    if response.status_code == 200:
        body = response.content.decode()
        assert "Secret Sal" in body
        assert world[1]["member"].email not in body, "emails are never shown"


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("page", ["manage", "edit"])
def test_facilitator_pages(world, visitor, page):
    response = client_for(world, visitor).get(url(page, world))
    assert response.status_code == MANAGE.get(visitor, 404)


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("action", ["approve", "decline", "remove", "promote"])
def test_decisions_only_take_effect_for_facilitators_and_staff(world, visitor, action):
    group, people, applicant = world
    target = (
        applicant
        if action in ("approve", "decline")
        else group.memberships.get(user=people["member"])
    )
    before = (target.state, target.role)
    response = client_for(world, visitor).post(
        url("decide", world, membership_id=target.pk, action=action), {"message": "hi"}
    )
    target.refresh_from_db()
    expected = MANAGE.get(visitor, 404)
    if expected == 200:
        assert response.status_code == 302
        assert (target.state, target.role) != before
    else:
        assert response.status_code == expected
        assert (target.state, target.role) == before


@pytest.mark.parametrize("visitor", VISITORS)
def test_edit_post_only_for_facilitators_and_staff(world, visitor):
    group = world[0]
    response = client_for(world, visitor).post(url("edit", world), {"name": "Hijacked"})
    group.refresh_from_db()
    assert group.name != "Hijacked"
    assert response.status_code == MANAGE.get(visitor, 404)


@pytest.mark.parametrize("visitor", VISITORS)
def test_hand_on(world, visitor):
    response = client_for(world, visitor).post(url("hand_on", world))
    assert response.status_code == {"facilitator": 302, "staff": 302}.get(
        visitor, MANAGE.get(visitor, 404)
    )


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("page", ["join", "leave"])
def test_join_and_leave_pages_need_sign_in(world, visitor, page):
    response = client_for(world, visitor).get(url(page, world))
    if visitor == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 200


def test_anonymous_join_post_creates_nothing(world):
    response = Client().post(url("join", world))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Membership.objects.filter(group=world[0]).count() == 4


def test_my_groups_needs_sign_in():
    response = Client().get(reverse("groups:mine"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/groups/no-such-group/",
        "/groups/no-such-group/members/",
        "/groups/no-such-group/manage/",
        "/groups/no-such-group/join/",
    ],
)
def test_unknown_slug_is_404(member_client, path):
    assert member_client.get(path).status_code == 404


def test_decision_on_a_membership_of_another_group_is_404(world):
    group, people, _ = world
    stranger = MembershipFactory(state="pending")
    client = client_for(world, "facilitator")
    response = client.post(url("decide", world, membership_id=stranger.pk, action="approve"))
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.state == "pending"


def test_unknown_decision_is_404(world):
    client = client_for(world, "facilitator")
    response = client.post(url("decide", world, membership_id=world[2].pk, action="explode"))
    assert response.status_code == 404


@pytest.mark.parametrize("visitor", VISITORS)
def test_access_for_each_answers_as_access_for_does_in_one_query(
    world, visitor, django_assert_max_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    from groups.permissions import access_for, access_for_each

    group, people, _applicant = world
    person = people.get(visitor) or AnonymousUser()
    groups = [group, Membership.objects.get(user=people["other_facilitator"]).group]
    with django_assert_max_num_queries(2):  # the memberships; staff: their MFA, asked once
        many = access_for_each(person, [g.pk for g in groups])
    for each in groups:
        one = access_for(person, each)
        assert many[each.pk] == one, (visitor, each)
