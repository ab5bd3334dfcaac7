"""Not indexed by default: header, meta tag and robots.txt; a page may opt in."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from supportgroups.privacy.middleware import NoIndexMiddleware, allow_indexing

pytestmark = pytest.mark.django_db


def test_every_page_says_noindex(client):
    response = client.get("/")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_robots_txt_keeps_crawlers_out_by_default(client, settings):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().splitlines() == ["User-agent: *", "Disallow: /"]

    settings.SEARCH_INDEXING_ALLOWED = True
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Disallow: /" not in lines
    assert "Disallow: /groups/" in lines and "Disallow: /account/" in lines


@pytest.mark.parametrize(("site_allows", "expect_header"), [(False, True), (True, False)])
def test_a_page_opts_in_only_when_the_site_allows(settings, site_allows, expect_header):
    settings.SEARCH_INDEXING_ALLOWED = site_allows
    middleware = NoIndexMiddleware(lambda request: allow_indexing(HttpResponse("board")))
    response = middleware(RequestFactory().get("/forums/public/"))
    assert ("X-Robots-Tag" in response) is expect_header
    plain = NoIndexMiddleware(lambda request: HttpResponse("x"))(RequestFactory().get("/"))
    assert plain["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize(
    ("site_allows", "board_indexable", "indexed"),
    [(False, True, False), (True, False, False), (True, True, True)],
)
def test_a_public_board_is_indexed_only_when_admin_and_site_both_allow(
    client, settings, site_allows, board_indexable, indexed
):
    from forums import services as forum_services
    from tests.factories import BoardFactory, UserFactory

    settings.SEARCH_INDEXING_ALLOWED = site_allows
    board = BoardFactory(indexable=board_indexable)
    thread = forum_services.create_thread(
        author=UserFactory(), board=board, title="Tips", body="Drink water"
    ).post.thread
    for url in (board.get_absolute_url(), thread.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert ("X-Robots-Tag" not in response) is indexed
        assert ('<meta name="robots" content="noindex' not in response.content.decode()) is indexed
