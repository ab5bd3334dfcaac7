"""Visitors' pages kept whole (supportgroups.visitor_pages): the same HTML as the view renders,
no database work when kept, and every change a visitor could see shown at once.

The golden tests (tests/forums/test_rendering.py, tests/groups/test_rendering.py) ask for each
visitor's page twice: the kept copy is compared with the stored rendering as well.
"""

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums.models import Board
from moderation.adapters import adapter_for
from supportgroups import visitor_pages
from tests.factories import MembershipFactory, UserFactory, client_for
from tests.forums.conftest import reply_to, start_thread

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _at_the_start_of_a_minute():
    """A kept page's key holds its minute: each test starts at second 0, so a slow machine
    does not cross into the next minute between two visits and miss the kept page."""
    with time_machine.travel(timezone.now().replace(second=0, microsecond=0), tick=True):
        yield


def _page(client: Client, path: str, **headers) -> tuple[str, int]:
    """The page's HTML and the queries its request made."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.fixture
def thread(board, writer):
    thread = start_thread(board, writer, title="Scan day nerves", body="How do you cope?")
    return thread.post.thread


def test_a_second_visitor_gets_the_kept_page_without_the_database(thread):
    first, first_queries = _page(Client(), thread.get_absolute_url())
    again, queries = _page(Client(), thread.get_absolute_url())
    assert again == first and first_queries > 0
    assert queries == 0


@pytest.mark.parametrize("path", ["/", "/forums/", "/groups/", "/resources/"])
def test_other_visitor_pages_are_kept_too(path, board, group):
    first, _queries = _page(Client(), path)
    again, queries = _page(Client(), path)
    assert again == first and queries == 0


def test_a_visitors_page_sets_no_cookie_and_holds_no_form_token(thread):
    for _fresh_then_kept in range(2):
        response = Client().get(thread.get_absolute_url())
        assert not response.cookies
        assert "csrf" not in response.content.decode().lower()


def test_a_new_post_shows_to_the_next_visitor_at_once(thread, writer):
    _page(Client(), thread.get_absolute_url())
    reply_to(thread, writer, body="A reply written just now")
    page, queries = _page(Client(), thread.get_absolute_url())
    assert "A reply written just now" in page and queries > 0


def test_a_moderation_decision_shows_to_the_next_visitor_at_once(thread, writer):
    post = reply_to(thread, writer, body="Words the moderators will hide")
    board_page, _queries = _page(Client(), thread.board.get_absolute_url())
    assert "Scan day nerves" in board_page
    assert "Words the moderators will hide" in _page(Client(), thread.get_absolute_url())[0]

    adapter_for(post).hide(reason="spam")
    page, _queries = _page(Client(), thread.get_absolute_url())
    assert "Words the moderators will hide" not in page
    assert "This post is hidden by the moderators." in page


def test_an_edited_group_shows_to_the_next_visitor_at_once(group):
    url = group.get_absolute_url()
    assert "Tuesday circle" in _page(Client(), url)[0]
    assert "Tuesday circle" in _page(Client(), "/groups/")[0]
    group.name = "Wednesday circle"
    group.save(update_fields=["name"])
    for path in (url, "/groups/"):
        page, _queries = _page(Client(), path)
        assert "Wednesday circle" in page and "Tuesday circle" not in page


@pytest.mark.django_db(transaction=True)
def test_only_committed_writes_visitors_could_see_move_the_version(board, writer):
    """Outside a test case's transaction: the version moves when the write commits, and not for
    a write rolled back or one to a table no visitor's page shows (a member's read mark)."""
    thread = start_thread(board, writer, title="Committed").post.thread
    reader = client_for(MembershipFactory().user)  # signing in changes nothing shown
    _page(Client(), thread.get_absolute_url())
    with transaction.atomic():
        with transaction.atomic():
            Board.objects.filter(pk=board.pk).update(name="Never named")
            transaction.set_rollback(True)
        assert reader.get(thread.get_absolute_url()).status_code == 200
    page, queries = _page(Client(), thread.get_absolute_url())
    assert queries == 0 and "Never named" not in page

    with transaction.atomic():
        Board.objects.filter(pk=board.pk).update(name="Named at commit")
    page, queries = _page(Client(), thread.get_absolute_url())
    assert "Named at commit" in page and queries > 0


def test_members_never_get_a_visitors_page(thread, group):
    member = MembershipFactory(group=group, user=UserFactory(display_name="Marta")).user
    _page(Client(), thread.get_absolute_url())
    page, queries = _page(client_for(member), thread.get_absolute_url())
    assert "Marta" in page and "Sign in to reply" not in page and queries > 0


def test_a_private_groups_board_is_never_kept_for_anyone(private_board, group):
    member = MembershipFactory(group=group).user
    thread = start_thread(private_board, member, title="Only for us").post.thread
    assert client_for(member).get(thread.get_absolute_url()).status_code == 200
    for _twice in range(2):
        response = Client().get(thread.get_absolute_url())
        assert response.status_code == 404 and b"Only for us" not in response.content


def test_each_language_has_its_own_copy(thread, settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    for language in ("fr", "en", "fr", "en"):
        page, _queries = _page(Client(), thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
        assert f'<html lang="{language}" dir="ltr">' in page


def test_a_visitor_with_a_message_waiting_sees_it(thread, writer):
    _page(Client(), thread.get_absolute_url())
    client = client_for(writer)
    client.post("/accounts/logout/")
    page, _queries = _page(client, thread.get_absolute_url())
    assert "You have signed out." in page
    assert "You have signed out." not in _page(client, thread.get_absolute_url())[0]


def test_the_same_address_through_htmx_is_kept_apart(group):
    full, _queries = _page(Client(), "/groups/")
    partial, _queries = _page(Client(), "/groups/", HTTP_HX_REQUEST="true")
    assert "<html" in full and "<html" not in partial
    assert _page(Client(), "/groups/")[0] == full


@pytest.mark.parametrize(
    ("sql", "shown"),
    [
        ('INSERT INTO "forums_post" ("body") VALUES (%s)', True),
        ('UPDATE "groups_supportgroup" SET "name" = %s', True),
        ('DELETE FROM "forums_reaction" WHERE "id" = %s', True),
        ('SELECT "forums_post"."id" FROM "forums_post"', False),
        ('UPDATE "django_session" SET "expire_date" = %s', False),
        ('UPDATE "supportgroups_user" SET "last_login" = %s WHERE "id" = %s', False),
        ('UPDATE "supportgroups_user" SET "display_name" = %s WHERE "id" = %s', True),
        ('INSERT INTO "forums_threadreadstate" ("user_id") VALUES (%s)', False),
        ('INSERT INTO "conversations_message" ("body") VALUES (%s)', False),
    ],
)
def test_which_writes_move_the_version(sql, shown):
    assert visitor_pages._shows_to_visitors(sql) is shown


def test_a_kept_page_never_reaches_someone_signed_in_after_a_visit(thread, writer):
    client = Client()
    _page(client, thread.get_absolute_url())
    client.force_login(writer)
    page, _queries = _page(client, thread.get_absolute_url())
    assert "Sign in to reply" not in page
