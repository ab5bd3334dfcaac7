"""The site in real headless Chromium: strict CSP, keyboard, 320 px, the sign-up form."""

import re

import pytest
from playwright.sync_api import expect

from supportgroups.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def collect_problems(page) -> list[str]:
    """Console errors (a CSP violation is one) and failed requests, as they happen."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    return problems


def test_home_page_under_a_strict_csp_by_keyboard_and_at_320px(page, live_server):
    problems = collect_problems(page)
    response = page.goto(live_server.url + "/")

    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    expect(page.get_by_role("heading", level=1)).to_contain_text("face cancer alone")

    # Our own CSS and scripts loaded despite the CSP (no inline anything to block).
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("typeof bootstrap") == "object"
    button = page.get_by_role("link", name="Find a group").last
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(31, 95, 139)"

    # The first Tab lands on the skip link, which is visible when focused.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    # 320 px wide: nothing scrolls sideways, and the menu opens from its toggle.
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert problems == []


def test_sign_up_form_keeps_typed_text_on_errors_then_signs_up(browser, live_server):
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    problems = collect_problems(page)
    response = page.goto(live_server.url + "/accounts/signup/")
    assert "unsafe-inline" not in response.headers["content-security-policy"]

    # Every control has a label; the browser's own time zone is preselected by site.js.
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    page.get_by_label("Email").fill("harbour@example.org")
    page.get_by_label("Display name").fill("me@harbour.example")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("a-long-test-password-42")
    page.get_by_label("Password (again)").fill("a-long-test-password-42")
    page.get_by_label(re.compile("or older")).check()
    page.get_by_label(re.compile("processes the health information")).check()
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_text("Please don't use an email address as a display name.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("harbour@example.org")
    expect(page.get_by_label("Display name")).to_have_value("me@harbour.example")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    assert not User.objects.filter(email="harbour@example.org").exists()

    page.get_by_label("Display name").fill("Harbour Light")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("a-long-test-password-42")
    page.get_by_label("Password (again)").fill("a-long-test-password-42")
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify")
    person = User.objects.get(email="harbour@example.org")
    assert (person.display_name, person.time_zone) == ("Harbour Light", "Asia/Tokyo")
    assert problems == []
    context.close()
