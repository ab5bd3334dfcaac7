"""Full-text search on PostgreSQL (highlighted, newest first, paged by keyset), filtered to what
the reader may read; the plain fallback elsewhere."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums import services
from forums.models import Post
from forums.search import plain_search, plain_snippet, search_posts
from moderation.adapters import adapter_for
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory, client_for
from tests.forums.conftest import reply_to, start_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(settings):
    settings.FORUMS_PAGE_SIZE = 3


def ids(page) -> list[int]:
    return [hit.post.pk for hit in page.hits]


def link(page_html: str, rel: str) -> str | None:
    """The address of the page's "Newer results" (prev) or "Older results" (next) link."""
    found = re.search(f'rel="{rel}" href="([^"]+)"', page_html)
    return "/forums/search/" + html.unescape(found.group(1)) if found else None


def test_newest_posts_come_first_and_titles_count(board, writer):
    opening = start_thread(board, writer, title="Neuropathy after chemo", body="Tingling feet.")
    thread = opening.post.thread
    once = reply_to(thread, writer, body="My aunt had neuropathy once, years ago.")
    reply_to(thread, writer, body="Nothing to do with it.")
    again = reply_to(thread, writer, body="Neuropathy in my hands eased with time.")
    page = search_posts(user=writer, query="neuropathy")
    assert ids(page) == [again.pk, once.pk, opening.post.pk]
    assert "<mark>Neuropathy</mark>" in str(page.hits[0].snippet)
    assert page.newer is None and page.older is None and page.number == 1


def test_stemming_and_web_search_syntax(board, writer):
    thread = start_thread(board, writer, body="Walking helped my fatigue").post.thread
    hit = reply_to(thread, writer, body="I walked every morning")
    reply_to(thread, writer, body="I walked, but -- no, the pool")
    found = ids(search_posts(user=writer, query="walk -pool"))
    assert hit.pk in found and len(found) == 2


def test_private_board_posts_never_reach_non_members(private_board, board, member, outsider, staff):
    start_thread(private_board, member, body="Our secret about lymphoedema sleeves")
    start_thread(board, member, body="Public words about lymphoedema")
    expectations = [(None, 1), (outsider, 1), (member, 2), (staff, 2)]
    for viewer, count in expectations:
        page = client_for(viewer).get("/forums/search/?q=lymphoedema").content.decode()
        assert page.count('class="search-hit') == count, viewer
        assert ("secret" in page) is (count == 2)


def test_removed_held_and_hidden_posts_are_not_found_even_by_moderators(board, writer, staff):
    thread = start_thread(board, writer, body="opening words").post.thread
    removed = reply_to(thread, writer, body="zebrafish removed")
    services.remove_post(post=removed)
    hidden = reply_to(thread, writer, body="zebrafish hidden")
    adapter_for(hidden).hide(reason="spam")
    Post.objects.filter(pk=reply_to(thread, writer, body="zebrafish held").pk).update(is_held=True)
    visible = reply_to(thread, writer, body="zebrafish visible")
    for viewer in (writer, staff):
        assert ids(search_posts(user=viewer, query="zebrafish")) == [visible.pk]


def test_replies_in_a_thread_waiting_for_a_facilitator_do_not_show_its_title(
    private_board, member, facilitator, outsider
):
    """A held opening post keeps its thread from everyone but its writer and moderators, so a
    facilitator's reply there must not carry the thread's title into search."""
    held = start_thread(private_board, member, title="Okapi worries", body="first words").post
    Post.objects.filter(pk=held.pk).update(is_held=True)
    reply_to(held.thread, facilitator, body="An okapi reply while it waits")
    for viewer in (member, facilitator, outsider):
        assert search_posts(user=viewer, query="okapi").hits == []
        page = client_for(viewer).get("/forums/search/?q=okapi").content.decode()
        assert "Okapi worries" not in page


def test_snippets_escape_what_people_wrote(board, writer):
    start_thread(board, writer, body='<img src=x onerror="alert(1)"> radiotherapy <b>burns</b>')
    page = client_for(writer).get("/forums/search/?q=radiotherapy").content.decode()
    assert "<mark>radiotherapy</mark>" in page
    assert "<img" not in page and "<b>burns" not in page


def test_anonymous_writers_stay_anonymous_in_results(board, writer, outsider):
    start_thread(board, writer, body="a hidden name for porcupines", is_anonymous=True)
    page = client_for(outsider).get("/forums/search/?q=porcupines").content.decode()
    assert "Anonymous member" in page and "Wren" not in page


def test_facilitators_see_who_wrote_anonymously_on_their_groups_board(
    private_board, member, facilitator
):
    start_thread(private_board, member, body="anonymous capybara words", is_anonymous=True)
    [hit] = search_posts(user=facilitator, query="capybara").hits
    assert hit.author_label == "Marta"
    [hit] = search_posts(user=member, query="capybara").hits
    assert hit.author_label == "Anonymous member"


def test_pages_walk_every_match_once_newest_first_and_back(board, writer, small_pages):
    thread = start_thread(board, writer, body="nothing to find here").post.thread
    matching = [reply_to(thread, writer, body=f"wombat diary, day {i}").pk for i in range(8)]
    reply_to(thread, writer, body="no marsupials today")
    client = client_for(writer)

    url, pages = "/forums/search/?q=wombat", []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append((url, ids(response.context["page"]), response.context["page"].number))
        url = link(response.content.decode(), "next")
    assert [shown for _url, shown, _n in pages] == [
        matching[7:4:-1],
        matching[4:1:-1],
        matching[1::-1],
    ]
    assert [number for _url, _shown, number in pages] == [1, 2, 3]
    last = client.get(pages[-1][0]).content.decode()
    assert "Page 3" in last and 'aria-current="page"' in last

    url, back = link(last, "prev"), []
    while url:
        response = client.get(url)
        back.append((ids(response.context["page"]), response.context["page"].number))
        url = link(response.content.decode(), "prev")
    assert back == [(shown, number) for _url, shown, number in pages[-2::-1]]


def test_a_new_post_does_not_shift_the_next_page(board, writer, small_pages):
    thread = start_thread(board, writer, body="nothing to find here").post.thread
    matching = [reply_to(thread, writer, body=f"quokka note {i}").pk for i in range(5)]
    first = search_posts(user=writer, query="quokka")
    newest = reply_to(thread, writer, body="a brand new quokka note").pk
    second = search_posts(user=writer, query="quokka", after=first.older, number=2)
    assert ids(second) == matching[1::-1]
    assert second.older is None and second.newer == matching[1]
    newer = search_posts(user=writer, query="quokka", before=second.newer, number=1)
    assert ids(newer) == matching[4:1:-1] and newer.newer == matching[4]
    assert ids(search_posts(user=writer, query="quokka", before=newer.newer)) == [newest]


def test_the_page_costs_the_same_queries_for_one_hit_as_for_a_full_page(board, settings):
    """Session, user, the boards the reader may read, the page of matches (with thread, board
    and writer), the reader's memberships of the groups on the page (for anonymous writers'
    names), and the base template's blocked ids."""
    reader = UserFactory()
    groups = SupportGroupFactory.create_batch(3)
    boards = [board]
    for group in groups:
        MembershipFactory(group=group, user=reader)
        boards.append(services.ensure_group_board(group=group))
        boards[-1].allows_anonymous = True
        boards[-1].save(update_fields=["allows_anonymous"])

    def write(board, number):
        author = MembershipFactory(group=board.group).user if board.group else UserFactory()
        start_thread(board, author, body=f"pangolin number {number}", is_anonymous=True)

    write(boards[1], 0)
    client = client_for(reader)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/forums/search/?q=pangolin").context["page"].hits) == 1
    for i in range(settings.FORUMS_PAGE_SIZE + 3):
        write(boards[i % 4], i + 1)
    with CaptureQueriesContext(connection) as full:
        page = client.get("/forums/search/?q=pangolin").context["page"]
    assert len(page.hits) == settings.FORUMS_PAGE_SIZE
    assert {hit.author_label for hit in page.hits} == {"Anonymous member"}
    with CaptureQueriesContext(connection) as second:
        client.get(f"/forums/search/?q=pangolin&after={page.older}&page=2")
    sql = [q["sql"] for q in full.captured_queries]
    # (the header's unread count and moderation link are kept from sign-in)
    assert len(one.captured_queries) == len(sql) == len(second.captured_queries) == 5, sql
    [matches] = [statement for statement in sql if '"forums_post"' in statement]
    assert "OFFSET" not in matches and "COUNT(" not in matches and "LIMIT 21" in matches


@pytest.mark.parametrize(
    "params",
    [
        "q=%00",
        "q=chemo%00fatigue",
        "q=" + "fatigue+" * 2000,
        "q=chemo&after=-1",
        "q=chemo&after=0",
        "q=chemo&after=99999999999999999999999999",
        "q=chemo&before=9223372036854775808",
        "q=chemo&after=1e5",
        "q=chemo&after=%D9%A3",  # an Arabic-Indic digit: a digit to Python, not to PostgreSQL
        "q=chemo&page=-1",
        "q=chemo&page=999999999999999999999999",
        "q=chemo&page=abc&after=x&before=",
        "q=!!!%20%26%20|%20(",
        "q=the",
        "q=-chemo",
    ],
)
def test_odd_addresses_give_a_clean_page(board, writer, params):
    start_thread(board, writer, body="chemo and fatigue, the usual")
    response = client_for(writer).get(f"/forums/search/?{params}")
    assert response.status_code == 200
    assert "\x00" not in response.content.decode()


def test_a_nul_in_the_query_is_a_space_and_the_words_stay_in_the_box(board, writer):
    start_thread(board, writer, body="chemo and fatigue")
    response = client_for(writer).get("/forums/search/?q=chemo%00fatigue")
    assert len(response.context["page"].hits) == 1
    assert 'value="chemo fatigue"' in response.content.decode()


def test_a_cursor_past_the_last_match_says_so_and_links_back(board, writer):
    start_thread(board, writer, body="echidna sighting")
    first = Post.objects.get().pk
    page = client_for(writer).get(f"/forums/search/?q=echidna&after={first}&page=2")
    text = page.content.decode()
    assert "No more results." in text and 'href="?q=echidna">Back to the newest results' in text


def test_plain_fallback_when_not_on_postgresql(board, private_board, member, outsider, settings):
    settings.USING_POSTGRES = False
    start_thread(private_board, member, body="Secret Mango")
    start_thread(board, member, body="Public mango")
    assert len(search_posts(user=member, query="mango").hits) == 2
    assert [h.post.body for h in search_posts(user=outsider, query="MANGO").hits] == [
        "Public mango"
    ]


def test_plain_fallback_pages_too(board, writer, settings, small_pages):
    settings.USING_POSTGRES = False
    thread = start_thread(board, writer, body="nothing to find here").post.thread
    matching = [reply_to(thread, writer, body=f"Kiwi note {i}").pk for i in range(4)]
    first = search_posts(user=writer, query="kiwi")
    assert ids(first) == matching[:0:-1]
    assert ids(search_posts(user=writer, query="kiwi", after=first.older)) == matching[:1]


MARKED_UP = (
    "Hello **everyone** & welcome. <script>alert(1)</script> Radiotherapy <b>burns</b> "
    "\x02 _my notes_ on `creams`."
)


def test_postgres_snippets_are_plain_text_with_only_the_highlight_as_markup(board, writer):
    start_thread(board, writer, body=MARKED_UP)
    [hit] = search_posts(user=writer, query="radiotherapy").hits
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
    [hit] = search_posts(user=writer, query="burns radiotherapy").hits
    snippet = str(hit.snippet)
    assert snippet.startswith("…")  # starts near the first word found, not at the top
    assert "<mark>Radiotherapy</mark> <mark>burns</mark>" in snippet
    assert "&amp; welcome." in snippet and "my notes on creams" in snippet
    for source in ("**", "script", "alert", "&lt;", "_my", "`", "\x02"):
        assert source not in snippet, source
    assert plain_snippet("<p>a &lt;b&gt; c</p>", "b") == "a <\x02b\x03> c"
