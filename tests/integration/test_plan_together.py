"""Writing the safety plan together: from a conversation with the group's facilitators the
member names one of them, who may then read and edit the plan (and nobody else may); every
change by either side is in the plan's own record; the member stops it at any time."""

import uuid

import pytest

from groups.conversations import services as conversations
from groups.conversations.models import Conversation
from moderation.models import SafetyPlan, SafetyPlanEdit
from supportgroups.models import Notification
from tests.factories import FacilitatorMembershipFactory, UserFactory, client_for, with_mfa

pytestmark = pytest.mark.django_db
SECTIONS = dict.fromkeys(SafetyPlan.SECTIONS, "")


@pytest.fixture
def second_facilitator(group):
    user = UserFactory(display_name="Facil Gus")
    FacilitatorMembershipFactory(group=group, user=user)
    return with_mfa(user)


@pytest.fixture
def conversation(group, member, facilitator, second_facilitator):
    conversations.ask_team(
        member=member, group=group, subject="", body="Could we talk?", client_msg_id=uuid.uuid4()
    )
    return Conversation.objects.get(kind=Conversation.Kind.FACILITATORS)


def _invite(person, conversation, editor):
    return client_for(person).post(
        f"/messages/{conversation.pk}/safety-plan/", {"with_whom": editor.pk}
    )


def _edit(person, plan, **sections):
    return client_for(person).post(f"/moderation/safety-plans/{plan.pk}/", {**SECTIONS, **sections})


def test_the_member_invites_one_named_facilitator_who_edits_the_plan_with_them(
    conversation, member, facilitator, second_facilitator, other_member, other_facilitator
):
    page = client_for(member).get(conversation.get_absolute_url()).content.decode()
    assert "Write my safety plan together with" in page and "Facil Gus" in page
    team_page = client_for(facilitator).get(conversation.get_absolute_url()).content.decode()
    assert "Write my safety plan together with" not in team_page

    assert _invite(member, conversation, facilitator).status_code == 302
    plan = SafetyPlan.objects.get(owner=member)
    assert (plan.shared_with, plan.shared_may_edit) == (facilitator, True)
    told = Notification.objects.get(user=facilitator, url=f"/moderation/safety-plans/{plan.pk}/")
    assert "invited you to write their safety plan" in told.title

    # The access matrix: (reads, edits) for each person.
    address = f"/moderation/safety-plans/{plan.pk}/"
    expected = {
        facilitator: (200, 302),
        second_facilitator: (404, 404),  # the same team, but not the one named
        other_member: (404, 404),
        other_facilitator: (404, 404),
        with_mfa(UserFactory(is_staff=True)): (404, 404),
    }
    for person, (reads, edits) in expected.items():
        assert client_for(person).get(address).status_code == reads, person
        assert _edit(person, plan, warning_signs=f"by {person.pk}").status_code == edits, person
    plan.refresh_from_db()
    assert plan.warning_signs == f"by {facilitator.pk}"

    # The owner edits on their own page; both sides are in the plan's record, words never.
    client_for(member).post(
        "/moderation/safety-plan/",
        {
            **SECTIONS,
            "warning_signs": plan.warning_signs,
            "people_to_ask": "My sister Ana",
            "shared_with": facilitator.pk,
        },
    )
    plan.refresh_from_db()
    assert (plan.people_to_ask, plan.shared_may_edit) == ("My sister Ana", True)
    record = list(SafetyPlanEdit.objects.order_by("id").values_list("editor", "change", "sections"))
    assert record == [
        (facilitator.pk, "invited", []),
        (facilitator.pk, "edited", ["warning_signs"]),
        (member.pk, "edited", ["people_to_ask"]),
    ]
    own = client_for(member).get("/moderation/safety-plan/").content.decode()
    assert "Facil Fran changed one section" in own and "write it with you" in own


def test_the_member_stops_sharing_and_the_facilitator_loses_the_plan_at_once(
    conversation, member, facilitator
):
    _invite(member, conversation, facilitator)
    plan = SafetyPlan.objects.get(owner=member)
    assert client_for(member).post("/moderation/safety-plan/stop-sharing/").status_code == 302
    plan.refresh_from_db()
    assert (plan.shared_with, plan.shared_may_edit) == (None, False)
    address = f"/moderation/safety-plans/{plan.pk}/"
    assert client_for(facilitator).get(address).status_code == 404
    assert _edit(facilitator, plan, warning_signs="after").status_code == 404
    assert SafetyPlanEdit.objects.filter(change="revoked", editor=facilitator).exists()


def test_sharing_read_only_or_with_someone_else_ends_the_invitation_to_edit(
    conversation, member, facilitator, second_facilitator
):
    _invite(member, conversation, facilitator)
    plan = SafetyPlan.objects.get(owner=member)
    client_for(member).post(
        "/moderation/safety-plan/", {**SECTIONS, "shared_with": second_facilitator.pk}
    )
    plan.refresh_from_db()
    assert (plan.shared_with, plan.shared_may_edit) == (second_facilitator, False)
    assert _edit(second_facilitator, plan, warning_signs="x").status_code == 404
    assert (
        client_for(second_facilitator).get(f"/moderation/safety-plans/{plan.pk}/").status_code
        == 200
    )


def test_a_facilitator_who_steps_down_can_no_longer_edit(conversation, member, facilitator, group):
    _invite(member, conversation, facilitator)
    plan = SafetyPlan.objects.get(owner=member)
    group.memberships.filter(user=facilitator).update(role="member")
    assert _edit(facilitator, plan, warning_signs="x").status_code == 404


@pytest.mark.parametrize("value", ["", "abc", "99999999999999999999999", "1\x00"])
def test_only_a_facilitator_of_this_conversation_can_be_named(
    conversation, member, other_facilitator, value
):
    for chosen in (value, str(other_facilitator.pk)):
        answer = client_for(member).post(
            f"/messages/{conversation.pk}/safety-plan/", {"with_whom": chosen}
        )
        assert answer.status_code == 302 and answer["Location"] == conversation.get_absolute_url()
    assert not SafetyPlan.objects.filter(shared_with__isnull=False).exists()


def test_people_outside_the_conversation_cannot_invite(conversation, other_member, facilitator):
    assert _invite(other_member, conversation, facilitator).status_code == 404
    assert _invite(facilitator, conversation, facilitator).status_code == 404  # the team
    assert not SafetyPlan.objects.exists()


def test_a_save_over_the_other_persons_newer_change_is_refused_and_keeps_the_words(
    conversation, member, facilitator
):
    _invite(member, conversation, facilitator)
    plan = SafetyPlan.objects.get(owner=member)
    address = f"/moderation/safety-plans/{plan.pk}/"
    opened = client_for(facilitator).get(address).context["form"]["seen"].value()

    # The member saves first, from their own page.
    mine = client_for(member).get("/moderation/safety-plan/").context["form"]["seen"].value()
    client_for(member).post(
        "/moderation/safety-plan/",
        {**SECTIONS, "people_to_ask": "My sister Ana", "shared_with": facilitator.pk, "seen": mine},
    )
    stale = client_for(facilitator).post(
        address, {**SECTIONS, "warning_signs": "Not sleeping", "seen": opened}
    )
    assert stale.status_code == 400
    html = stale.content.decode()
    assert "changed while you were writing" in html
    assert "Not sleeping" in html and "My sister Ana" in html  # their words, and the plan now
    plan.refresh_from_db()
    assert (plan.warning_signs, plan.people_to_ask) == ("", "My sister Ana")

    # Having compared, saving again from the refused page is accepted.
    again = stale.context["form"]["seen"].value()
    assert again != opened
    saved = client_for(facilitator).post(
        address,
        {
            **SECTIONS,
            "warning_signs": "Not sleeping",
            "people_to_ask": "My sister Ana",
            "seen": again,
        },
    )
    assert saved.status_code == 302
    plan.refresh_from_db()
    assert (plan.warning_signs, plan.people_to_ask) == ("Not sleeping", "My sister Ana")


def test_sharing_the_plan_over_and_over_is_refused_after_a_few_an_hour(
    conversation, member, facilitator, second_facilitator
):
    """Each invitation notifies a facilitator: five an hour, then a calm refusal."""
    for turn in range(5):
        editor = facilitator if turn % 2 == 0 else second_facilitator
        assert _invite(member, conversation, editor).status_code == 302
    refused = client_for(member).post(
        f"/messages/{conversation.pk}/safety-plan/",
        {"with_whom": second_facilitator.pk},
        follow=True,
    )
    assert "Please wait a little before sharing your plan again." in refused.content.decode()
    assert SafetyPlan.objects.get(owner=member).shared_with == facilitator


def test_a_first_save_that_names_a_version_the_member_never_had_is_kept(member):
    """A member's first plan has no other version to differ from: a stale or made-up "seen"
    (an old tab, a plan deleted meanwhile) saves it rather than failing."""
    response = client_for(member).post(
        "/moderation/safety-plan/",
        {**SECTIONS, "people_to_ask": "My neighbour Jo", "seen": "2026-01-01T00:00:00+00:00"},
    )
    assert response.status_code == 302
    assert SafetyPlan.objects.get(owner=member).people_to_ask == "My neighbour Jo"


def test_two_first_plans_written_at_once_keep_the_first_and_the_second_s_words(member):
    """Two tabs opened before the member had a plan: the first save makes it; the second is
    refused with its words kept, rather than writing over the first."""
    page = client_for(member).get("/moderation/safety-plan/")
    seen = page.context["form"]["seen"].value() or ""
    first = client_for(member).post(
        "/moderation/safety-plan/", {**SECTIONS, "people_to_ask": "My sister Ana", "seen": seen}
    )
    assert first.status_code == 302
    second = client_for(member).post(
        "/moderation/safety-plan/", {**SECTIONS, "safer_space": "Walking my dog Bo", "seen": seen}
    )
    assert second.status_code == 400
    html = second.content.decode()
    assert "changed while you were writing" in html and "Walking my dog Bo" in html
    plan = SafetyPlan.objects.get(owner=member)
    assert (plan.people_to_ask, plan.safer_space) == ("My sister Ana", "")
