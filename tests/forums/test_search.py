"""Full-text search on PostgreSQL (ranked, highlighted), filtered to what the reader may read."""

import pytest

from forums import services
from forums.models import Post
from forums.search import plain_search, plain_snippet, search_posts
from tests.factories import client_for
from tests.forums.conftest import reply_to, start_thread

pytestmark = pytest.mark.django_db


def test_ranking_puts_title_matches_and_denser_matches_first(board, writer):
    thread = start_thread(board, writer, title="Neuropathy after chemo", body="Tingling feet.")
    once = reply_to(thread.post.thread, writer, body="My aunt had neuropathy once, years ago.")
    twice = reply_to(
        thread.post.thread,
        writer,
        body="Neuropathy in my hands. The neuropathy eased with time and neuropathy exercises.",
    )
    reply_to(thread.post.thread, writer, body="Nothing to do with it.")
    hits = search_posts(user=writer, query="neuropathy")
    assert [h.post.pk for h in hits] == [thread.post.pk, twice.pk, once.pk]
    assert "<mark>Neuropathy</mark>" in str(hits[1].snippet)


def test_stemming_and_web_search_syntax(board, writer):
    thread = start_thread(board, writer, body="Walking helped my fatigue").post.thread
    hit = reply_to(thread, writer, body="I walked every morning")
    reply_to(thread, writer, body="I walked, but -- no, the pool")
    assert hit.pk in [h.post.pk for h in search_posts(user=writer, query="walk -pool")]
    assert len(search_posts(user=writer, query="walk -pool")) == 2


def test_private_board_posts_never_reach_non_members(private_board, board, member, outsider, staff):
    start_thread(private_board, member, body="Our secret about lymphoedema sleeves")
    start_thread(board, member, body="Public words about lymphoedema")
    expectations = [(None, 1), (outsider, 1), (member, 2), (staff, 2)]
    for viewer, count in expectations:
        html = client_for(viewer).get("/forums/search/?q=lymphoedema").content.decode()
        assert html.count('class="search-hit') == count, viewer
        assert ("secret" in html) is (count == 2)


def test_removed_held_and_hidden_posts_are_not_found(board, writer):
    thread = start_thread(board, writer, body="opening words").post.thread
    removed = reply_to(thread, writer, body="zebrafish removed")
    services.remove_post(post=removed)
    hidden = reply_to(thread, writer, body="zebrafish hidden")
    hidden.hide(reason="spam")
    Post.objects.filter(pk=reply_to(thread, writer, body="zebrafish held").pk).update(is_held=True)
    visible = reply_to(thread, writer, body="zebrafish visible")
    assert [h.post.pk for h in search_posts(user=writer, query="zebrafish")] == [visible.pk]


def test_snippets_escape_what_people_wrote(board, writer):
    start_thread(board, writer, body='<img src=x onerror="alert(1)"> radiotherapy <b>burns</b>')
    html = client_for(writer).get("/forums/search/?q=radiotherapy").content.decode()
    assert "<mark>radiotherapy</mark>" in html
    assert "<img" not in html and "<b>burns" not in html


def test_anonymous_writers_stay_anonymous_in_results(board, writer, outsider):
    start_thread(board, writer, body="a hidden name for porcupines", is_anonymous=True)
    html = client_for(outsider).get("/forums/search/?q=porcupines").content.decode()
    assert "Anonymous member" in html and "Wren" not in html


def test_plain_fallback_when_not_on_postgresql(board, private_board, member, outsider, settings):
    settings.USING_POSTGRES = False
    start_thread(private_board, member, body="Secret Mango")
    start_thread(board, member, body="Public mango")
    assert len(search_posts(user=member, query="mango")) == 2
    assert [h.post.body for h in search_posts(user=outsider, query="MANGO")] == ["Public mango"]


MARKED_UP = (
    "Hello **everyone** & welcome. <script>alert(1)</script> Radiotherapy <b>burns</b> "
    "\x02 _my notes_ on `creams`."
)


def test_postgres_snippets_are_plain_text_with_only_the_highlight_as_markup(board, writer):
    start_thread(board, writer, body=MARKED_UP)
    [hit] = search_posts(user=writer, query="radiotherapy")
    snippet = str(hit.snippet)
    assert "<mark>Radiotherapy</mark>" in snippet
    assert "Hello everyone &amp; welcome." in snippet and "my notes on creams" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    for source in ("**", "script", "alert", "&lt;", "_my", "`", "\x02"):
        assert source not in snippet, source


def test_plain_fallback_matches_every_word_in_title_or_body(board, writer):
    opening = start_thread(board, writer, title="Qazwsx first week after diagnosis").post
    reply = reply_to(opening.thread, writer, body="The first days after the diagnosis, and after")
    posts = Post.objects.all()
    assert set(plain_search(posts, "diagnosis first")) == {opening, reply}
    assert set(plain_search(posts, "DIAGNOSIS  qazwsx")) == {opening}  # title words count too
    assert list(plain_search(posts, "diagnosis banana")) == []


def test_plain_fallback_snippet_is_plain_text_around_the_words(board, writer, settings):
    settings.USING_POSTGRES = False
    start_thread(board, writer, body=("Padding words. " * 20) + MARKED_UP)
    [hit] = search_posts(user=writer, query="burns radiotherapy")
    snippet = str(hit.snippet)
    assert snippet.startswith("…")  # starts near the first word found, not at the top
    assert "<mark>Radiotherapy</mark> <mark>burns</mark>" in snippet
    assert "&amp; welcome." in snippet and "my notes on creams" in snippet
    for source in ("**", "script", "alert", "&lt;", "_my", "`", "\x02"):
        assert source not in snippet, source
    assert plain_snippet("<p>a &lt;b&gt; c</p>", "b") == "a <\x02b\x03> c"
