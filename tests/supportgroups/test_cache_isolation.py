"""The cache lives in its own Redis database, so clearing it leaves the broker's queues alone.

tests/conftest.py clears the cache before every test; with the cache in the broker's database that
flushed queued Celery tasks and channel-layer messages of whatever else used that Redis.
"""

import os
import re
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    not os.environ.get("CACHE_URL"), reason="run by `make test`, which sets CACHE_URL"
)
def test_clearing_the_cache_keeps_what_the_broker_holds():
    assert settings.CACHES["default"]["LOCATION"] != settings.CELERY_BROKER_URL
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    key = f"test-broker-survives-{uuid.uuid4().hex}"
    broker.set(key, "queued", ex=60)
    try:
        cache.clear()
        assert broker.get(key) == b"queued"
    finally:
        broker.delete(key)


@pytest.mark.parametrize("path", ["Makefile", ".ci/run"])
def test_the_test_commands_give_the_cache_another_redis_database(path):
    text = (ROOT / path).read_text()
    redis_db = re.search(r"REDIS_URL\s*\??=\s*\"?redis://[^/\s]+/(\d+)", text)
    cache_db = re.search(r"CACHE_URL\s*\??=\s*\"?redis://[^/\s]+/(\d+)", text)
    assert redis_db and cache_db, f"{path} must set both REDIS_URL and CACHE_URL"
    assert redis_db.group(1) != cache_db.group(1)
