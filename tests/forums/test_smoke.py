from tests.forums.conftest import client_for, reply_to, start_thread


def test_pages_render(board, writer, member, private_board):
    written = start_thread(board, writer, body="Hi *all*", content_warning="scan results")
    thread = written.post.thread
    a = reply_to(thread, writer)
    reply_to(thread, writer, parent=a)
    c = client_for(writer)
    urls = [
        "/forums/",
        board.get_absolute_url(),
        thread.get_absolute_url(),
        f"/forums/post/{a.pk}/replies/",
        f"/forums/t/{thread.pk}/reply/?parent={a.pk}&quote=1",
        f"/forums/post/{a.pk}/edit/",
        "/forums/search/?q=post",
        "/forums/preferences/",
        f"/forums/b/{board.slug}/new/",
    ]
    for url in urls:
        r = c.get(url)
        assert r.status_code == 200, (url, r.content.decode()[:3000])
    r = client_for(member).get(f"/forums/group/{private_board.group.slug}/", follow=True)
    assert r.status_code == 200
