"""Posting on a group's board counts as activity: the facilitator's tools page stops marking the
member as quiet, at the cost of one UPDATE at most."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import Membership
from tests.factories import client_for
from tests.forums.conftest import reply_to, start_thread

pytestmark = pytest.mark.django_db

QUIET = "Quiet for over a week"


def _tools_page(facilitator, group) -> str:
    url = reverse("groups:manage", kwargs={"slug": group.slug})
    return client_for(facilitator).get(url).content.decode()


def _go_quiet(user, group) -> None:
    Membership.objects.filter(user=user, group=group).update(
        last_active_at=timezone.now() - timedelta(days=9)
    )


def test_a_new_thread_on_the_group_board_ends_quiet(group, private_board, member, facilitator):
    _go_quiet(member, group)
    assert _tools_page(facilitator, group).count(QUIET) == 1
    response = client_for(member).post(
        f"/forums/b/{private_board.slug}/new/",
        {"action": "post", "title": "Back again", "body": "Sorry I've been away."},
    )
    assert response.status_code == 302
    assert QUIET not in _tools_page(facilitator, group)


def test_a_reply_ends_quiet_with_one_update(group, private_board, member, facilitator):
    thread = start_thread(private_board, facilitator).post.thread
    reply_to(thread, member, body="warming up the lexicon cache")
    _go_quiet(member, group)
    with CaptureQueriesContext(connection) as ctx:
        reply_to(thread, member, body="I'm still here, just tired.")
    membership_sql = [q["sql"] for q in ctx.captured_queries if "groups_membership" in q["sql"]]
    assert len(membership_sql) == 1 and membership_sql[0].startswith("UPDATE")
    assert QUIET not in _tools_page(facilitator, group)
    # Within the hour the same UPDATE changes nothing (record_activity's own throttle).
    seen = Membership.objects.get(user=member, group=group).last_active_at
    reply_to(thread, member, body="One more thing.")
    assert Membership.objects.get(user=member, group=group).last_active_at == seen


def test_public_boards_touch_no_membership(board, member):
    thread = start_thread(board, member).post.thread
    with CaptureQueriesContext(connection) as ctx:
        reply_to(thread, member)
    assert not [q for q in ctx.captured_queries if "groups_membership" in q["sql"]]
