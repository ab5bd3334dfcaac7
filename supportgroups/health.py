"""/healthz: is every service this site needs reachable? 503 names what is down.

Each check says which service it exercised (postgresql, redis, filesystem, ...), so an operator
reading `{"down": ["redis"]}` knows where to look. Every check is bounded in time: a health check
that hangs is worse than one that says "down".
"""

import asyncio
import uuid

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from . import live
from .celery import app as celery_app

TIMEOUT_SECONDS = 3


def _service_of(backend: str) -> str:
    """A short, human name for a backend class path or URL scheme."""
    backend = backend.lower()
    names = (
        "postgresql",
        "sqlite",
        "redis",
        "locmem",
        "inmemory",
        "filebased",
        "filesystem",
        "amqp",
    )
    for name in names:
        if name in backend:
            spelled = {"locmem": "local memory", "inmemory": "in memory", "filebased": "files"}
            return spelled.get(name, name)
    return backend


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 5)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def _channel_layer() -> None:
    layer = live.channel_layer()

    async def round_trip() -> None:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "healthz.ping"})
        await layer.receive(channel)

    async def bounded() -> None:
        await asyncio.wait_for(round_trip(), TIMEOUT_SECONDS)

    async_to_sync(bounded)()


def _broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=TIMEOUT_SECONDS)


def services() -> dict[str, str]:
    """Which service each check exercises under the current settings."""
    return {
        "database": _service_of(settings.DATABASES["default"]["ENGINE"]),
        "cache": _service_of(settings.CACHES["default"]["BACKEND"]),
        "channel_layer": _service_of(settings.CHANNEL_LAYERS["default"]["BACKEND"]),
        "broker": _service_of(settings.CELERY_BROKER_URL.split(":", 1)[0]),
    }


CHECKS = {
    "database": _database,
    "cache": _cache,
    "channel_layer": _channel_layer,
    "broker": _broker,
}


@never_cache
def healthz(request):
    checks = {}
    for name, service in services().items():
        checks[name] = {"service": service, "status": "ok"}
        try:
            CHECKS[name]()
        except Exception as exc:  # noqa: BLE001 - any failure means "down", named in the reply
            checks[name].update(status="down", error=type(exc).__name__)
    down = sorted({c["service"] for c in checks.values() if c["status"] != "ok"})
    return JsonResponse(
        {"status": "down" if down else "ok", "down": down, "checks": checks},
        status=503 if down else 200,
    )
