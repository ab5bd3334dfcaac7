"""Bad input gets a clear error, keeps what the person typed, never a 500 or a duplicate row."""

import pytest

from forums import services
from forums.models import Post, Thread
from tests.factories import client_for
from tests.forums.conftest import reply_to, start_thread

pytestmark = pytest.mark.django_db


def reply(client, thread, **data):
    return client.post(f"/forums/t/{thread.pk}/reply/", {"action": "post", **data})


def test_empty_post_is_refused_and_keeps_the_content_warning(board, writer):
    thread = start_thread(board, writer).post.thread
    response = reply(client_for(writer), thread, body="   ", content_warning="kept warning")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write a message before posting." in html
    assert 'value="kept warning"' in html
    assert thread.posts.count() == 1


def test_100_kb_post_is_refused_and_the_text_comes_back(board, writer):
    thread = start_thread(board, writer).post.thread
    body = ("I wanted to write everything down. " * 3000)[:100_000] + "THE-VERY-END"
    response = reply(client_for(writer), thread, body=body)
    assert response.status_code == 400
    html = response.content.decode()
    assert "the limit is 20000" in html.replace(",", "")
    assert "THE-VERY-END" in html and html.count("I wanted to write everything down.") > 2000
    assert thread.posts.count() == 1


def test_reply_to_a_removed_post_is_refused_and_keeps_the_text(board, writer, outsider):
    thread = start_thread(board, writer).post.thread
    parent = reply_to(thread, writer)
    services.remove_post(post=parent)
    response = reply(client_for(outsider), thread, body="my careful answer", parent=parent.pk)
    assert response.status_code == 400
    html = response.content.decode()
    assert "removed, so it can" in html and "my careful answer" in html
    assert not Post.objects.filter(body="my careful answer").exists()


def test_reply_naming_a_post_of_another_thread_is_refused(board, writer, private_board, member):
    thread = start_thread(board, writer).post.thread
    secret = start_thread(private_board, member, body="private words").post
    response = reply(client_for(writer), thread, body="my answer", parent=secret.pk)
    assert response.status_code == 400
    html = response.content.decode()
    assert "belongs to another thread" in html and "my answer" in html
    assert "private words" not in html
    assert not Post.objects.filter(body="my answer").exists()


def test_reply_to_a_thread_on_a_board_you_cannot_read_is_404(private_board, member, outsider):
    thread = start_thread(private_board, member).post.thread
    assert reply(client_for(outsider), thread, body="hello").status_code == 404
    assert client_for(outsider).get(f"/forums/t/{thread.pk}/reply/").status_code == 404
    assert reply(client_for(outsider), Thread(pk=99999), body="x").status_code == 404


def test_new_thread_without_title_keeps_the_body(board, writer):
    response = client_for(writer).post(
        f"/forums/b/{board.slug}/new/", {"title": "", "body": "my story so far", "action": "post"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html and "my story so far" in html
    assert not Thread.objects.filter(board=board).exists()


def test_preview_without_javascript_shows_the_rendering_and_posts_nothing(board, writer):
    thread = start_thread(board, writer).post.thread
    response = reply(client_for(writer), thread, body="**bold** words", action="preview")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong> words" in html and "**bold** words" in html
    assert thread.posts.count() == 1


def test_htmx_preview_renders_sanitised_markdown(writer):
    response = client_for(writer).post(
        "/forums/preview/", {"body": "<script>x()</script> *hi*"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<em>hi</em>" in html and "<script>" not in html


def test_quote_prefills_the_reply(board, writer):
    thread = start_thread(board, writer).post.thread
    parent = reply_to(thread, writer, body="line one\nline two")
    html = client_for(writer).get(f"/forums/t/{thread.pk}/reply/?parent={parent.pk}&quote=1")
    assert "&gt; line one\n&gt; line two" in html.content.decode()


def test_a_reply_lands_once_and_redirects_to_its_permalink(board, writer):
    thread = start_thread(board, writer).post.thread
    response = reply(client_for(writer), thread, body="once")
    assert response.status_code == 302
    assert Post.objects.filter(body="once").count() == 1
    assert response.url == Post.objects.get(body="once").get_absolute_url()
