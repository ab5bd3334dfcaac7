"""Thread and board pages cost the same number of queries at 10 posts as at 1,000, and deep
pages use keyset pagination (no OFFSET), so page 500 is the same query shape as page 1."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from prometheus_client import REGISTRY

from forums.models import Thread, ThreadReadState
from tests.factories import MembershipFactory, client_for
from tests.forums.conftest import bulk_replies, reply_to, start_thread

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def queries_for(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def make_board_threads(board, author, count):
    now = timezone.now()
    threads = Thread.objects.bulk_create(
        [
            Thread(board=board, title=f"Thread {i}", author=author, last_post_at=now)
            for i in range(count)
        ]
    )
    return threads


@pytest.mark.parametrize("viewer_kind", ["anonymous", "member", "facilitator"])
def test_thread_and_board_pages_cost_the_same_for_10_and_1000_posts(
    private_board, board, member, facilitator, writer, viewer_kind
):
    """Thread page for a signed-in member on a private board: session, user, thread (with
    board, group, read mark, follow), the member's access to the group
    (groups.permissions.access_for), can_contribute (groups), the page of top-level replies
    with their subtrees, their reaction counts, topics with the reader's choices, the
    read-mark upsert and blocked ids (base template). Board page: session, user, board (with
    the reader's follow), access, the threads (with their topics, the reader's topic choices
    and read marks), can_contribute. The header's unread count is kept from sign-in."""
    viewer = {"anonymous": None, "member": member, "facilitator": facilitator}[viewer_kind]
    target = board if viewer is None else private_board
    client = client_for(viewer)
    small = start_thread(target, writer if viewer is None else member, title="small").post.thread
    big = start_thread(target, writer if viewer is None else member, title="big").post.thread
    bulk_replies(small, writer, 10)
    bulk_replies(big, writer, 1000)

    # Reading a group's thread records the reader's activity, at most once an hour: a first
    # visit (to a third thread, so the read marks measured stay new) pays that UPDATE.
    warm = start_thread(target, writer if viewer is None else member, title="warm").post.thread
    client.get(warm.get_absolute_url())
    small_sql = queries_for(client, small.get_absolute_url())
    big_sql = queries_for(client, big.get_absolute_url())
    assert len(small_sql) == len(big_sql) <= MAX_QUERIES, "\n".join(big_sql)

    board_sql_10 = queries_for(client, target.get_absolute_url())
    make_board_threads(target, writer, 1000)
    board_sql_1000 = queries_for(client, target.get_absolute_url())
    assert len(board_sql_10) == len(board_sql_1000) <= MAX_QUERIES, "\n".join(board_sql_1000)


def test_deep_thread_pages_use_keyset_pagination(board, writer, settings):
    settings.FORUMS_PAGE_SIZE = 5
    thread = start_thread(board, writer).post.thread
    bulk_replies(thread, writer, 300, top_level_share=2)
    client = client_for(writer)

    url = thread.get_absolute_url()
    for _ in range(20):  # walk to page 21 by following "More replies"
        html = client.get(url).content.decode()
        cursor = html.split("after=")[1].split("#")[0]
        url = f"{thread.get_absolute_url()}?sort=oldest&after={cursor}"
    first = queries_for(client, thread.get_absolute_url())  # the read mark is in place by now
    deep = queries_for(client, url)
    assert len(deep) == len(first), "\n".join(first + ["----"] + deep)
    assert not any("OFFSET" in sql.upper() for sql in first + deep)
    toplevel = [sql for sql in deep if '"parent_id" IS NULL' in sql]  # the page, or its subquery
    assert toplevel and all("LIMIT 6" in sql for sql in toplevel)


def test_deep_board_pages_use_keyset_pagination(board, writer, settings):
    settings.FORUMS_PAGE_SIZE = 5
    make_board_threads(board, writer, 40)
    client = client_for(writer)
    first = queries_for(client, board.get_absolute_url())
    html = client.get(board.get_absolute_url()).content.decode()
    cursor = html.split("?after=")[1].split('"')[0]
    second_html = client.get(f"{board.get_absolute_url()}?after={cursor}").content.decode()
    second = queries_for(client, f"{board.get_absolute_url()}?after={cursor}")
    assert len(second) == len(first)  # the first page reads the pinned threads in the same query
    assert not any("OFFSET" in sql.upper() for sql in first + second)
    assert "Thread 34" in second_html and "Thread 35<" not in second_html


def test_anonymous_and_member_on_public_board_are_within_budget(board, writer, group):
    member = MembershipFactory(group=group).user
    thread = start_thread(board, writer).post.thread
    bulk_replies(thread, writer, 50)
    for viewer in (None, member):
        assert len(queries_for(client_for(viewer), thread.get_absolute_url())) <= MAX_QUERIES


def test_the_read_mark_is_written_only_when_there_is_something_new(board, writer, member):
    thread = start_thread(board, writer).post.thread

    def writes() -> list[str]:
        sql = queries_for(client_for(member), thread.get_absolute_url())
        return [q for q in sql if q.startswith("INSERT")]

    assert len(writes()) == 1  # the first visit
    assert writes() == []  # nothing new since
    reply = reply_to(thread, writer, body="Something new")
    assert len(writes()) == 1  # the mark moves on
    assert ThreadReadState.objects.get(user=member, thread=thread).last_read_post_id == reply.pk


def cache_calls() -> float:
    """Every call made to the cache so far, as /metrics counts them."""
    return sum(
        sample.value
        for metric in REGISTRY.collect()
        if metric.name == "supportgroups_cache_operation_seconds"
        for sample in metric.samples
        if sample.name.endswith("_count")
    )


def test_a_public_board_for_a_member_is_four_queries_and_one_cache_trip(board, member, writer):
    """Session, user, board, threads; the header's facts and whether the member may start a
    thread come from the cache together, once they are kept (from sign-in, or a first page)."""
    make_board_threads(board, writer, 30)
    client = client_for(member)
    client.get(board.get_absolute_url())

    before = cache_calls()
    sql = queries_for(client, board.get_absolute_url())

    assert len(sql) == 4, "\n".join(sql)
    assert cache_calls() - before == 1
