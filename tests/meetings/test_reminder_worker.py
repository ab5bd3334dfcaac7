"""Reminder delivery through the real Redis broker and a real Celery worker.

Each due reminder is sent exactly once when two scans race, when a task is delivered twice, and
after a worker dies holding a reminder: the first scan after the claim lease offers it again.
"""

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from groups.meetings import reminders
from groups.meetings.models import ReminderDelivery
from groups.meetings.tasks import send_reminder
from tests.factories import MembershipFactory, OccurrenceFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

START = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def celery_worker_parameters():
    """Two task threads, so two deliveries of one reminder can really run at once."""
    return {"pool": "threads", "concurrency": 2}


def wait_for_state(delivery: ReminderDelivery, state: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while ReminderDelivery.objects.get(pk=delivery.pk).state != state:
        assert time.monotonic() < deadline, f"reminder {delivery.pk} never became {state}"
        time.sleep(0.1)


def wait_until_settled(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    open_states = ["pending", "claimed"]
    while ReminderDelivery.objects.filter(state__in=open_states).exists():
        assert time.monotonic() < deadline, "reminders were not sent in time"
        time.sleep(0.1)
    time.sleep(0.3)  # let any stray duplicate task run, so the assertions below would see it


def emails_per_delivery() -> Counter:
    return Counter(int(m.extra_headers["X-Meeting-Reminder"]) for m in mail.outbox)


def a_meeting_with_members(count: int):
    occurrence = OccurrenceFactory(
        starts_at=timezone.now().replace(microsecond=0) + dt.timedelta(minutes=30)
    )
    for _ in range(count):
        MembershipFactory(group=occurrence.series.group)
    return occurrence


def test_two_concurrent_scans_and_duplicate_tasks_send_each_reminder_once(celery_worker):
    a_meeting_with_members(4)  # both the 24h and the 1h reminder are due: 8 deliveries
    start = threading.Barrier(2)
    enqueued: list[list[int]] = []

    def scan():
        start.wait()
        try:
            enqueued.append(reminders.scan_due_reminders())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_until_settled()

    ids = set(ReminderDelivery.objects.values_list("pk", flat=True))
    assert len(ids) == 8
    assert sorted(enqueued[0] + enqueued[1]) == sorted(ids)  # SKIP LOCKED split the work
    # A redelivered or duplicated task finds its row already sent and does nothing.
    for delivery_id in ids:
        send_reminder.delay(delivery_id)
    wait_until_settled()
    time.sleep(1)
    assert emails_per_delivery() == Counter(dict.fromkeys(ids, 1))
    assert set(ReminderDelivery.objects.values_list("state", flat=True)) == {"sent"}


@pytest.mark.parametrize("held", ["claimed", "prefetched"])
def test_a_reminder_held_by_a_dead_worker_is_sent_by_the_first_scan_after_the_lease(
    celery_worker, time_machine, settings, held
):
    """The worker died after claiming the reminder, or with its task prefetched and unacknowledged
    (the broker would hand that task on only after an hour)."""
    time_machine.move_to(START, tick=True)  # the worker thread lives in the same moved clock
    a_meeting_with_members(1)
    reminders.create_due_deliveries(now=timezone.now())
    crashed, other = ReminderDelivery.objects.order_by("kind")
    if held == "claimed":
        assert reminders.claim_delivery(delivery_id=crashed.pk)  # ... and the worker dies here
    else:
        ReminderDelivery.objects.filter(pk=crashed.pk).update(enqueued_at=timezone.now())
    held_since = timezone.now()

    assert reminders.scan_due_reminders() == [other.pk]
    wait_for_state(other, "sent")
    lease = dt.timedelta(seconds=settings.MEETINGS_CLAIM_LEASE_SECONDS)
    time_machine.move_to(held_since + lease - dt.timedelta(seconds=2), tick=True)
    assert reminders.scan_due_reminders() == []  # a live claim is not taken from its worker
    crashed.refresh_from_db()
    assert crashed.state == ("claimed" if held == "claimed" else "pending")

    time_machine.move_to(held_since + lease + dt.timedelta(seconds=1), tick=True)
    assert reminders.scan_due_reminders() == [crashed.pk]
    wait_until_settled()
    crashed.refresh_from_db()
    assert (crashed.state, crashed.attempts) == ("sent", 2 if held == "claimed" else 1)
    assert emails_per_delivery() == Counter({other.pk: 1, crashed.pk: 1})


def test_a_reminder_held_by_a_dead_worker_goes_out_within_two_minutes(settings):
    """The lease, plus the wait for the next scan, plus a generous margin for the queue and the
    send itself; and a send (each SMTP step bounded) ends well within the lease."""
    scan = settings.CELERY_BEAT_SCHEDULE["meetings-scan-reminders"]["schedule"]
    assert settings.MEETINGS_CLAIM_LEASE_SECONDS + scan + 20 <= 120
    assert 3 * settings.EMAIL_TIMEOUT <= settings.MEETINGS_CLAIM_LEASE_SECONDS
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
