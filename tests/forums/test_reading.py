"""Moderation screening on every write, topic filters, unread markers, follows, demo data."""

import io

import pytest
from django.db import connection

from forums import services
from forums.models import Post, Subscription, Topic, TopicPreference
from moderation.adapters import ModerationAdapter, adapter_for
from moderation.services import ScreenResult
from tests.factories import client_for
from tests.forums.conftest import reply_to, start_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def screen_says(monkeypatch):
    """Stand in for moderation's screen() and record that it ran inside the writing transaction
    with the post already saved."""
    seen = []

    def install(result: ScreenResult):
        def fake_screen(content, **_):
            assert isinstance(adapter_for(content), ModerationAdapter)
            assert connection.in_atomic_block
            assert Post.objects.filter(pk=content.pk).exists()
            seen.append(adapter_for(content).text_for_screening())
            return result

        monkeypatch.setattr(services, "screen", fake_screen)
        return seen

    return install


def test_every_create_and_edit_is_screened(board, writer, screen_says):
    seen = screen_says(ScreenResult())
    post = start_thread(board, writer, title="Title words", body="opening words").post
    reply = reply_to(post.thread, writer, body="reply words")
    services.edit_post(post=reply, body="edited words")
    assert seen == ["Title words\n\nopening words", "reply words", "edited words"]


def test_held_posts_wait_for_a_facilitator(board, writer, outsider, screen_says):
    thread = start_thread(board, writer).post.thread
    screen_says(ScreenResult(held=True))
    response = client_for(outsider).post(
        f"/forums/t/{thread.pk}/reply/", {"body": "needs a look", "action": "post"}, follow=True
    )
    assert "waits for a facilitator" in response.content.decode()
    held = Post.objects.get(body="needs a look")
    assert held.is_held
    assert "needs a look" in client_for(outsider).get(thread.get_absolute_url()).content.decode()
    assert "needs a look" not in client_for(writer).get(thread.get_absolute_url()).content.decode()
    thread.refresh_from_db()
    assert thread.reply_count == 0
    adapter_for(held).restore()
    assert "needs a look" in client_for(writer).get(thread.get_absolute_url()).content.decode()


def test_crisis_shows_the_writer_the_support_message(board, writer, screen_says):
    thread = start_thread(board, writer).post.thread
    screen_says(ScreenResult(crisis=True))
    response = client_for(writer).post(
        f"/forums/t/{thread.pk}/reply/", {"body": "I can't go on", "action": "post"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "crisis-message" in html and "/forums/post/" in html


def test_hidden_topics_leave_the_board_and_collapsed_ones_fold(board, writer, outsider):
    loss = Topic.objects.create(name="Loss test", slug="loss-test")
    recurrence = Topic.objects.create(name="Recurrence test", slug="recurrence-test")
    start_thread(board, writer, title="About loss", topics=[loss])
    folded = start_thread(board, writer, title="It came back", topics=[recurrence]).post.thread
    start_thread(board, writer, title="Everyday things")
    response = client_for(outsider).post(
        "/forums/preferences/",
        {f"topic_{loss.pk}": "hide", f"topic_{recurrence.pk}": "collapse", "digest": "daily"},
    )
    assert response.status_code == 302
    assert TopicPreference.objects.filter(user=outsider).count() == 2

    html = client_for(outsider).get(board.get_absolute_url()).content.decode()
    assert "About loss" not in html and "Everyday things" in html
    assert "<details><summary>A thread about a topic you chose to fold away" in html
    thread_html = client_for(outsider).get(folded.get_absolute_url()).content.decode()
    assert "This thread touches a topic you chose to fold away" in thread_html
    assert "About loss" in client_for(writer).get(board.get_absolute_url()).content.decode()


def test_unread_markers_clear_once_read(board, writer, outsider):
    thread = start_thread(board, writer, title="Marked thread").post.thread
    client = client_for(outsider)
    assert "unread" in client.get(board.get_absolute_url()).content.decode()
    client.get(thread.get_absolute_url())
    assert (
        'class="border-bottom py-2 unread"'
        not in client.get(board.get_absolute_url()).content.decode()
    )
    new = reply_to(thread, writer, body="fresh news")
    assert (
        'class="border-bottom py-2 unread"' in client.get(board.get_absolute_url()).content.decode()
    )
    html = client.get(thread.get_absolute_url()).content.decode()
    assert f'id="post-{new.pk}" class="post depth-0 is-new"' in html
    assert "is-new" not in client.get(thread.get_absolute_url()).content.decode()


def test_posting_follows_the_thread_and_unfollow_works(board, writer, outsider):
    thread = start_thread(board, writer).post.thread
    reply_to(thread, outsider)
    assert Subscription.objects.filter(user=outsider, thread=thread).count() == 1
    reply_to(thread, outsider)
    assert Subscription.objects.filter(user=outsider, thread=thread).count() == 1
    client_for(outsider).post(f"/forums/t/{thread.pk}/follow/", {"follow": "0"})
    assert not Subscription.objects.filter(user=outsider, thread=thread).exists()


def test_demo_data_loads_twice_without_duplicates(db):
    from forums import demo
    from forums.models import Thread
    from groups import demo as groups_demo
    from supportgroups import demo as people

    people.load(io.StringIO())
    groups_demo.load(io.StringIO())
    demo.load(io.StringIO())
    counts = (Thread.objects.count(), Post.objects.count())
    demo.load(io.StringIO())
    assert (Thread.objects.count(), Post.objects.count()) == counts
    assert Thread.objects.filter(board__group__slug="breast-friends-london").exists()
    assert Thread.objects.filter(board__group__isnull=True).count() >= 4


def test_a_held_new_thread_is_404_to_others_until_released(board, writer, outsider, staff):
    post = start_thread(board, writer, title="Held title").post
    Post.objects.filter(pk=post.pk).update(is_held=True)
    url = post.thread.get_absolute_url()
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404
    assert client_for(writer).get(url).status_code == 200
    assert client_for(staff).get(url).status_code == 200
    assert "Held title" not in client_for(outsider).get(board.get_absolute_url()).content.decode()
    adapter_for(post).restore()
    assert client_for(outsider).get(url).status_code == 200
