"""`make run`'s stack with no configuration at all: SQLite, in-memory layer, filesystem broker,
email as files.

Starts the real Procfile under honcho (daphne + Celery worker with beat) in a temporary VAR_DIR,
fetches pages, has the worker run a task, then stops honcho with SIGTERM as Ctrl-C would.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local URL
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def embedded_env(tmp_path) -> dict[str, str]:
    """No DATABASE_URL, REDIS_URL, SECRET_KEY: the embedded defaults, migrated."""
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    return env


# Reads, then writes, inside one transaction: what a task's get_or_create does.
READ_THEN_WRITE = """
import time
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
for i in range(60):
    with transaction.atomic():
        Session.objects.filter(session_key__startswith="k").count()
        time.sleep(0.002)
        Session.objects.update_or_create(
            session_key=f"k{i}", defaults={"session_data": "x", "expire_date": timezone.now()}
        )
"""


@pytest.mark.slow
def test_web_and_worker_processes_can_write_sqlite_at_once(tmp_path):
    """The demo's web and worker share one SQLite file: concurrent writers wait, never fail."""
    env = embedded_env(tmp_path)
    writers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", READ_THEN_WRITE],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    errors = [writer.communicate(timeout=120)[1] for writer in writers]
    assert all(writer.returncode == 0 for writer in writers), errors
    assert not any("database is locked" in error for error in errors)


@pytest.mark.slow
def test_embedded_default_stack_serves_pages_and_runs_tasks(tmp_path):
    env = embedded_env(tmp_path)
    manage = [sys.executable, "manage.py"]

    port = free_port()
    log_path = tmp_path / "honcho.log"
    with log_path.open("w") as log:
        honcho = subprocess.Popen(
            [str(BIN / "honcho"), "start", "-f", "Procfile", "-p", str(port), "--no-colour"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: fetch(f"{base}/healthz")[0] == 200, 40, "/healthz to answer 200")

        status, page = fetch(f"{base}/")
        assert status == 200 and "support group" in page

        status, body = fetch(f"{base}/healthz")
        services = {name: c["service"] for name, c in json.loads(body)["checks"].items()}
        assert services == {
            "database": "sqlite",
            "cache": "files",
            "channel_layer": "in memory",
            "broker": "filesystem",
        }
        assert (tmp_path / "var" / "db.sqlite3").exists()

        # Email is written as files to var/mail/ (here: a password reset for an unknown address).
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        form = browser.open(f"{base}/accounts/password/reset/", timeout=5).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": "new@example.org"})
        browser.open(f"{base}/accounts/password/reset/", data=data.encode(), timeout=5)
        mails = list((tmp_path / "var" / "mail").glob("*.log"))
        assert len(mails) == 1 and "new@example.org" in mails[0].read_text()

        # The worker (with beat inside) picks a task up from the filesystem queue in var/.
        enqueue = "from supportgroups.tasks import clear_expired_sessions as t; t.delay()"
        subprocess.run([*manage, "shell", "-c", enqueue], cwd=ROOT, env=env, check=True)
        wait_for(
            lambda: (
                "clear_expired_sessions" in log_path.read_text()
                and "succeeded" in log_path.read_text()
            ),
            20,
            "the worker to run the task",
        )
        assert "beat: Starting" in log_path.read_text()
        assert not (ROOT / "control").exists()  # kombu keeps its exchange table in var/ too
    finally:
        honcho.send_signal(signal.SIGTERM)  # what Ctrl-C in `make run` amounts to
        try:
            honcho.wait(timeout=20)
            wait_for(lambda: not group_alive(honcho.pid), 10, "all of honcho's processes to stop")
        finally:
            if group_alive(honcho.pid):
                os.killpg(honcho.pid, signal.SIGKILL)
