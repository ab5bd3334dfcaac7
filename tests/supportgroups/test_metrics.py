"""/metrics for Prometheus: only with the token, and each named figure moves when the thing it
measures happens."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
import yaml
from asgiref.sync import sync_to_async
from celery import shared_task
from django.core.cache import cache
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from forums import services as forums
from groups.chat.services import room_for_group
from groups.meetings.models import ReminderDelivery
from moderation import queue
from moderation import services as moderation
from moderation.models import Reason
from supportgroups.celery import app
from tests.chat.sockets import open_socket, run, session_cookie
from tests.factories import (
    MembershipFactory,
    OccurrenceFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
)

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "a-long-random-metrics-token"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape() -> dict[tuple[str, tuple], float]:
    """Every sample, keyed by (name, sorted labels)."""
    response = client_for(None).get("/metrics", **AUTH)
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_off_without_a_token(db, settings):
    settings.METRICS_TOKEN = ""
    assert client_for(None).get("/metrics", **AUTH).status_code == 404


@pytest.mark.parametrize("header", ["", "Bearer wrong-token", f"Basic {TOKEN}"])
def test_metrics_refuse_anyone_without_the_token(db, metrics_on, header):
    response = client_for(None).get("/metrics", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert b"django_http" not in response.content


def test_requests_by_view_database_and_cache_figures_move(db, metrics_on):
    before = scrape()
    client_for(None).get("/groups/")
    cache.get("anything")
    after = scrape()

    requests = "django_http_requests_latency_seconds_by_view_method_count"
    labels = {"view": "groups:directory", "method": "GET"}
    assert value(after, requests, **labels) == value(before, requests, **labels) + 1
    executed = "django_db_execute_total"
    assert value(after, executed, alias="default", vendor="postgresql") > value(
        before, executed, alias="default", vendor="postgresql"
    )
    cache_gets = "supportgroups_cache_operation_seconds_count"
    assert value(after, cache_gets, operation="get") > value(before, cache_gets, operation="get")


def test_the_oldest_unclaimed_crisis_item_is_timed_until_someone_claims_it(db, metrics_on):
    group = SupportGroupFactory()
    member = MembershipFactory(group=group).user
    board = forums.ensure_group_board(group=group)
    post = forums.create_thread(author=member, board=board, title="Hard night", body="Hi").post
    staff = UserFactory(is_staff=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        item = moderation.request_review(target=post, reason=Reason.AT_RISK, by=UserFactory())
    with time_machine.travel(start + dt.timedelta(minutes=7), tick=False):
        waiting = scrape()
        queue.claim(item_id=item.pk, user=staff, version=item.version)
        claimed = scrape()

    assert value(waiting, "supportgroups_oldest_unclaimed_crisis_seconds") == 420
    assert value(waiting, "supportgroups_unclaimed_crisis_items") == 1
    assert value(claimed, "supportgroups_oldest_unclaimed_crisis_seconds") == 0


def test_reminders_due_but_unsent_are_counted(db, metrics_on):
    occurrence = OccurrenceFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for kind in ReminderDelivery.Kind.values:
            ReminderDelivery.objects.create(
                occurrence=occurrence, user=MembershipFactory().user, kind=kind
            )
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        fresh = scrape()
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        late = scrape()

    assert value(fresh, "supportgroups_reminders_due_unsent") == 0  # the scan is still on it
    assert value(late, "supportgroups_reminders_due_unsent") == 2
    assert value(late, "supportgroups_oldest_unsent_reminder_seconds") == 600


@shared_task(name="tests.metrics.wait_in_the_queue")
def wait_in_the_queue() -> None:
    """Never run here: queued with no worker listening."""


@shared_task(name="tests.metrics.fail")
def fail() -> None:
    raise RuntimeError("failed on purpose")


def test_the_celery_queue_length_and_task_failures_are_counted(db, metrics_on):
    app.control.purge()
    before = scrape()
    wait_in_the_queue.apply_async()
    fail.apply()  # runs here and fails: the failure signal counts it as a worker would
    after = scrape()
    app.control.purge()

    assert value(after, "supportgroups_celery_queue_length") == 1
    failures = "supportgroups_celery_task_failures_total"
    assert value(after, failures, task="tests.metrics.fail") == (
        value(before, failures, task="tests.metrics.fail") + 1
    )


def test_open_websockets_are_counted_by_kind(transactional_db, metrics_on):
    group = SupportGroupFactory()
    member = MembershipFactory(group=group).user
    room_for_group(group=group)
    cookie = session_cookie(member)

    async def open_then_close():
        accepted, socket = await open_socket(cookie, group.slug)
        assert accepted
        during = await sync_to_async(scrape)()
        await socket.communicator.disconnect()
        return during

    during = run(open_then_close)
    after = scrape()
    assert value(during, "supportgroups_open_websockets", kind="chat") == 1
    assert value(after, "supportgroups_open_websockets", kind="chat") == 0


def test_every_figure_the_example_alert_rules_use_is_exported(db, metrics_on):
    rules = yaml.safe_load((ROOT / "deploy" / "prometheus-alerts.yml").read_text())
    used = {
        name
        for rule in rules["groups"][0]["rules"]
        for name in re.findall(r"supportgroups_\w+", rule["expr"])
    }
    exported = {name for name, _labels in scrape()}
    fail.apply()  # so that the failure counter has a series
    exported |= {name for name, _labels in scrape()}
    assert used and used <= exported
