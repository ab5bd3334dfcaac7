"""Forums with their neighbours: moderation (sanctions, reports, queue actions), privacy
(blocking, account deletion)."""

import pytest

from forums import services
from forums.models import Post, PostRevision
from forums.notifications import deliver_post_notifications
from moderation.adapters import adapter_for
from moderation.models import AuditLogEntry, Sanction
from moderation.services import request_review
from supportgroups.models import Notification
from supportgroups.privacy.deletion import delete_account, former_member
from supportgroups.privacy.services import block
from tests.factories import client_for
from tests.forums.conftest import reply_to, start_thread

pytestmark = pytest.mark.django_db


def test_a_silenced_member_cannot_post(private_board, member, facilitator):
    thread = start_thread(private_board, facilitator).post.thread
    item = request_review(target=thread.opening_post, reason="other")
    entry = AuditLogEntry.objects.create(item=item, actor=facilitator, action="mute")
    Sanction.objects.create(
        user=member, kind="mute", group_id=private_board.group_id, reason="cool off", action=entry
    )
    client = client_for(member)
    assert client.get(thread.get_absolute_url()).status_code == 200  # still reads
    response = client.post(f"/forums/t/{thread.pk}/reply/", {"body": "hi", "action": "post"})
    assert response.status_code == 403
    assert thread.posts.count() == 1


def test_others_posts_carry_a_report_link_that_moderation_accepts(
    private_board, member, facilitator, outsider
):
    post = start_thread(private_board, facilitator, body="words").post
    html = client_for(member).get(post.thread.get_absolute_url()).content.decode()
    assert f"/moderation/report/forums.post/{post.pk}/" in html
    can_report = adapter_for(post).can_report
    assert can_report(member) and not can_report(outsider)


def test_blocked_authors_fold_away_and_cannot_mention(board, writer, outsider):
    block(blocker=outsider, blocked=writer)
    thread = start_thread(board, writer, body="the blocked words").post.thread
    start_thread(board, writer, title="Anon", body="anonymous words", is_anonymous=True)
    html = client_for(outsider).get(thread.get_absolute_url()).content.decode()
    assert "Hidden: you blocked Wren. Show anyway" in html and "the blocked words" in html
    anon_thread = thread.board.threads.get(title="Anon")
    anon_html = client_for(outsider).get(anon_thread.get_absolute_url()).content.decode()
    assert "you blocked" not in anon_html  # a block never unmasks an anonymous writer

    post = reply_to(thread, writer, body="@Otto are you there?")
    deliver_post_notifications(post_id=post.pk)
    assert not Notification.objects.filter(user=outsider).exists()


def test_moderator_edit_and_restore_of_a_held_post(board, writer, outsider):
    thread = start_thread(board, writer).post.thread
    post = reply_to(thread, outsider, body="original words")
    Post.objects.filter(pk=post.pk).update(is_held=True)
    thread.refresh_from_db()
    before = thread.reply_count

    adapter_for(post).restore()
    thread.refresh_from_db()
    assert thread.reply_count == before + 1 and not Post.objects.get(pk=post.pk).is_held

    adapter_for(post).edit(text="softened words")
    post.refresh_from_db()
    assert post.body == "softened words" and "softened" in post.body_html
    assert PostRevision.objects.get(post=post).body == "original words"


@pytest.mark.parametrize("remove_content", [False, True])
def test_deleting_an_account_keeps_the_conversation(board, writer, outsider, remove_content):
    thread = start_thread(board, outsider, body="starter words").post.thread
    mine = reply_to(thread, writer, body="my words")
    answer = reply_to(thread, outsider, parent=mine, body="an answer")
    services.toggle_reaction(user=writer, post=answer, kind="hug")

    delete_account(user=writer, remove_content=remove_content)

    mine.refresh_from_db()
    assert mine.author == former_member()
    assert Post.objects.get(pk=answer.pk, parent=mine).support_count == 0
    assert (mine.body == "") is remove_content and mine.is_removed is remove_content
    html = client_for(outsider).get(thread.get_absolute_url()).content.decode()
    assert "an answer" in html and ("my words" in html) is not remove_content
