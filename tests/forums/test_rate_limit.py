"""Posting rate limit: per member, on new threads and replies, refused with 429 and the typed
text kept, before anything is written."""

import pytest

from forums import services
from forums.models import Post, Thread
from tests.factories import client_for
from tests.forums.conftest import reply_to, start_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.FORUMS_POSTS_PER_MINUTE = 3
    settings.FORUMS_POSTS_PER_HOUR = 60
    return settings


def test_the_fourth_post_in_a_minute_is_refused_and_nothing_is_written(limits, board, writer):
    thread = start_thread(board, writer).post.thread  # 1
    reply_to(thread, writer)  # 2
    reply_to(thread, writer)  # 3
    with pytest.raises(services.PostingTooFast) as refused:
        reply_to(thread, writer, body="one too many")
    assert refused.value.retry_after == 60
    with pytest.raises(services.PostingTooFast):
        start_thread(board, writer, title="Another thread")
    assert not Post.objects.filter(body="one too many").exists()
    assert not Thread.objects.filter(title="Another thread").exists()
    assert thread.posts.count() == 3


def test_the_limit_is_per_member(limits, board, writer, outsider):
    thread = start_thread(board, writer).post.thread
    for _ in range(2):
        reply_to(thread, writer)
    with pytest.raises(services.PostingTooFast):
        reply_to(thread, writer)
    reply_to(thread, outsider, body="someone else can still answer")
    assert thread.posts.filter(author=outsider).count() == 1


def test_the_hourly_limit_and_refusals_do_not_use_up_the_minute(settings, board, writer):
    settings.FORUMS_POSTS_PER_MINUTE = 3
    settings.FORUMS_POSTS_PER_HOUR = 2
    thread = start_thread(board, writer).post.thread
    reply_to(thread, writer)
    for _ in range(3):
        with pytest.raises(services.PostingTooFast) as refused:
            reply_to(thread, writer)
        assert refused.value.retry_after == 3600
        assert "2 times in the last hour" in refused.value.messages[0]
    # The hour refusals gave their minute slot back: with a fresh hour, one more fits.
    settings.FORUMS_POSTS_PER_HOUR = 3
    reply_to(thread, writer, body="after a rest")
    assert thread.posts.count() == 3


def test_edits_are_not_counted(limits, board, writer):
    post = start_thread(board, writer).post
    for n in range(5):
        services.edit_post(post=post, body=f"Edited text {n}")
    reply_to(post.thread, writer)


def test_a_reply_over_the_limit_gets_429_with_the_text_kept(limits, board, writer):
    thread = start_thread(board, writer).post.thread
    client = client_for(writer)
    for n in range(2):
        response = client.post(
            f"/forums/t/{thread.pk}/reply/", {"action": "post", "body": f"Reply {n}"}
        )
        assert response.status_code == 302
    response = client.post(
        f"/forums/t/{thread.pk}/reply/",
        {"action": "post", "body": "My carefully typed words", "content_warning": "scans"},
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "You are posting very quickly" in html
    assert "My carefully typed words" in html and 'value="scans"' in html
    assert not Post.objects.filter(body="My carefully typed words").exists()


def test_a_new_thread_over_the_limit_gets_429_with_the_title_kept(limits, board, writer):
    thread = start_thread(board, writer).post.thread
    reply_to(thread, writer)
    reply_to(thread, writer)
    response = client_for(writer).post(
        f"/forums/b/{board.slug}/new/",
        {"action": "post", "title": "My new question", "body": "Long careful body"},
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "You are posting very quickly" in html
    assert 'value="My new question"' in html and "Long careful body" in html
    assert not Thread.objects.filter(title="My new question").exists()
