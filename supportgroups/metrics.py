"""What Prometheus reads at /metrics (with `Authorization: Bearer $METRICS_TOKEN`).

Three kinds of figures:
- per process, kept by the process itself: request latency by view (django-prometheus'
  middleware), database query counts and times (its database backend), cache operation times
  (supportgroups.degrade), open websockets per kind (daphne processes; scrape each ws process);
- shared, kept in Redis so that any process can tell: Celery task failures by task name;
- read from the database or the broker when scraped: the age of the oldest crisis item nobody
  has claimed, reminders due but not yet sent, and the Celery queue's length.

gunicorn's workers are separate processes: set PROMETHEUS_MULTIPROC_DIR (an empty directory,
cleared at start) for `web` and every worker's figures are added up (prometheus_client's
multiprocess mode).
"""

import contextlib
import functools
import hmac
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import redis
from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

OPEN_WEBSOCKETS = Gauge(
    "supportgroups_open_websockets",
    "Websocket connections open in this process, by kind (chat, messages, moderation).",
    ["kind"],
    multiprocess_mode="livesum",
)
CACHE_SECONDS = Histogram(
    "supportgroups_cache_operation_seconds",
    "Time taken by cache operations, by operation (get, set, ...).",
    ["operation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0),
)
TASK_FAILURES_KEY = "supportgroups:metrics:task_failures"


def _redis() -> "redis.Redis | None":
    return _client(settings.REDIS_URL) if settings.REDIS_URL else None


@functools.cache
def _client(url: str) -> "redis.Redis":
    return redis.Redis.from_url(url, socket_timeout=2, decode_responses=True)


def count_task_failure(task_name: str) -> None:
    """Called by Celery's task_failure signal in whichever worker the task failed."""
    client = _redis()
    if client is not None:
        with contextlib.suppress(redis.RedisError):  # a count is not worth failing over
            client.hincrby(TASK_FAILURES_KEY, task_name, 1)


class SiteCollector(Collector):
    """Figures read when Prometheus scrapes: cheap, indexed queries."""

    def collect(self) -> Iterator[Metric]:
        from groups.meetings.models import ReminderDelivery
        from moderation.models import Reason, ReviewItem

        now = timezone.now()
        crisis = ReviewItem.objects.filter(
            reason=Reason.AT_RISK,
            state__in=[ReviewItem.State.OPEN, ReviewItem.State.ESCALATED],
            claimed_by__isnull=True,
        ).aggregate(oldest=Min("created_at"), count=Count("pk"))
        yield GaugeMetricFamily(
            "supportgroups_oldest_unclaimed_crisis_seconds",
            "Age of the oldest crisis item nobody has claimed (0 when there is none).",
            value=(now - crisis["oldest"]).total_seconds() if crisis["oldest"] else 0,
        )
        yield GaugeMetricFamily(
            "supportgroups_unclaimed_crisis_items",
            "Crisis items nobody has claimed yet.",
            value=crisis["count"],
        )
        # The scan runs every minute and a send takes seconds: older than two minutes is late.
        unsent = ReminderDelivery.objects.filter(
            state__in=[ReminderDelivery.State.PENDING, ReminderDelivery.State.CLAIMED],
            created_at__lt=now - timedelta(minutes=2),
        ).aggregate(oldest=Min("created_at"), count=Count("pk"))
        yield GaugeMetricFamily(
            "supportgroups_reminders_due_unsent",
            "Reminders due more than two minutes ago and still not sent.",
            value=unsent["count"],
        )
        yield GaugeMetricFamily(
            "supportgroups_oldest_unsent_reminder_seconds",
            "How long the oldest unsent due reminder has waited (0 when none).",
            value=(now - unsent["oldest"]).total_seconds() if unsent["oldest"] else 0,
        )
        yield from self._from_redis()

    def _from_redis(self) -> Iterator[Metric]:
        client = _redis()
        if client is None:
            return
        try:
            queued = client.llen("celery")  # Celery's default queue, the only one used
            failures = client.hgetall(TASK_FAILURES_KEY)
        except redis.RedisError:
            return  # /healthz says Redis is away; the missing series say it here
        yield GaugeMetricFamily(
            "supportgroups_celery_queue_length", "Tasks waiting in the Celery queue.", value=queued
        )
        failed = CounterMetricFamily(
            "supportgroups_celery_task_failures",
            "Celery tasks that failed, by task.",
            labels=["task"],
        )
        for name, count in sorted(failures.items()):
            failed.add_metric([str(name)], int(count))
        yield failed


def metrics_view(request: HttpRequest) -> HttpResponse:
    """Off (404) unless METRICS_TOKEN is set; then only with that token."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    offered = request.headers.get("Authorization", "")
    if not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        return HttpResponse(status=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    site = CollectorRegistry()
    site.register(SiteCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    body = generate_latest(processes) + generate_latest(site)
    return HttpResponse(body, content_type="text/plain; version=0.0.4; charset=utf-8")


def _socket_kind(path: str) -> str:
    # /ws/chat/<slug>/, /ws/messages/<id>/, /ws/moderation/: the second path segment.
    parts = path.strip("/").split("/")
    return parts[1] if len(parts) > 1 and parts[1] in SOCKET_KINDS else "other"


SOCKET_KINDS = frozenset({"chat", "messages", "moderation"})


def counted_websockets(app: Any) -> Any:
    """Keeps OPEN_WEBSOCKETS right for every connection, however it ends."""

    async def connection(scope: dict[str, Any], receive: Any, send: Any) -> None:
        gauge = OPEN_WEBSOCKETS.labels(kind=_socket_kind(scope.get("path", "")))
        gauge.inc()
        try:
            await app(scope, receive, send)
        finally:
            gauge.dec()

    return connection
