"""Staff reach a group's private parts only with MFA, like admin and moderation, and each such
page view is written to the staff access log (unless they are a member of the group)."""

import pytest

from forums import services as forum_services
from supportgroups.models import AdminAccessLog
from tests.factories import (
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
    with_mfa,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    group = SupportGroupFactory(name="Thursday circle")
    thread = forum_services.create_thread(
        author=MembershipFactory(group=group).user,
        board=forum_services.ensure_group_board(group=group),
        title="Only for us",
        body="Something private and searchable",
    ).post.thread
    group.thread = thread
    return group


def _pages(group) -> dict[str, str]:
    board = group.thread.board
    return {
        "board": board.get_absolute_url(),
        "thread": group.thread.get_absolute_url(),
        "members": f"/groups/{group.slug}/members/",
        "chat": f"/chat/{group.slug}/",
    }


def test_staff_without_mfa_are_outsiders_to_private_parts(group):
    client = client_for(UserFactory(is_staff=True))
    for name, url in _pages(group).items():
        assert client.get(url).status_code == 404, name
    found = client.get("/forums/search/?q=searchable").content.decode()
    assert "Only for us" not in found
    assert not AdminAccessLog.objects.exists()


def test_staff_with_mfa_open_them_and_each_view_is_logged(group):
    staff = with_mfa(UserFactory(is_staff=True, display_name="Sam Staff"))
    client = client_for(staff)
    pages = _pages(group)
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name
    logged = list(AdminAccessLog.objects.order_by("id"))
    assert [row.path for row in logged] == list(pages.values())
    assert all(row.staff == staff and "Thursday circle" in row.object_label for row in logged)


def test_staff_who_are_members_read_as_members_and_are_not_logged(group):
    staff = UserFactory(is_staff=True)
    MembershipFactory(group=group, user=staff)
    client = client_for(staff)
    for name, url in _pages(group).items():
        assert client.get(url).status_code == 200, name
    assert not AdminAccessLog.objects.exists()
