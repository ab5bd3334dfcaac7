"""Staff manage boards and topics in Django admin, through the forums' services: anonymous
posting and search-engine indexing change without a migration; a private board is never
indexed, nor any board where the site forbids it; boards are never deleted there."""

import pytest

from forums.models import Board, Topic
from tests.factories import BoardFactory

pytestmark = pytest.mark.django_db


def board_form(**values):
    data = {
        "name": "Living with it",
        "slug": "living-with-it",
        "description": "Day to day",
        "position": 3,
        **values,
    }
    return {key: value for key, value in data.items() if value is not False}


def test_staff_add_a_board_and_open_it_to_anonymous_posts_and_search_engines(
    admin_client, settings
):
    settings.SEARCH_INDEXING_ALLOWED = True
    response = admin_client.post(
        "/admin/forums/board/add/", board_form(allows_anonymous="on", indexable="on")
    )
    assert response.status_code == 302
    board = Board.objects.get(slug="living-with-it")
    assert board.allows_anonymous and board.indexable and board.group is None
    response = admin_client.post(f"/admin/forums/board/{board.pk}/change/", board_form())
    assert response.status_code == 302
    board.refresh_from_db()
    assert not board.allows_anonymous and not board.indexable


def test_indexing_is_refused_where_the_site_or_the_board_forbids_it(
    admin_client, settings, private_board
):
    settings.SEARCH_INDEXING_ALLOWED = False
    refused = admin_client.post("/admin/forums/board/add/", board_form(indexable="on"))
    assert refused.status_code == 200
    assert "does not allow search engines" in refused.content.decode()
    assert not Board.objects.filter(slug="living-with-it").exists()

    settings.SEARCH_INDEXING_ALLOWED = True
    values = board_form(name=private_board.name, slug=private_board.slug, indexable="on")
    refused = admin_client.post(f"/admin/forums/board/{private_board.pk}/change/", values)
    assert "private: search engines never index it" in refused.content.decode()
    private_board.refresh_from_db()
    assert not private_board.indexable


def test_boards_are_not_deleted_from_admin(admin_client):
    board = BoardFactory()
    assert (
        admin_client.post(f"/admin/forums/board/{board.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Board.objects.filter(pk=board.pk).exists()


def test_staff_add_a_topic(admin_client):
    response = admin_client.post(
        "/admin/forums/topic/add/", {"name": "Scanxiety", "slug": "scanxiety", "position": 2}
    )
    assert response.status_code == 302
    assert Topic.objects.filter(slug="scanxiety").exists()
    assert admin_client.get("/admin/forums/board/").status_code == 200
