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


@pytest.mark.slow
def test_embedded_default_stack_serves_pages_and_runs_tasks(tmp_path):
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "PYTHONUNBUFFERED": "1",
    }  # no DATABASE_URL, REDIS_URL, SECRET_KEY: the embedded defaults
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)

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
            "cache": "local memory",
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
