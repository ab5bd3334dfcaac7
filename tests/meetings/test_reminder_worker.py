"""Reminder delivery through the real Redis broker and a real Celery worker.

Each due reminder is sent exactly once when two scans race, when a task is delivered twice, and
after a worker dies between claiming a reminder and sending it.
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


@pytest.fixture
def celery_worker_parameters():
    """Two task threads, so two deliveries of one reminder can really run at once."""
    return {"pool": "threads", "concurrency": 2}


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


def test_a_worker_dying_between_claim_and_send_is_sent_once_later(celery_worker):
    a_meeting_with_members(1)
    reminders.create_due_deliveries(now=timezone.now())
    crashed, other = ReminderDelivery.objects.order_by("kind")
    assert reminders.claim_delivery(delivery_id=crashed.pk)  # ... and the worker dies here

    reminders.scan_due_reminders()
    wait_for = time.monotonic() + 30
    while ReminderDelivery.objects.get(pk=other.pk).state != "sent":
        assert time.monotonic() < wait_for
        time.sleep(0.1)
    time.sleep(0.5)
    crashed.refresh_from_db()
    assert crashed.state == "claimed"  # a live claim is not taken away from its worker
    assert emails_per_delivery() == Counter({other.pk: 1})

    # Later than the claim timeout, the next scan finds the abandoned claim and sends it.
    long_ago = timezone.now() - dt.timedelta(minutes=11)
    ReminderDelivery.objects.filter(pk=crashed.pk).update(claimed_at=long_ago, enqueued_at=long_ago)
    assert reminders.scan_due_reminders() == [crashed.pk]
    wait_until_settled()
    crashed.refresh_from_db()
    assert (crashed.state, crashed.attempts) == ("sent", 2)
    assert emails_per_delivery() == Counter({other.pk: 1, crashed.pk: 1})
