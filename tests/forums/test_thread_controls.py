"""A board's moderators pin, lock, close and move threads and hide or restore posts where they
are: through moderation's action table, audited, the starter told; a locked or closed thread
refuses replies from everyone else, over the form and htmx alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums.models import Post, Thread
from moderation import actions, appeals, queue
from moderation.models import AuditLogEntry, ReviewItem
from tests.factories import BoardFactory, client_for
from tests.forums.conftest import reply_to, start_thread

pytestmark = pytest.mark.django_db


def control(user, thread, action, **data):
    return client_for(user).post(
        reverse("forums:thread_controls", args=[thread.pk]), {"action": action, **data}
    )


def reply(client, thread, body, **headers):
    return client.post(
        reverse("forums:reply", args=[thread.pk]), {"body": body, "action": "post"}, **headers
    )


@pytest.fixture
def thread(private_board, member):
    return start_thread(private_board, member, title="Scan results").post.thread


def test_a_locked_thread_refuses_replies_over_the_form_and_htmx_and_says_why(
    thread, member, facilitator
):
    assert (
        control(facilitator, thread, "lock", reason="Let's talk about this on Tuesday").status_code
        == 302
    )
    page = client_for(member).get(thread.get_absolute_url()).content.decode()
    assert "This thread is locked: Let&#x27;s talk about this on Tuesday" in page
    assert "Reply to the thread" not in page and "/reply/" not in page  # no reply form

    client = client_for(member)
    refused = reply(client, thread, "My words, kept")
    assert refused.status_code == 403
    assert "My words, kept" in refused.content.decode()  # still in the form
    assert "This thread is locked" in refused.content.decode()
    assert reply(client, thread, "Over htmx", HTTP_HX_REQUEST="true").status_code == 403
    assert not Post.objects.filter(body__in=["My words, kept", "Over htmx"]).exists()
    # Its moderators may still answer.
    assert reply(client_for(facilitator), thread, "See you Tuesday").status_code == 302

    entry = AuditLogEntry.objects.get(action="lock")
    assert entry.actor == facilitator and entry.subject == member
    notice = member.notifications.get(title="A facilitator locked a thread you started")
    assert notice.url == reverse("moderation:appeal", args=[entry.pk])

    assert control(facilitator, thread, "unlock").status_code == 302
    assert reply(client, thread, "Open again").status_code == 302


def test_an_upheld_appeal_unlocks_the_thread(thread, member, facilitator, staff):
    control(facilitator, thread, "lock", reason="Off topic")
    entry = AuditLogEntry.objects.get(action="lock")
    appeal = appeals.appeal(action=entry, user=member, body="It was on topic")
    appeal_item = ReviewItem.objects.get(object_id=appeal.pk, content_type__model="appeal")
    queue.claim(item_id=appeal_item.pk, user=staff, version=appeal_item.version)
    appeal_item.refresh_from_db()
    actions.do_approve(
        item_id=appeal_item.pk, user=staff, version=appeal_item.version, reason="Fair"
    )
    thread.refresh_from_db()
    assert thread.takes_replies
    assert reply(client_for(member), thread, "Thank you").status_code == 302


def test_a_closed_thread_takes_no_replies(thread, member, facilitator):
    assert control(facilitator, thread, "close", reason="The session ended").status_code == 302
    refused = reply(client_for(member), thread, "One more thing")
    assert refused.status_code == 403
    assert "This thread is closed" in refused.content.decode()
    assert control(facilitator, thread, "reopen").status_code == 302
    assert reply(client_for(member), thread, "One more thing").status_code == 302


def test_controls_validate_and_keep_what_was_typed(board, staff, writer):
    thread = start_thread(board, writer).post.thread
    no_reason = control(staff, thread, "lock", reason="  ")
    assert no_reason.status_code == 400
    no_board = control(staff, thread, "move", reason="Belongs with treatment questions")
    assert no_board.status_code == 400
    assert "Belongs with treatment questions" in no_board.content.decode()
    assert control(staff, thread, "explode").status_code == 400
    thread.refresh_from_db()
    assert thread.takes_replies and thread.board == board
    assert not AuditLogEntry.objects.exists()


def test_only_the_boards_moderators_have_the_controls(thread, member, outsider, facilitator):
    url = reverse("forums:thread_controls", args=[thread.pk])
    assert client_for(outsider).get(url).status_code == 404  # a private board is not revealed
    assert client_for(member).get(url).status_code == 403
    assert control(member, thread, "pin").status_code == 403
    assert client_for(facilitator).get(url).status_code == 200
    assert Thread.objects.get().pinned_at is None


def test_facilitators_pin_their_own_notice_and_it_heads_the_board(
    private_board, member, facilitator
):
    notice = start_thread(private_board, facilitator, title="House rules").post.thread
    for n in range(3):
        start_thread(private_board, member, title=f"Later thread {n}")
    assert control(facilitator, notice, "pin").status_code == 302
    page = client_for(member).get(private_board.get_absolute_url()).content.decode()
    assert page.index("House rules") < page.index("Later thread 2")
    assert page.count("House rules") == 1
    assert not facilitator.notifications.exists()  # nobody is told about their own pin


def _board_queries(client, board):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(board.get_absolute_url()).status_code == 200
    return len(ctx.captured_queries)


def _thread_queries(client, thread):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(thread.get_absolute_url()).status_code == 200
    return len(ctx.captured_queries)


def test_pinned_locked_and_moved_threads_cost_no_more_queries(board, staff, writer, member):
    threads = [start_thread(board, writer, title=f"T{n}").post.thread for n in range(6)]
    reply_to(threads[0], writer)
    reader = client_for(member)
    moderator = client_for(staff)
    for client in (reader, moderator):  # the first visit also writes the read mark
        client.get(threads[0].get_absolute_url())
    before = (_board_queries(reader, board), _thread_queries(reader, threads[0]))
    before_moderator = _thread_queries(moderator, threads[0])
    control(staff, threads[0], "pin")
    control(staff, threads[0], "lock", reason="Answered")
    after_one = (_board_queries(reader, board), _thread_queries(reader, threads[0]))
    for thread in threads[1:]:
        control(staff, thread, "pin")
    after_all = (_board_queries(reader, board), _thread_queries(reader, threads[0]))
    assert after_one == after_all  # one pinned thread or six: the same queries
    assert after_one == before
    assert _thread_queries(moderator, threads[0]) == before_moderator

    elsewhere = BoardFactory(name="Side effects")
    assert (
        control(staff, threads[1], "move", board=elsewhere.pk, reason="Fits better").status_code
        == 302
    )
    assert _board_queries(reader, elsewhere) == after_all[0]
    assert "T1" in reader.get(elsewhere.get_absolute_url()).content.decode()


def test_threads_move_only_between_public_boards(thread, private_board, board, staff, writer):
    refused = control(staff, thread, "move", board=board.pk, reason="Wider audience")
    assert refused.status_code == 400
    public = start_thread(board, writer).post.thread
    refused = control(staff, public, "move", board=private_board.pk, reason="For the group")
    assert refused.status_code == 400
    assert Thread.objects.get(pk=thread.pk).board == private_board
    assert Thread.objects.get(pk=public.pk).board == board
    moved = BoardFactory(name="Living with it")
    assert control(staff, public, "move", board=moved.pk, reason="Fits better").status_code == 302
    entry = AuditLogEntry.objects.get(action="move")
    assert entry.detail == {"from_board": board.pk, "to_board": moved.pk}
    assert writer.notifications.filter(title="A facilitator moved a thread you started").exists()


def test_facilitators_hide_and_restore_a_post_from_its_thread(thread, member, facilitator):
    post = reply_to(thread, member, body="Words that went too far")
    page = client_for(facilitator).get(thread.get_absolute_url()).content.decode()
    url = reverse("forums:moderate_post", args=[post.pk])
    assert url in page
    assert url not in client_for(member).get(thread.get_absolute_url()).content.decode()
    assert client_for(member).post(url, {"reason": "no"}).status_code == 403

    empty = client_for(facilitator).post(url, {"reason": ""})
    assert empty.status_code == 400
    assert (
        client_for(facilitator).post(url, {"reason": "Unkind to another member"}).status_code == 302
    )
    post.refresh_from_db()
    assert post.is_hidden
    entry = AuditLogEntry.objects.get(action="hide")
    notice = member.notifications.get(title="A facilitator hid something you wrote")
    assert notice.url == reverse("moderation:appeal", args=[entry.pk])
    assert (
        "Words that went too far"
        not in client_for(member).get(thread.get_absolute_url()).content.decode()
    )

    assert (
        client_for(facilitator).post(url, {"reason": "On reflection it was fine"}).status_code
        == 302
    )
    post.refresh_from_db()
    assert post.is_shown_to_all
    assert AuditLogEntry.objects.filter(action="restore").exists()


def test_a_locked_thread_refuses_reactions_and_edits_too_but_not_from_its_moderators(
    thread, member, facilitator
):
    opening = thread.opening_post
    control(facilitator, thread, "lock", reason="Cooling off until Tuesday")
    client = client_for(member)
    react_url = reverse("forums:react", args=[opening.pk])
    refused = client.post(react_url, {"kind": "hug"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 403
    assert "This thread is locked: Cooling off until Tuesday" in refused.content.decode()
    assert client.post(react_url, {"kind": "hug"}).status_code == 403
    assert not opening.reactions.exists()

    edit_url = reverse("forums:edit", args=[opening.pk])
    edited = client.post(edit_url, {"body": "Changed words, kept", "action": "post"})
    assert edited.status_code == 403
    assert "Changed words, kept" in edited.content.decode()  # still in the form
    opening.refresh_from_db()
    assert opening.body == "First post" and not opening.revisions.exists()

    assert client_for(facilitator).post(react_url, {"kind": "hug"}).status_code in (200, 302)
    assert opening.reactions.count() == 1
    control(facilitator, thread, "unlock")
    assert client.post(edit_url, {"body": "Open again", "action": "post"}).status_code == 302
