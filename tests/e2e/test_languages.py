"""Arabic in Chromium: pages right to left with Bootstrap's RTL stylesheet, the chat and the
moderation dashboard among them, and axe-core finds no WCAG 2.2 A/AA violation. And the
switcher works without JavaScript."""

import pytest
from django.urls import reverse

from forums.models import Board, Thread
from groups.models import SupportGroup
from supportgroups.models import User
from tests.e2e.helpers import outside_playwrights_loop
from tests.e2e.test_accessibility import demo, facilitator_pages, violations  # noqa: F401

pytestmark = pytest.mark.e2e


def arabic(email: str) -> User:
    User.objects.filter(email=email).update(language="ar")
    return User.objects.get(email=email)


def test_arabic_pages_read_right_to_left_with_no_axe_violations(signed_in_page, live_server, demo):  # noqa: F811
    member = arabic("robin@example.org")
    group = SupportGroup.objects.filter(memberships__user=member).order_by("pk").first()
    board = Board.objects.get(group=group)
    thread = Thread.objects.filter(board=board).first()
    paths = [
        reverse("home"),
        reverse("groups:directory"),
        group.get_absolute_url(),
        reverse("chat:room", args=[group.slug]),
        reverse("forums:board", args=[board.slug]),
        reverse("forums:thread", args=[thread.pk]),
        reverse("forums:search") + "?q=sleep",
        reverse("meetings:mine"),
        reverse("profile"),
    ]
    page = signed_in_page(member, live_server.url)
    for path in paths:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "ar", path
        assert page.locator("html").get_attribute("dir") == "rtl", path
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl", path
        sheets = page.evaluate("[...document.styleSheets].map(s => s.href || '')")
        assert any(s.endswith("/static/vendor/bootstrap.rtl.min.css") for s in sheets), path
    # The chat's own words come from the Arabic script catalogue.
    page.goto(reverse("chat:room", args=[group.slug]))
    assert page.evaluate("typeof gettext === 'function' && gettext('Send')") != "Send"
    page.context.close()
    found = violations(signed_in_page, live_server.url, member, paths)
    assert not found, "\n".join(found)


def test_the_dashboard_in_arabic_has_no_axe_violations(signed_in_page, live_server, demo):  # noqa: F811
    facilitator = arabic("sam@example.org")
    pages = outside_playwrights_loop(facilitator_pages, facilitator)[:2]  # dashboard, an item
    page = signed_in_page(facilitator, live_server.url)
    page.goto(pages[0])
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.context.close()
    found = violations(signed_in_page, live_server.url, facilitator, pages)
    assert not found, "\n".join(found)


def test_a_visitor_switches_language_without_javascript(browser, live_server, demo):  # noqa: F811
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(reverse("groups:directory"))
    assert page.locator("html").get_attribute("lang") == "en"
    switcher = page.get_by_role("navigation", name="Language")
    switcher.get_by_label("Language").select_option("de")
    switcher.get_by_role("button", name="Change language").click()
    page.wait_for_url(live_server.url + reverse("groups:directory"))
    assert page.locator("html").get_attribute("lang") == "de"
    page.goto(reverse("home"))  # remembered by the cookie
    assert page.locator("html").get_attribute("lang") == "de"
    context.close()
