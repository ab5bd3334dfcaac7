"""Two members chat in Chromium through a real daphne server (websockets, channels-redis).

Django's live_server speaks only HTTP, so a daphne process is started on a free port against the
test database; the data the test commits (transaction=True) is what daphne reads.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.chat.sockets import session_cookie
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
)

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_daphne(tmp_path_factory):
    """A daphne process on a free port against the test database; yields its URL."""
    db = settings.DATABASES["default"]
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        SECRET_KEY=settings.SECRET_KEY,
        SECURE_COOKIES="0",
        DEBUG="0",
    )
    if os.environ.get("FAKE_NOW"):  # daphne runs on this session's shifted clock (tests/clock.py)
        env["FAKE_NOW"] = timezone.now().isoformat()
    log = tmp_path_factory.mktemp("daphne") / "daphne.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.clock", "daphne", "-b", "127.0.0.1", "-p", str(port),
             "supportgroups.asgi:application"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError(log.read_text())
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def daphne_url(django_db_setup, tmp_path_factory):
    with running_daphne(tmp_path_factory) as url:
        yield url


def _signed_in_page(browser, base_url, user, **context_args):
    context = browser.new_context(base_url=base_url, **context_args)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": base_url}]
    )
    return context, context.new_page()


def _say(page, text):
    page.locator("#chat-body").fill(text)
    page.locator("#chat-body").press("Enter")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_two_members_chat_and_one_catches_up_after_going_offline(browser, daphne_url):
    group = SupportGroupFactory()
    alice = MembershipFactory(group=group).user
    bob = MembershipFactory(group=group).user
    room_path = f"/chat/{group.slug}/"
    alice_context, alice_page = _signed_in_page(
        browser, daphne_url, alice, viewport={"width": 320, "height": 640}
    )
    bob_context, bob_page = _signed_in_page(browser, daphne_url, bob)
    csp_errors = []
    for page in (alice_page, bob_page):
        page.on("console", lambda m: "Content Security Policy" in m.text and csp_errors.append(m))
        page.goto(room_path)
        expect(page.locator("#chat-send")).to_be_enabled()  # the websocket is up under the CSP
    assert csp_errors == []
    assert alice_page.evaluate("document.documentElement.scrollWidth") <= 320

    _say(alice_page, "Hello Bob")
    expect(bob_page.locator(".chat-message", has_text="Hello Bob")).to_have_count(1)
    expect(bob_page.locator("#chat-announcer")).to_contain_text("Hello Bob")
    alice_page.locator("#chat-body").press("Shift+Enter")
    assert alice_page.locator("#chat-body").input_value() == "\n"

    alice_context.set_offline(True)
    expect(alice_page.locator("#chat-connection")).to_be_visible()
    expect(alice_page.locator("#chat-send")).to_be_disabled()
    alice_page.locator("#chat-body").fill("a draft I keep")
    for text in ("first while away", "second while away", "third while away"):
        _say(bob_page, text)
        expect(bob_page.locator(".chat-message", has_text=text)).to_have_count(1)

    alice_context.set_offline(False)
    expect(alice_page.locator("#chat-send")).to_be_enabled(timeout=15_000)
    for text in ("first while away", "second while away", "third while away"):
        expect(alice_page.locator(".chat-message", has_text=text)).to_have_count(1)
    expect(alice_page.locator(".chat-message")).to_have_count(4)
    expect(alice_page.locator("#chat-announcer")).to_have_text(
        "New messages while you were away: 3"
    )
    assert alice_page.locator("#chat-body").input_value() == "a draft I keep"
    alice_context.close()
    bob_context.close()


def _remove(group, user, by):
    from django.db import connection

    from groups import services as groups_services
    from groups.models import Membership

    try:
        groups_services.remove(membership=Membership.objects.get(group=group, user=user), by=by)
    finally:
        connection.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_facilitator_badge_and_a_removed_member_keeps_the_draft_but_cannot_send(
    browser, daphne_url
):
    group = SupportGroupFactory()
    facilitator = FacilitatorMembershipFactory(group=group).user
    alice = MembershipFactory(group=group, user__display_name="Alice").user
    room_path = f"/chat/{group.slug}/"
    fac_context, fac_page = _signed_in_page(browser, daphne_url, facilitator)
    alice_context, alice_page = _signed_in_page(browser, daphne_url, alice)
    for page in (fac_page, alice_page):
        page.goto(room_path)
        expect(page.locator("#chat-send")).to_be_enabled()

    # The badge comes from the membership, drawn by chat.js for a live message.
    _say(fac_page, "Welcome, everyone")
    _say(alice_page, "Thanks")
    welcome = alice_page.locator(".chat-message", has_text="Welcome, everyone")
    expect(welcome.locator(".chat-role")).to_have_text("Facilitator")
    expect(alice_page.locator(".chat-message", has_text="Thanks")).to_have_count(1)
    expect(
        alice_page.locator(".chat-message", has_text="Thanks").locator(".chat-role")
    ).to_have_count(0)

    alice_page.locator("#chat-body").fill("a draft I was writing")
    # In its own thread: Playwright's event loop in this one would stop async_to_sync from
    # sending the access event on commit.
    remover = threading.Thread(target=_remove, args=(group, alice, facilitator))
    remover.start()
    remover.join()
    expect(alice_page.locator("#chat-body")).not_to_be_editable()
    expect(alice_page.locator("#chat-send")).to_be_disabled()
    expect(alice_page.locator("#chat-body")).to_have_value("a draft I was writing")
    expect(alice_page.locator("#chat-error")).to_have_text(
        "You no longer have access to this group."
    )
    alice_context.close()
    fac_context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_member_muted_from_the_room_sees_why_and_cannot_write_without_reload(browser, daphne_url):
    group = SupportGroupFactory()
    facilitator = FacilitatorMembershipFactory(group=group).user
    alice = MembershipFactory(group=group, user__display_name="Alice").user
    room_path = f"/chat/{group.slug}/"
    fac_context, fac_page = _signed_in_page(browser, daphne_url, facilitator)
    alice_context, alice_page = _signed_in_page(browser, daphne_url, alice)
    for page in (fac_page, alice_page):
        page.goto(room_path)
        expect(page.locator("#chat-send")).to_be_enabled()
    expect(alice_page.locator("#chat-write")).to_be_hidden()

    _say(alice_page, "something hurtful")
    alice_page.locator("#chat-body").fill("but I")
    message = fac_page.locator(".chat-message", has_text="something hurtful")
    message.get_by_role("button", name="Mute").click()
    expect(fac_page.locator("#chat-notice")).to_have_text(
        "The member is muted in this group.", timeout=10_000
    )

    expect(alice_page.locator("#chat-write")).to_contain_text("A facilitator has muted you")
    expect(alice_page.locator("#chat-send")).to_be_disabled()
    expect(alice_page.locator("#chat-body")).not_to_be_editable()
    expect(alice_page.locator("#chat-body")).to_have_value("but I")  # kept, to copy
    alice_context.close()
    fac_context.close()


def _late_publish(group, author):
    """Store two messages, publish only the second (another daphne process's publish is late)."""
    from asgiref.sync import async_to_sync
    from django.db import connection

    from tests.chat.sockets import publish, save_unpublished

    try:
        save_unpublished(group=group, author=author, body="the one published late")
        async_to_sync(publish)(save_unpublished(group=group, author=author, body="the next one"))
    finally:
        connection.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_gap_in_live_delivery_is_filled_in_order(browser, daphne_url):
    group = SupportGroupFactory()
    alice = MembershipFactory(group=group).user
    bob = MembershipFactory(group=group).user
    context, page = _signed_in_page(browser, daphne_url, alice)
    page.goto(f"/chat/{group.slug}/")
    expect(page.locator("#chat-send")).to_be_enabled()
    # In its own thread, as in the test above (Playwright's loop runs in this one).
    writer = threading.Thread(target=_late_publish, args=(group, bob))
    writer.start()
    writer.join()
    # chat.js keeps the early one, waits a moment, then asks for what follows its contiguous id.
    expect(page.locator(".chat-message .chat-body")).to_have_text(
        ["the one published late", "the next one"], timeout=10_000
    )
    context.close()
