"""Benchmark: crisis words in a group board and in chat, to the on-duty facilitator's open
dashboard socket and to the written alert email; prints p50/p95 over --runs runs of each, with
the load average. The goal is p95 <= 10 s (the promise to members is 60 s).

Everything is real: a Celery worker process (Redis broker) sends the alert, a daphne process
serves the dashboard socket (Redis channel layer), the email is written by the file backend and
found on disk. Posts are written by the same services the board's form and the chat socket call.
It builds its own database (`<your database>_bench_crisis`, dropped and created afresh).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/crisis_path.py [--runs 50]
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reminders import ROOT, recreate_database, start_worker  # noqa: E402

GOAL_SECONDS = 10.0
CRISIS_WORDS = "I can't keep going any more. I want to end my life."


def bench_database_url() -> str:
    from urllib.parse import urlsplit, urlunsplit

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/supportgroups")
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench/crisis_path.py needs a PostgreSQL DATABASE_URL")
    return urlunsplit(parts._replace(path=parts.path + "_bench_crisis"))


def configure(var_dir: str) -> None:
    url = bench_database_url()
    recreate_database(url)
    os.environ.update(
        DATABASE_URL=url,
        VAR_DIR=var_dir,
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        DJANGO_SETTINGS_MODULE="supportgroups.settings",
        LOG_LEVEL="WARNING",
        SECURE_COOKIES="0",
        # Each run is a new writer's first post: no limit should stand between them and help.
        FORUMS_POSTS_PER_MINUTE="100000",
    )
    os.environ.pop("EMAIL_URL", None)  # the file backend, writing under VAR_DIR/mail
    os.environ.pop("CACHE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # seeds the crisis lexicon and lines


def build_world(runs: int):
    """A group with its board and chat room, one on-duty facilitator with MFA, and a writer per
    run (so no per-person posting limit is what is measured)."""
    from forums import services as forums
    from groups.chat import services as chat
    from groups.models import Membership, SupportGroup
    from moderation.models import OnDutyShift
    from supportgroups.models import User

    group = SupportGroup.objects.create(
        name="Bench circle", slug="bench-circle", summary="Benchmark", format="online"
    )
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    duty = User.objects.create_user(email="duty@example.org", display_name="On duty")
    TOTP.activate(duty, generate_totp_secret())  # the dashboard needs MFA
    Membership.objects.create(
        user=duty, group=group, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
    )
    for weekday in range(7):
        OnDutyShift.objects.create(user=duty, weekday=weekday, start="00:00", end="23:59:59")
    writers = []
    for i in range(2 * runs):
        writer = User.objects.create_user(email=f"w{i}@example.org", display_name=f"Writer {i}")
        Membership.objects.create(user=writer, group=group, state=Membership.State.ACTIVE)
        writers.append(writer)
    return duty, forums.ensure_group_board(group=group), chat.room_for_group(group=group), writers


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def start_daphne() -> tuple[subprocess.Popen, int]:
    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "supportgroups.asgi:application"],
        cwd=ROOT, env={**os.environ, "DEBUG": "0"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code < 500:
                return server, port
        except httpx.HTTPError:
            time.sleep(0.1)
    server.terminate()
    sys.exit("daphne did not start")


def write_on_board(board, writer) -> None:
    from forums import services as forums

    forums.create_thread(author=writer, board=board, title="Tonight", body=CRISIS_WORDS)


def write_in_chat(room, writer) -> None:
    from groups.chat import services as chat

    chat.post_message(room=room, author=writer, body=CRISIS_WORDS, client_msg_id=uuid.uuid4())


def newest_crisis_item_id(after: int) -> int | None:
    from moderation.models import ReviewItem

    return (
        ReviewItem.objects.filter(pk__gt=after, crisis=True)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


def email_written(mail_dir: Path, item_id: int, seen: set[Path]) -> bool:
    needle = f"/moderation/items/{item_id}/".encode()
    for path in mail_dir.glob("*.log"):
        if path in seen:
            continue
        if needle in path.read_bytes():
            seen.add(path)
            return True
    return False


async def measure(kind: str, runs: int, *, port: int, cookie: str, writers, write, mail_dir):
    """Per run: the post commits at t0; the dashboard time is when the socket's frame naming
    its item arrives, the email time when a file holding its link is on disk."""
    from asgiref.sync import sync_to_async
    from django.conf import settings
    from websockets.asyncio.client import connect

    headers = {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
        "Origin": f"http://127.0.0.1:{port}",
    }
    to_dashboard, to_email = [], []
    seen: set[Path] = set()
    async with connect(f"ws://127.0.0.1:{port}/ws/moderation/", additional_headers=headers) as ws:
        for writer in writers:
            last = await sync_to_async(newest_crisis_item_id)(0) or 0
            started = time.perf_counter()
            await sync_to_async(write)(writer)
            item_id = await sync_to_async(newest_crisis_item_id)(last)
            if item_id is None:
                sys.exit(f"{kind}: the crisis words opened no item (is the lexicon seeded?)")
            dashboard = email = None
            deadline = started + 60
            while dashboard is None or email is None:
                if time.perf_counter() > deadline:
                    sys.exit(f"{kind}: item {item_id} not alerted within 60 s")
                if email is None and email_written(mail_dir, item_id, seen):
                    email = time.perf_counter() - started
                if dashboard is None:
                    try:
                        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=0.02))
                    except TimeoutError:
                        continue
                    if frame.get("item", {}).get("id") == item_id:
                        dashboard = time.perf_counter() - started
            to_dashboard.append(dashboard)
            to_email.append(email)
    return to_dashboard, to_email


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-crisis-") as var_dir:
        configure(var_dir)
        mail_dir = Path(var_dir) / "mail"
        duty, board, room, writers = build_world(args.runs)
        cookie = session_cookie(duty)
        worker = start_worker(2, False)
        server, port = start_daphne()
        failed = False
        try:
            for kind, write, people in (
                ("board", lambda w: write_on_board(board, w), writers[: args.runs]),
                ("chat", lambda w: write_in_chat(room, w), writers[args.runs :]),
            ):
                load = os.getloadavg()
                dashboard, email = asyncio.run(
                    measure(
                        kind,
                        args.runs,
                        port=port,
                        cookie=cookie,
                        writers=people,
                        write=write,
                        mail_dir=mail_dir,
                    )
                )
                for what, values in (("dashboard", dashboard), ("email", email)):
                    p50, p95 = percentile(values, 50), percentile(values, 95)
                    failed = failed or p95 > GOAL_SECONDS
                    print(
                        f"{kind:5} -> {what:9}: p50 {p50:6.3f} s  p95 {p95:6.3f} s  "
                        f"max {max(values):6.3f} s  mean {statistics.mean(values):6.3f} s  "
                        f"({len(values)} runs; load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
                    )
        finally:
            server.terminate()
            worker.terminate()
            server.wait(timeout=30)
            worker.wait(timeout=60)
        if failed:
            sys.exit(f"p95 above the {GOAL_SECONDS:.0f} s goal")


if __name__ == "__main__":
    main()
