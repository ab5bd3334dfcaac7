"""The reply tree: order, depth cut-off, permalinks, edits, soft delete, reactions."""

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from forums import selectors, services
from forums.models import Post, PostRevision, Reaction
from tests.factories import client_for
from tests.forums.conftest import bulk_replies, reply_to, start_thread

pytestmark = pytest.mark.django_db


def post_ids_in(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article id="post-(\d+)"', html)]


def test_tree_is_shown_depth_first_in_reply_order(board, writer):
    thread = start_thread(board, writer).post.thread
    a = reply_to(thread, writer, body="A")
    b = reply_to(thread, writer, body="B")
    a1 = reply_to(thread, writer, parent=a, body="A1")
    b1 = reply_to(thread, writer, parent=b, body="B1")
    a2 = reply_to(thread, writer, parent=a, body="A2")
    a1a = reply_to(thread, writer, parent=a1, body="A1a")

    html = client_for(writer).get(thread.get_absolute_url()).content.decode()

    expected = [thread.opening_post_id, a.pk, a1.pk, a1a.pk, a2.pk, b.pk, b1.pk]
    assert post_ids_in(html) == expected
    assert f'id="post-{a1a.pk}" class="post depth-2' in html
    newest = client_for(writer).get(thread.get_absolute_url() + "?sort=newest").content.decode()
    assert post_ids_in(newest) == [thread.opening_post_id, b.pk, b1.pk, a.pk, a1.pk, a1a.pk, a2.pk]


def test_most_supported_sort_puts_the_most_reacted_reply_first(board, writer, outsider):
    thread = start_thread(board, writer).post.thread
    quiet = reply_to(thread, writer, body="quiet")
    loved = reply_to(thread, writer, body="loved")
    for kind in ("hug", "thanks"):
        services.toggle_reaction(user=outsider, post=loved, kind=kind)
    tree = selectors.thread_tree(user=outsider, thread=thread, sort="supported")
    assert [p.pk for p in tree.posts] == [loved.pk, quiet.pk]


def test_depth_cut_off_links_to_the_rest_of_the_thread(board, writer):
    thread = start_thread(board, writer).post.thread
    chain = []
    for _ in range(9):
        chain.append(reply_to(thread, writer, parent=chain[-1] if chain else None))
    assert [p.depth for p in chain] == list(range(9))
    client = client_for(writer)

    html = client.get(thread.get_absolute_url()).content.decode()
    shown = post_ids_in(html)
    assert shown[1:] == [p.pk for p in chain[:6]]  # depths 0-5 on the thread page
    assert f"/forums/post/{chain[5].pk}/replies/" in html
    assert html.count("Continue this thread") == 1

    more = client.get(f"/forums/post/{chain[5].pk}/replies/").content.decode()
    assert post_ids_in(more) == [p.pk for p in chain[5:]]  # 5 at display depth 0, then 6, 7, 8
    assert f'id="post-{chain[8].pk}" class="post depth-3' in more


def test_permalink_opens_the_page_holding_the_post_and_marks_it(board, writer, settings):
    settings.FORUMS_PAGE_SIZE = 3
    thread = start_thread(board, writer).post.thread
    tops = [reply_to(thread, writer, body=f"top {i}") for i in range(7)]
    nested = reply_to(thread, writer, parent=tops[4], body="nested on page two")
    client = client_for(writer)

    response = client.get(nested.get_absolute_url())
    assert response.status_code == 302
    assert response.url == f"/forums/t/{thread.pk}/?after={tops[3].pk}#post-{nested.pk}"
    page = client.get(response.url.split("#")[0]).content.decode()
    assert nested.pk in post_ids_in(page) and tops[0].pk not in post_ids_in(page)
    assert ":target" in client.get("/static/css/forums.css").getvalue().decode()

    first = client.get(tops[0].get_absolute_url())
    assert first.url == f"/forums/t/{thread.pk}/#post-{tops[0].pk}"


def test_permalink_to_a_deep_post_opens_its_continuation(board, writer):
    thread = start_thread(board, writer).post.thread
    chain = []
    for _ in range(12):
        chain.append(reply_to(thread, writer, parent=chain[-1] if chain else None))
    client = client_for(writer)
    assert client.get(chain[7].get_absolute_url()).url == (
        f"/forums/post/{chain[5].pk}/replies/#post-{chain[7].pk}"
    )
    deep = client.get(chain[11].get_absolute_url()).url
    assert deep == f"/forums/post/{chain[10].pk}/replies/#post-{chain[11].pk}"
    assert chain[11].pk in post_ids_in(client.get(deep.split("#")[0]).content.decode())


def test_edit_keeps_history_for_facilitators_only(private_board, member, facilitator):
    post = start_thread(private_board, member, body="first words").post
    services.edit_post(post=post, body="second words")
    services.edit_post(post=post, body="third words", content_warning="loss")
    assert list(PostRevision.objects.filter(post=post).values_list("body", flat=True)) == [
        "second words",
        "first words",
    ]
    page = client_for(member).get(post.thread.get_absolute_url()).content.decode()
    assert "third words" in page and "edited" in page and "first words" not in page

    history = client_for(facilitator).get(f"/forums/post/{post.pk}/history/")
    assert history.status_code == 200
    assert "first words" in history.content.decode() and "second words" in history.content.decode()
    assert client_for(member).get(f"/forums/post/{post.pk}/history/").status_code == 403


def test_edit_through_the_page(board, writer):
    post = reply_to(start_thread(board, writer).post.thread, writer, body="tpyo")
    response = client_for(writer).post(
        f"/forums/post/{post.pk}/edit/", {"body": "typo fixed", "action": "post"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "typo fixed" and post.edited_at is not None


def test_soft_delete_keeps_the_tree(board, writer, outsider):
    thread = start_thread(board, writer).post.thread
    parent = reply_to(thread, writer, body="words to take back")
    child = reply_to(thread, outsider, parent=parent, body="an answer that stays")
    services.edit_post(post=parent, body="words to take back, edited")

    response = client_for(writer).post(f"/forums/post/{parent.pk}/delete/")
    assert response.status_code == 302

    parent.refresh_from_db()
    assert parent.is_removed and parent.body == "" and not parent.revisions.exists()
    html = client_for(outsider).get(thread.get_absolute_url()).content.decode()
    assert post_ids_in(html)[1:] == [parent.pk, child.pk]
    assert "removed by its author" in html and "an answer that stays" in html
    assert "words to take back" not in html
    assert client_for(writer).get(f"/forums/post/{parent.pk}/edit/").status_code == 403


def test_content_warning_collapses_the_body_without_javascript(board, writer):
    thread = start_thread(
        board, writer, body="The scan showed it has spread.", content_warning="recurrence"
    ).post.thread
    html = client_for(None).get(thread.get_absolute_url()).content.decode()
    assert re.search(
        r'<details class="content-warning"><summary>Content warning: recurrence</summary>'
        r'<div class="post-body"><p>The scan showed it has spread.</p></div></details>',
        html,
    )


def test_anonymous_posts_reveal_the_writer_only_to_facilitators_and_staff(
    private_board, member, facilitator, staff, group
):
    from tests.factories import MembershipFactory

    other = MembershipFactory(group=group).user
    thread = start_thread(private_board, member, body="hard to say", is_anonymous=True).post.thread
    url = thread.get_absolute_url()

    for viewer in (other, member):
        html = client_for(viewer).get(url).content.decode()
        assert "Anonymous member" in html
        assert "Marta" not in html.split("<main")[1]  # the writer's own nav shows their name
    for viewer in (facilitator, staff):
        html = client_for(viewer).get(url).content.decode()
        assert "Marta" in html and "posted anonymously" in html
    board_html = client_for(other).get(private_board.get_absolute_url()).content.decode()
    assert "Anonymous member" in board_html and "Marta" not in board_html


def test_anonymous_is_ignored_where_the_board_does_not_allow_it(board, writer):
    board.allows_anonymous = False
    board.save()
    post = start_thread(board, writer, is_anonymous=True).post
    assert post.is_anonymous is False


def test_professional_badge_for_facilitators_and_verified_professionals(
    private_board, member, facilitator
):
    member.is_verified_professional = True
    member.save()
    thread = start_thread(private_board, facilitator).post.thread
    reply_to(thread, member)
    from tests.factories import MembershipFactory

    plain = MembershipFactory(group=private_board.group).user
    reply_to(thread, plain)
    html = client_for(plain).get(thread.get_absolute_url()).content.decode()
    assert html.count("professional-badge") == 2


def test_reactions_are_unique_per_person_post_and_kind(board, writer, outsider):
    post = start_thread(board, writer).post
    client = client_for(outsider)
    client.post(f"/forums/post/{post.pk}/react/", {"kind": "hug"})
    client.post(f"/forums/post/{post.pk}/react/", {"kind": "thanks"})
    assert Reaction.objects.filter(post=post).count() == 2
    client.post(f"/forums/post/{post.pk}/react/", {"kind": "hug"})  # takes the hug back
    assert list(Reaction.objects.filter(post=post).values_list("kind", flat=True)) == ["thanks"]
    post.refresh_from_db()
    assert post.support_count == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(user=outsider, post=post, kind="thanks")
    assert client.post(f"/forums/post/{post.pk}/react/", {"kind": "like"}).status_code == 400


def test_replying_costs_the_same_in_a_big_thread_and_renumbers_nothing(board, writer):
    from forums.models import Thread

    small = start_thread(board, writer, title="small").post.thread
    big = start_thread(board, writer, title="big").post.thread
    deep_parent = bulk_replies(big, writer, 600)[-1]
    small_parent = reply_to(small, writer)
    # As the reply view loads it: with its board and group.
    small, big = (Thread.objects.select_related("board__group").get(pk=t.pk) for t in (small, big))
    reply_to(big, writer)  # warm moderation's lexicon cache

    def queries_for_reply(thread, parent):
        with CaptureQueriesContext(connection) as ctx:
            post = reply_to(thread, writer, parent=parent)
        return post, [q["sql"] for q in ctx.captured_queries]

    _post, small_sql = queries_for_reply(small, small_parent)
    post, big_sql = queries_for_reply(big, deep_parent)
    assert len(big_sql) == len(small_sql), "\n".join(big_sql)
    post_updates = [sql for sql in big_sql if sql.startswith('UPDATE "forums_post"')]
    assert post_updates and all(f'"id" = {post.pk}' in sql for sql in post_updates)
    assert Post.objects.get(pk=post.pk).path.startswith(deep_parent.path)


def test_htmx_reaction_returns_the_updated_counts(board, writer, outsider):
    post = start_thread(board, writer).post
    response = client_for(outsider).post(
        f"/forums/post/{post.pk}/react/", {"kind": "me_too"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.startswith('<div class="reactions" id="reactions-')
    assert 'aria-pressed="true">Me too <span class="badge text-bg-light">1</span>' in html


def test_reaction_forms_post_to_the_post(board, writer, outsider):
    post = start_thread(board, writer).post
    html = client_for(outsider).get(post.thread.get_absolute_url()).content.decode()
    assert html.count(f'action="/forums/post/{post.pk}/react/"') == 4
    anonymous_html = client_for(None).get(post.thread.get_absolute_url()).content.decode()
    assert "/react/" not in anonymous_html
