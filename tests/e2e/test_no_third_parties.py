"""Chromium, visiting every main page, asks nothing of any server but this one."""

from urllib.parse import urlsplit

import pytest

from tests.e2e.helpers import sign_in_with_password
from tests.factories import UserFactory
from tests.privacy.main_pages import main_pages


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_chromium_makes_no_request_outside_this_server(live_server, page):
    """Signs in through the real form, then visits every main page in the browser."""
    member = UserFactory()
    host = urlsplit(live_server.url).hostname
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    pages = main_pages(member)
    for signed_in, path in pages:
        if signed_in and "sessionid" not in {c["name"] for c in page.context.cookies()}:
            sign_in_with_password(page, live_server.url, member)
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.url == live_server.url + path  # really shown, not sent to sign in
    assert len(requested) > len(pages)
    outside = [u for u in requested if not u.startswith("data:") and urlsplit(u).hostname != host]
    assert outside == []
