"""Admin: lists with filters and search, and the two bulk actions, through the real admin."""

import pytest

from groups.models import Membership, SupportGroup
from tests.factories import MembershipFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/groups/supportgroup/?is_archived__exact=0&format__exact=online&q=circle",
        "/admin/groups/membership/?state__exact=pending&q=someone",
        "/admin/groups/cancertype/?q=lung",
        "/admin/groups/audience/",
        "/admin/groups/language/",
    ],
)
def test_lists_with_filters_and_search(admin_client, path):
    SupportGroupFactory(name="Evening circle")
    MembershipFactory(state="pending")
    assert admin_client.get(path).status_code == 200


def test_change_pages_open(admin_client):
    membership = MembershipFactory()
    for path in (
        f"/admin/groups/supportgroup/{membership.group_id}/change/",
        f"/admin/groups/membership/{membership.pk}/change/",
    ):
        assert admin_client.get(path).status_code == 200


def test_bulk_approve_pending_goes_through_the_service(admin_client):
    group = SupportGroupFactory(join_policy="approval", capacity=1)
    first = MembershipFactory(group=group, state="pending")
    second = MembershipFactory(group=group, state="pending")
    left = MembershipFactory(group=group, state="left")
    admin_client.post(
        "/admin/groups/membership/",
        {"action": "approve_pending", "_selected_action": [first.pk, second.pk, left.pk]},
    )
    states = {m.pk: m.state for m in Membership.objects.filter(group=group)}
    assert states == {first.pk: "active", second.pk: "waitlisted", left.pk: "left"}
    assert first.events.filter(kind="approved").exists(), "history is written"


def test_bulk_archive(admin_client):
    keep, archive = SupportGroupFactory(), SupportGroupFactory()
    admin_client.post(
        "/admin/groups/supportgroup/", {"action": "archive", "_selected_action": [archive.pk]}
    )
    assert list(SupportGroup.objects.filter(is_archived=True)) == [archive]
    assert not SupportGroup.objects.get(pk=keep.pk).is_archived
