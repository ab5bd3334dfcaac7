"""/healthz on the real services, and with Redis gone.

Settings are read once at import, so "Redis is down" is tested honestly: a fresh Django process
whose REDIS_URL points at a port nobody listens on answers the request.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_is_ok_when_everything_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["down"] == []
    assert {name: check["service"] for name, check in body["checks"].items()} == {
        "database": "postgresql",
        "cache": "redis",
        "channel_layer": "redis",
        "broker": "redis",
    }
    assert "no-cache" in response.headers["Cache-Control"]


def dead_port() -> int:
    """A local port that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
@pytest.mark.django_db
def test_healthz_says_503_naming_redis_when_redis_is_down():
    db = settings.DATABASES["default"]  # the test database, which exists while tests run
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": f"redis://127.0.0.1:{dead_port()}/0",
        "SECRET_KEY": "test",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CACHE_URL", None)  # the cache follows REDIS_URL, so it is down too
    code = (
        "import json; from django.test import Client; "
        "r = Client(HTTP_HOST='localhost').get('/healthz'); "
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    run = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    reply = json.loads(run.stdout.strip().splitlines()[-1])
    assert reply["status"] == 503
    assert reply["body"]["down"] == ["redis"]
    checks = reply["body"]["checks"]
    assert checks["database"]["status"] == "ok"
    for name in ("cache", "channel_layer", "broker"):
        assert (checks[name]["service"], checks[name]["status"]) == ("redis", "down")
        assert checks[name]["error"]  # the kind of failure, e.g. ConnectionError
