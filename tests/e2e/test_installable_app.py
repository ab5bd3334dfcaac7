"""The installable app in Chromium: the manifest and the service worker register, and with the
network cut the worker shows the offline page it saved: the person's next meetings and the
crisis lines, styled from the static files it kept."""

import importlib
import time

import pytest
from django.apps import apps
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import MembershipFactory, OccurrenceFactory, UserFactory


def _eventually(page, script: str, arg=None, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(script, arg)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"never true: {script}")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_app_registers_and_shows_my_meetings_with_the_network_cut(live_server, signed_in_page):
    # The crisis lines are a migration's rows, which an earlier transactional test emptied.
    seed = importlib.import_module("moderation.migrations.0002_seed_crisis_lexicon_and_lines")
    seed.seed(apps, None)
    person = UserFactory(time_zone="Europe/London")
    group = MembershipFactory(user=person).group
    OccurrenceFactory(series__group=group, series__title="Thursday circle")
    OccurrenceFactory(series__title="A stranger's meeting")
    page = signed_in_page(person, live_server.url)
    page.goto(f"{live_server.url}/")

    href = page.locator('link[rel="manifest"]').get_attribute("href")
    manifest = page.evaluate("async (href) => (await fetch(href)).json()", href)
    assert manifest["name"] == settings.SITE_NAME and manifest["scope"] == "/"

    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope == f"{live_server.url}/"
    # Installed: the offline page is saved, and its styles are in the versioned cache.
    _eventually(page, "async () => !!(await caches.match('/offline/'))")
    names = _eventually(
        page,
        """async () => {
            const names = (await caches.keys()).filter((n) => n.startsWith('static-'));
            for (const name of names) {
                if (await (await caches.open(name)).match('/static/css/site.css')) return names;
            }
            return null;
        }""",
    )
    assert len(names) == 1

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/forums/")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_text("Thursday circle")).to_be_visible()
    expect(page.get_by_text("Samaritans")).to_be_visible()
    expect(page.get_by_text("A stranger's meeting")).to_have_count(0)
    # The site's own styles, from the cache: the skip link is positioned off screen.
    assert page.evaluate(
        "() => getComputedStyle(document.querySelector('.skip-link')).position"
    ) in ("absolute", "fixed")
    page.context.set_offline(False)
    page.context.close()  # the worker stops with its context: no request outlives the test


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_devices_page_offers_to_turn_this_device_on(live_server, signed_in_page, vapid):
    person = UserFactory()
    page = signed_in_page(person, live_server.url, permissions=["notifications"])
    page.goto(f"{live_server.url}/profile/devices/")
    turn_on = page.get_by_role("button", name="Turn on notifications on this device")
    expect(turn_on).to_be_visible()  # the script found a worker and the Push API
    expect(page.get_by_text("Turning notifications on needs JavaScript")).to_be_hidden()
    # This machine reaches no push service: the browser's subscription fails, and says so.
    turn_on.click()
    expect(page.get_by_text("Notifications could not be turned on for this device.")).to_be_visible(
        timeout=30_000
    )
    page.context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_push_shows_a_notification_that_opens_its_link(live_server, signed_in_page):
    page = signed_in_page(UserFactory(), live_server.url, permissions=["notifications"])
    page.goto(f"{live_server.url}/")
    page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    # Chromium's DevTools deliver a push to the worker as a push service would.
    session = page.context.new_cdp_session(page)
    registrations = []
    session.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    session.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    (registration,) = [r for r in registrations if r["scopeURL"] == f"{live_server.url}/"][:1]
    for payload in (
        '{"title": "New reply", "body": "Open it", "url": "/forums/", "tag": "replies"}',
        '{"title": "New reply", "body": "Open it", "url": "/forums/", "tag": "replies"}',
        '{"title": "Urgent: a member may be at risk", "body": "", "url": "/moderation/items/7/",'
        ' "tag": "urgent"}',
    ):
        session.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": live_server.url,
                "registrationId": registration["registrationId"],
                "data": payload,
            },
        )
    shown = _eventually(
        page,
        """async () => {
            const shown = await (await navigator.serviceWorker.ready).getNotifications();
            return shown.length === 2
                ? shown.map((n) => [n.title, n.tag, n.data.url, n.requireInteraction]).sort()
                : null;
        }""",
    )
    assert shown == [
        ["New reply", "replies", "/forums/", False],  # the second replaced the first
        [
            "Urgent: a member may be at risk",
            "urgent /moderation/items/7/",
            "/moderation/items/7/",
            True,
        ],
    ]
    page.context.close()
