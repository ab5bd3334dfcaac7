"""The one write/read policy: each rule alone, with the reason a person is shown."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from groups import policy
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    sanction,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership():
    return MembershipFactory()


def test_an_active_member_may_write_and_read(membership):
    assert policy.write_verdict(membership.user, membership.group)
    assert policy.read_verdict(membership.user, membership.group)


def test_signed_out_and_outsiders_are_refused_with_a_reason(membership):
    refused = policy.write_verdict(AnonymousUser(), membership.group)
    assert (refused.allowed, refused.code) == (False, "signed_out")
    outsider = policy.write_verdict(UserFactory(), membership.group)
    assert outsider.code == "not_member" and "members" in outsider.reason
    assert policy.read_verdict(UserFactory(), membership.group).code == "not_member"


@pytest.mark.parametrize("state", ["pending", "waitlisted", "removed", "left"])
def test_only_active_members_write(state):
    membership = MembershipFactory(state=state)
    assert policy.write_verdict(membership.user, membership.group).code == "not_member"


def test_read_only_groups_take_no_new_words_even_from_facilitators():
    facilitator = FacilitatorMembershipFactory(group=SupportGroupFactory(is_archived=True))
    verdict = policy.write_verdict(facilitator.user, facilitator.group)
    assert verdict.code == "read_only" and "no longer meets" in verdict.reason
    assert policy.read_verdict(facilitator.user, facilitator.group)  # history stays readable


def test_a_silence_stops_writing_everywhere_and_says_until_when(membership):
    until = timezone.now() + timedelta(days=2)
    sanction(membership.user, "silence", until=until)
    verdict = policy.write_verdict(membership.user, membership.group)
    assert (verdict.code, verdict.until) == ("silenced", until)
    assert "until" in verdict.reason
    assert policy.write_verdict(membership.user, None).code == "silenced"
    assert policy.read_verdict(membership.user, membership.group)  # silenced people still read


def test_a_group_mute_holds_in_that_group_only(membership):
    other = MembershipFactory(user=membership.user)
    sanction(membership.user, "mute", group=membership.group)
    assert policy.write_verdict(membership.user, membership.group).code == "muted"
    assert policy.write_verdict(membership.user, other.group)
    assert policy.write_verdict(membership.user, None)


def test_lifted_and_expired_sanctions_no_longer_hold(membership):
    lifted = sanction(membership.user, "silence")
    lifted.lifted_at = timezone.now()
    lifted.save()
    sanction(membership.user, "silence", until=timezone.now() - timedelta(minutes=1))
    assert policy.write_verdict(membership.user, membership.group)


def test_suspension_closes_the_account_for_reading_too(membership):
    sanction(membership.user, "suspend")
    assert policy.write_verdict(membership.user, membership.group).code == "inactive"
    assert policy.read_verdict(membership.user, membership.group).code == "inactive"


def test_the_heaviest_sanction_is_the_one_explained(membership):
    sanction(membership.user, "mute", group=membership.group)
    sanction(membership.user, "silence")
    assert policy.write_verdict(membership.user, membership.group).code == "silenced"
