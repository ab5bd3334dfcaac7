"""With all of Redis gone (cache, channel layer and broker), people still sign in, read, start a
thread and post in chat: nothing answers 500, nothing typed is lost, and each service's outage
is logged once, without a traceback.

Settings are read once at import, so a fresh Django process whose Redis URLs point at a port
nobody listens on does the visiting (tests/integration/without_redis.py).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from forums.models import Thread
from groups.chat.models import ChatMessage
from tests.factories import PASSWORD
from tests.supportgroups.test_health import dead_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_people_sign_in_post_and_chat_with_all_of_redis_gone(group, board, member):
    # Tests hash passwords with a fast hasher the other process does not know.
    hasher = PBKDF2PasswordHasher()
    member.password = hasher.encode(PASSWORD, hasher.salt())
    member.save(update_fields=["password"])
    db = settings.DATABASES["default"]  # the test database, which exists while tests run
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": f"redis://127.0.0.1:{dead_port()}/0",
        "SECRET_KEY": "test",
    }
    for follows_redis_url in ("CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(follows_redis_url, None)
    run = subprocess.run(
        [sys.executable, "-m", "tests.integration.without_redis", member.email, board.slug,
         group.slug],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    reply = json.loads(run.stdout.strip().splitlines()[-1])
    assert reply["statuses"] == {
        "sign in": 302,
        "home": 200,
        "board": 200,
        "new thread": 302,
        "chat page": 200,
        "chat post": 200,
    }
    assert reply["chat says offline"]
    assert Thread.objects.get(board=board).title == "Anyone else?"
    assert ChatMessage.objects.get().body == "Hello, anyone?"
    logged = [  # production logs are JSON lines (supportgroups/logs.py)
        json.loads(line)["message"] if line.startswith("{") else line
        for line in run.stderr.splitlines()
    ]
    outages = [line for line in logged if "unreachable" in line]
    assert sorted(line.split(" is unreachable")[0] for line in outages) == [
        "The cache",
        "The channel layer",
        "The task queue",
    ]
    assert "Traceback" not in run.stderr
