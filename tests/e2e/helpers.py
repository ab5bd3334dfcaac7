"""Steps several browser tests take (their fixtures are in conftest.py)."""

from concurrent.futures import ThreadPoolExecutor

from django.db import connections
from django.urls import reverse

from tests.factories import PASSWORD


def outside_playwrights_loop(work, *args):
    """Playwright's event loop runs in the test's thread, where the on-commit hooks of writes
    (which use async_to_sync) cannot; so writes run in a thread of their own."""

    def run():
        try:
            return work(*args)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def sign_in_with_password(page, base_url: str, user) -> None:
    """Through the real sign-in form, as a person would."""
    page.goto(base_url + reverse("account_login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(base_url + "/")


def say(page, text: str) -> None:
    """Type a chat message and send it with Enter."""
    page.locator("#chat-body").fill(text)
    page.locator("#chat-body").press("Enter")
