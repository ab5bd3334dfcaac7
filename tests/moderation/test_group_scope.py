"""The registration the groups app makes, with real memberships:
moderation itself imports nothing from groups, its tests may."""

import pytest

from groups import permissions as group_permissions
from groups.models import Membership
from moderation import permissions, selectors, services
from moderation.registry import register_group_scope, reset_group_scope
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups_registered():
    register_group_scope(
        facilitated_group_ids=group_permissions.facilitated_group_ids,
        group_facilitators=lambda group_id: [
            m.user
            for m in Membership.objects.filter(
                group_id=group_id,
                role=Membership.Role.FACILITATOR,
                state=Membership.State.ACTIVE,
            ).select_related("user")
        ],
        group_premoderation=lambda group_id: 0,
    )
    yield
    reset_group_scope()


def test_facilitators_see_their_own_groups_items(groups_registered, post_model):
    group_a, group_b = SupportGroupFactory(), SupportGroupFactory()
    fac_a = FacilitatorMembershipFactory(group=group_a).user
    member_a = MembershipFactory(group=group_a).user
    items = {}
    for group in (group_a, group_b):
        post = post_model.objects.create(author=member_a, body=group.name, group=group.pk)
        items[group.pk] = services.request_review(target=post, reason="spam", by=UserFactory())
    assert list(selectors.queue(fac_a)) == [items[group_a.pk]]
    assert not permissions.is_moderator(member_a)
    assert [u.pk for u in permissions.item_moderators(items[group_a.pk])] == [fac_a.pk]
