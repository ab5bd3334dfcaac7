"""The installable app's files, the offline page, and the devices page (which works without
JavaScript for everything but turning a device on)."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from supportgroups.models import PushSettings, PushSubscription
from tests.factories import MembershipFactory, OccurrenceFactory, UserFactory

from .service import b64url

P256DH = b64url(b"\x04" + b"\x01" * 64)
AUTH = b64url(b"\x02" * 16)
FCM = "https://fcm.googleapis.com/fcm/send/abc123"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_manifest_names_the_site_and_uses_our_own_icons(client, settings):
    settings.SITE_NAME = "Hope Circles"
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Hope Circles"
    assert manifest["scope"] == "/" and manifest["start_url"].startswith("/")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == settings.THEME_COLOUR
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/")  # served by us, nothing third-party
        assert finders.find(icon["src"].removeprefix("/static/"))


@pytest.mark.django_db
def test_every_page_links_the_manifest_and_the_policy_allows_the_worker(client):
    response = client.get("/")
    assert b'<link rel="manifest" href="/manifest.webmanifest">' in response.content
    policy = response["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.django_db
def test_the_worker_is_served_from_the_root_with_its_version(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    first, _, rest = response.content.decode().partition("\n")
    assert first.startswith('const STATIC_VERSION = "') and first.endswith('";')
    assert rest == Path(finders.find("sw.js")).read_text()  # the static file itself
    assert client.post("/sw.js").status_code == 405


@pytest.mark.django_db
def test_the_offline_page_shows_my_next_meetings_and_the_crisis_lines(
    django_assert_num_queries,
):
    person = UserFactory(time_zone="Europe/London")
    mine = MembershipFactory(user=person).group
    for hours in (2, 26, 50):
        OccurrenceFactory(
            series__group=mine,
            series__title=f"Evening circle {hours}",
            starts_at=timezone.now() + dt.timedelta(hours=hours),
        )
    OccurrenceFactory(series__title="Someone else's group")
    client = signed_in(person)
    client.get("/offline/")  # the session and header caches warm up
    with django_assert_num_queries(4):  # session, user, crisis lines, meetings
        response = client.get("/offline/")
    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    for hours in (2, 26, 50):
        assert f"Evening circle {hours}" in page
    assert "Someone else&#x27;s group" not in page and "Someone else's group" not in page
    assert "Samaritans" in page and 'href="tel:116 123"' in page


@pytest.mark.django_db
def test_a_visitors_offline_page_has_the_crisis_lines_only(client):
    OccurrenceFactory(series__title="Evening circle")
    page = client.get("/offline/").content.decode()
    assert "If you need to talk to someone now" in page
    assert "Evening circle" not in page and "Your next meetings" not in page


@pytest.mark.django_db
def test_the_devices_page_lists_my_devices_and_removes_one_without_javascript(vapid):
    person, other = UserFactory(), UserFactory()
    phone = PushSubscription.objects.create(
        user=person, endpoint=FCM + "1", p256dh=P256DH, auth=AUTH, label="Firefox on Android"
    )
    PushSubscription.objects.create(
        user=person, endpoint=FCM + "2", p256dh=P256DH, auth=AUTH, label="Chrome on Windows"
    )
    theirs = PushSubscription.objects.create(
        user=other, endpoint=FCM + "3", p256dh=P256DH, auth=AUTH, label="Safari on iPhone"
    )
    client = signed_in(person)
    page = client.get("/profile/devices/").content.decode()
    assert "Firefox on Android" in page and "Chrome on Windows" in page
    assert "Safari on iPhone" not in page and FCM not in page  # the endpoint is never shown
    assert f'data-vapid-key="{vapid.VAPID_PUBLIC_KEY}"' in page
    assert 'id="push-subscribe"' in page and "hidden" in page  # shown by the script only

    response = client.post("/profile/devices/remove/", {"device": phone.pk}, follow=True)
    assert "will get no more notifications" in response.content.decode()
    assert not PushSubscription.objects.filter(pk=phone.pk).exists()
    # Someone else's device, unknown or hostile ids: a clear refusal, nothing changed.
    for value in (theirs.pk, 99999999, 2**70, "\x00", "x"):
        response = client.post("/profile/devices/remove/", {"device": value}, follow=True)
        assert response.status_code == 200
        assert "already removed" in response.content.decode()
    assert PushSubscription.objects.count() == 2


@pytest.mark.django_db
def test_turning_a_device_on_keeps_a_label_and_refuses_made_up_addresses():
    person = UserFactory()
    client = signed_in(person)
    android = "Mozilla/5.0 (Linux; Android 14) Gecko/124.0 Firefox/124.0"
    response = client.post(
        "/profile/devices/subscribe/",
        {"endpoint": FCM, "p256dh": P256DH, "auth": AUTH},
        headers={"User-Agent": android},
        follow=True,
    )
    assert "Notifications are on for this device." in response.content.decode()
    device = PushSubscription.objects.get()
    assert (device.user, device.label) == (person, "Firefox on Android")

    refused = [
        {"endpoint": "http://fcm.googleapis.com/x", "p256dh": P256DH, "auth": AUTH},
        {"endpoint": "https://127.0.0.1/x", "p256dh": P256DH, "auth": AUTH},
        {"endpoint": "https://fcm.googleapis.com.evil.test/x", "p256dh": P256DH, "auth": AUTH},
        {"endpoint": FCM + "b", "p256dh": "short", "auth": AUTH},
        {"endpoint": FCM + "c", "p256dh": P256DH, "auth": "\x00"},
        {"endpoint": FCM + "d", "p256dh": P256DH},
    ]
    for data in refused:
        response = client.post("/profile/devices/subscribe/", data, follow=True)
        assert response.status_code == 200
        assert "could not be turned on" in response.content.decode()
    assert PushSubscription.objects.count() == 1


@pytest.mark.django_db
def test_a_shared_device_belongs_to_whoever_turned_it_on_last():
    first, second = UserFactory(), UserFactory()
    for person in (first, second):
        signed_in(person).post(
            "/profile/devices/subscribe/", {"endpoint": FCM, "p256dh": P256DH, "auth": AUTH}
        )
    assert PushSubscription.objects.get().user == second


@pytest.mark.django_db
def test_a_person_keeps_at_most_ten_devices():
    person = UserFactory()
    client = signed_in(person)
    for n in range(12):
        client.post(
            "/profile/devices/subscribe/",
            {"endpoint": f"{FCM}{n}", "p256dh": P256DH, "auth": AUTH},
        )
    endpoints = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert endpoints == {f"{FCM}{n}" for n in range(2, 12)}  # the two oldest went
    # One reached lately stays; the new one stays; the one unused longest goes.
    PushSubscription.objects.filter(endpoint=f"{FCM}2").update(last_success_at=timezone.now())
    client.post(
        "/profile/devices/subscribe/", {"endpoint": f"{FCM}new", "p256dh": P256DH, "auth": AUTH}
    )
    endpoints = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert endpoints == {f"{FCM}{n}" for n in (2, *range(4, 12), "new")}


@pytest.mark.django_db
def test_choosing_kinds_and_quiet_hours():
    person = UserFactory()
    client = signed_in(person)
    page = client.get("/profile/devices/").content.decode()
    assert page.count('type="checkbox"') == len(PushSettings.Kind.values)
    response = client.post(
        "/profile/devices/",
        {"kinds": ["messages", "changes"], "quiet_from": "22:30", "quiet_until": "07:00"},
        follow=True,
    )
    assert "Your notification choices are saved." in response.content.decode()
    saved = PushSettings.objects.get(user=person)
    assert saved.kinds == ["changes", "messages"]
    assert (saved.quiet_from, saved.quiet_until) == (dt.time(22, 30), dt.time(7))

    response = client.post(
        "/profile/devices/", {"kinds": ["replies", "nonsense\x00"], "quiet_from": "22:00"}
    )
    assert response.status_code == 400
    assert 'value="22:00"' in response.content.decode()  # what was typed stays
    assert PushSettings.objects.get(user=person).kinds == ["changes", "messages"]


@pytest.mark.django_db
def test_without_keys_the_page_says_notifications_are_not_set_up(settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    page = signed_in(UserFactory()).get("/profile/devices/").content.decode()
    assert "not set up on this site" in page and "push-subscribe" not in page


@pytest.mark.django_db
def test_the_pages_need_a_sign_in(client):
    for url in ("/profile/devices/",):
        assert client.get(url).status_code == 302
    for url in ("/profile/devices/subscribe/", "/profile/devices/remove/"):
        assert client.post(url, {"endpoint": FCM}).status_code == 302
    assert not PushSubscription.objects.exists()
