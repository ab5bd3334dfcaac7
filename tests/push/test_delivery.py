"""Pushes leave the site encrypted for the device and signed with the site's VAPID key, carry a
generic title and a link only, and follow the person's choices, quiet hours and account."""

import datetime as dt
import time
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from supportgroups.models import Notification, PushSettings, PushSubscription
from supportgroups.privacy import services as privacy_services
from supportgroups.push import delivery, services, tasks
from supportgroups.services import notify
from tests.factories import UserFactory

from .service import verified_vapid_claims

LONDON = zoneinfo.ZoneInfo("Europe/London")
SECRET_WORDS = "my scan showed the tumour has grown"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_reply_reaches_the_device_encrypted_signed_and_without_its_words(
    celery_worker, vapid, push_server, device_of
):
    person = UserFactory(time_zone="Europe/London")
    phone = device_of(person)
    started = time.monotonic()
    notify(user=person, kind="reply", title=SECRET_WORDS, body=SECRET_WORDS, url="/forums/t/1/")

    received = push_server.next(timeout=30)  # the real worker sent it after the commit
    print(f"push: at the push service {time.monotonic() - started:.2f}s after the commit")
    assert SECRET_WORDS.encode() not in received.body  # encrypted on the wire
    payload = phone.decrypt(received)
    assert payload == {
        "title": "New reply",
        "body": "Open Support Groups to read it.",
        "url": "/forums/t/1/",
        "tag": "replies",
    }
    claims = verified_vapid_claims(received, public_key=vapid.VAPID_PUBLIC_KEY)
    assert claims["aud"] == push_server.origin
    assert claims["sub"] == "mailto:safety@example.org"
    assert claims["exp"] > time.time()
    assert received.headers["urgency"] == "normal"
    assert received.headers["ttl"] == str(vapid.PUSH_TTL_SECONDS)
    assert received.headers["topic"] == "replies"
    deadline = time.monotonic() + 10
    while PushSubscription.objects.get().last_success_at is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert PushSubscription.objects.get().last_success_at is not None


@pytest.mark.django_db
def test_every_device_of_the_person_and_only_theirs(
    vapid, push_server, device_of, tasks_run_here, django_capture_on_commit_callbacks
):
    person, other = UserFactory(), UserFactory()
    phone, laptop = device_of(person), device_of(person, label="Chrome on Linux")
    device_of(other)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=person, kind="meeting_change", title="Moved", url="/meetings/7/")
    first, second = push_server.next(), push_server.next()
    by_path = {first.path: first, second.path: second}
    for device in (phone, laptop):
        received = by_path[device.endpoint.removeprefix(push_server.origin)]
        assert device.decrypt(received)["title"] == "Meeting changed"
    assert push_server.nothing_more()


@pytest.mark.django_db
def test_a_link_elsewhere_becomes_the_notifications_page(
    vapid, push_server, device_of, tasks_run_here, django_capture_on_commit_callbacks
):
    person = UserFactory()
    phone = device_of(person)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=person, kind="mention", title="x", url="https://evil.example/")
    assert phone.decrypt(push_server.next())["url"] == "/notifications/"


@pytest.mark.django_db
def test_kinds_the_person_turned_off_and_decisions_are_not_pushed(
    vapid, push_server, device_of, tasks_run_here, django_capture_on_commit_callbacks
):
    person = UserFactory()
    device_of(person)
    services.save_choices(user=person, kinds=["messages"], quiet_from=None, quiet_until=None)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=person, kind="reply", title="A reply")
        notify(user=person, kind="group", title="You joined")  # never pushed
    assert Notification.objects.filter(user=person).count() == 2  # the list has both
    assert push_server.nothing_more()


@pytest.mark.django_db
def test_a_rolled_back_notification_pushes_nothing(vapid, push_server, device_of, tasks_run_here):
    person = UserFactory()
    device_of(person)
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user=person, kind="reply", title="A reply")
        raise RuntimeError
    assert push_server.nothing_more()


@pytest.mark.django_db
@pytest.mark.parametrize("gone", [404, 410])
def test_a_subscription_the_push_service_forgot_is_removed(
    vapid, push_server, device_of, tasks_run_here, django_capture_on_commit_callbacks, gone
):
    person = UserFactory()
    device_of(person)
    kept = device_of(person)
    push_server.answers = [gone, 201]  # the first device's push service no longer knows it
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=person, kind="reply", title="A reply")
    push_server.next(), push_server.next()
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [kept.endpoint]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_push_service_failing_for_now_is_tried_again(vapid, push_server, device_of, status):
    person = UserFactory()
    device_of(person)
    device = PushSubscription.objects.get()
    payload = delivery.payload_for(person, kind="replies", url="/").encode()
    push_server.answers = [status]
    with pytest.raises(delivery.TryLater):
        delivery.send_to_device(subscription_id=device.pk, payload=payload, urgent=False)
    device.refresh_from_db()
    assert device.last_success_at is None  # kept, not yet reached
    assert delivery.send_to_device(subscription_id=device.pk, payload=payload, urgent=False) == (
        "sent"
    )
    assert push_server.next() and push_server.next()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_tries_again_until_the_push_service_takes_it(
    celery_worker, vapid, push_server, device_of, monkeypatch
):
    monkeypatch.setattr(tasks, "BACKOFF_SECONDS", 0)  # the waits double from here: 0, 0, ...
    person = UserFactory()
    device_of(person)
    device = PushSubscription.objects.get()
    payload = delivery.payload_for(person, kind="replies", url="/").encode()
    push_server.answers = [503, 429]
    tasks.send_to_device.delay(device.pk, payload, False)
    assert [push_server.next(timeout=30) for _ in range(3)]  # two refusals, then taken
    deadline = time.monotonic() + 10
    while PushSubscription.objects.get().last_success_at is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert PushSubscription.objects.get().last_success_at is not None


@pytest.mark.django_db
def test_quiet_hours_hold_pushes_until_the_window_ends(
    vapid, push_server, device_of, tasks_run_here, django_capture_on_commit_callbacks
):
    person = UserFactory(time_zone="Europe/London")
    phone = device_of(person)
    services.save_choices(
        user=person,
        kinds=list(PushSettings.Kind.values),
        quiet_from=dt.time(22, 0),
        quiet_until=dt.time(7, 0),
    )
    night = dt.datetime(2026, 12, 8, 23, 30, tzinfo=LONDON)
    with time_machine.travel(night, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            notify(user=person, kind="reply", title="A reply")
            notify(user=person, kind="announcement", title="News")
        assert push_server.nothing_more()
        assert PushSettings.objects.get(user=person).held_since == timezone.now()
    with time_machine.travel(dt.datetime(2026, 12, 9, 6, 59, tzinfo=LONDON), tick=False):
        assert tasks.release_held.delay().get() == 0  # still quiet
        assert push_server.nothing_more()
    with time_machine.travel(dt.datetime(2026, 12, 9, 7, 0, tzinfo=LONDON), tick=False):
        assert tasks.release_held.delay().get() == 1
        assert phone.decrypt(push_server.next()) == {
            "title": "Notifications while you were resting",
            "body": "Open Support Groups to read it.",
            "url": "/notifications/",
            "tag": "held",
        }
        assert tasks.release_held.delay().get() == 0  # once
    assert push_server.nothing_more()
    with time_machine.travel(dt.datetime(2026, 12, 9, 12, 0, tzinfo=LONDON), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            notify(user=person, kind="reply", title="A reply")  # daytime: at once
        assert phone.decrypt(push_server.next())["title"] == "New reply"


@pytest.mark.parametrize(
    ("quiet_from", "quiet_until", "local", "quiet"),
    [
        (dt.time(22), dt.time(7), dt.time(21, 59), False),
        (dt.time(22), dt.time(7), dt.time(22), True),
        (dt.time(22), dt.time(7), dt.time(3), True),
        (dt.time(22), dt.time(7), dt.time(7), False),
        (dt.time(13), dt.time(15), dt.time(14), True),
        (dt.time(13), dt.time(15), dt.time(15), False),
        (dt.time(9), dt.time(9), dt.time(9), False),  # an empty window
        (None, None, dt.time(3), False),
    ],
)
def test_quiet_window(quiet_from, quiet_until, local, quiet):
    choices = PushSettings(quiet_from=quiet_from, quiet_until=quiet_until)
    now = dt.datetime.combine(dt.date(2026, 7, 1), local, tzinfo=LONDON)
    assert delivery.quiet_now(choices, time_zone="Europe/London", now=now) is quiet


@pytest.mark.django_db
def test_sign_out_everywhere_and_memorials_remove_every_device(device_of, push_server):
    person, remembered = UserFactory(), UserFactory()
    device_of(person), device_of(person), device_of(remembered)
    privacy_services.end_all_sessions(user=person)
    assert not PushSubscription.objects.filter(user=person).exists()
    privacy_services.memorialise(user=remembered, by=None)
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_an_account_no_longer_active_gets_nothing(
    vapid, push_server, device_of, tasks_run_here, django_capture_on_commit_callbacks
):
    person = UserFactory()
    device_of(person)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=person, kind="reply", title="A reply")
        person.is_active = False  # suspended before the task ran
        person.save(update_fields=["is_active"])
    assert push_server.nothing_more()


@pytest.mark.django_db
def test_an_announcement_pushes_its_members_with_a_device(
    vapid, push_server, device_of, tasks_run_here, django_capture_on_commit_callbacks
):
    from groups import announcements
    from groups.notifications import deliver_announcement
    from tests.factories import FacilitatorMembershipFactory, MembershipFactory

    facilitator_row = FacilitatorMembershipFactory()
    group = facilitator_row.group
    with_phone = MembershipFactory(group=group).user
    MembershipFactory(group=group)  # no device: told in-app only
    pending = MembershipFactory(group=group, state="pending").user
    phone = device_of(with_phone)
    device_of(pending)
    device_of(facilitator_row.user)  # the writer knows already
    announcement = announcements.announce(
        by=facilitator_row.user, group=group, title="Tonight moves online", body="New link"
    )
    with django_capture_on_commit_callbacks(execute=True):
        deliver_announcement(announcement_id=announcement.pk)
    assert phone.decrypt(push_server.next()) == {
        "title": "New announcement",
        "body": "Open Support Groups to read it.",
        "url": group.get_absolute_url(),
        "tag": "announcements",
    }
    assert push_server.nothing_more()
