"""Benchmark: one Celery worker sends 10,000 due reminders; prints seconds, emails/s, duplicates.

It builds its own database (`<your database>_bench_reminders`, dropped and created afresh), writes
email with the file backend to a temporary folder, and uses the Redis broker from REDIS_URL.
Don't run the test suite on the same Redis database meanwhile: its fixtures clear that database
(the cache), and the queued tasks with it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_meetings REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/reminders.py [--count 10000] [--concurrency 2] [--reuse-db]

--reuse-db shows what setting CELERY_DB_REUSE_MAX would give: by default Celery's Django fixup
closes the database connection after every task, so each reminder opens a new one.

--kill kills the worker (SIGKILL, its whole process group) once a quarter of the reminders are
sent, starts another, and runs the reminder scan every MEETINGS_SCAN_SECONDS as beat would; it
prints how long after the kill the last reminder went out, and the duplicates. It waits out the
claim lease in real time (about 1.5 minutes).
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/supportgroups")
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench/reminders.py needs a PostgreSQL DATABASE_URL")
    name = parts.path.lstrip("/") + "_bench_reminders"
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def configure(mail_dir: str) -> None:
    url = bench_database_url()
    recreate_database(url)
    os.environ.update(
        DATABASE_URL=url,
        VAR_DIR=str(Path(mail_dir).parent),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        DJANGO_SETTINGS_MODULE="supportgroups.settings",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("EMAIL_URL", None)  # the file backend, writing under VAR_DIR/mail
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def create_due_reminders(count: int) -> None:
    """One meeting two hours from now in a group of `count` members: `count` 24h reminders."""
    import datetime as dt

    from django.utils import timezone

    from groups.meetings.models import MeetingSeries, Occurrence
    from groups.models import Membership, SupportGroup
    from supportgroups.models import User

    group = SupportGroup.objects.create(
        name="Bench group", slug="bench-group", summary="Benchmark", format="online"
    )
    starts_at = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    series = MeetingSeries.objects.create(
        group=group,
        title="Bench meeting",
        starts_on=starts_at.date(),
        start_time=starts_at.time(),
        duration_minutes=60,
        time_zone="UTC",
        recurrence=MeetingSeries.Recurrence.ONCE,
        join_url="https://video.example.org/bench",
    )
    Occurrence.objects.create(
        series=series,
        local_date=starts_at.date(),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
    )
    zones = ["Europe/London", "America/New_York", "Asia/Singapore", "Australia/Sydney"]
    users = User.objects.bulk_create(
        User(
            email=f"bench{i}@example.org",
            display_name=f"Bench person {i}",
            time_zone=zones[i % len(zones)],
            password="!",  # unusable: nobody signs in as these people
        )
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, group=group, state=Membership.State.ACTIVE) for user in users
    )


def start_worker(concurrency: int, reuse_db: bool, *, purge: bool = True) -> subprocess.Popen:
    from supportgroups.celery import app

    if purge:  # a second worker takes over the queue as the first left it
        app.control.purge()
    launcher = ["-m", "celery", "-A", "supportgroups"]
    if reuse_db:
        launcher = [
            "-c",
            "import sys; from supportgroups.celery import app; "
            "app.conf.CELERY_DB_REUSE_MAX = 10**6; app.worker_main(sys.argv[1:])",
        ]
    worker = subprocess.Popen(
        [
            sys.executable,
            *launcher,
            "worker",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname=bench-reminders@%h",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,  # its own process group, so --kill takes the pool children too
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=1.0):
        if worker.poll() is not None or time.monotonic() > deadline:
            sys.exit("the Celery worker did not start")
    return worker


def count_emails(mail_dir: Path) -> Counter:
    header = re.compile(rb"^X-Meeting-Reminder: (\d+)$", re.MULTILINE)
    counts: Counter = Counter()
    for path in mail_dir.glob("*.log"):
        counts.update(int(m) for m in header.findall(path.read_bytes()))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--reuse-db", action="store_true")
    parser.add_argument("--kill", action="store_true", help="kill the worker part-way through")
    args = parser.parse_args()
    if args.kill:
        kill_part_way(args)
        return

    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as tmp:
        mail_dir = Path(tmp) / "mail"
        configure(str(mail_dir))
        from groups.meetings.models import ReminderDelivery
        from groups.meetings.reminders import scan_due_reminders

        create_due_reminders(args.count)
        worker = start_worker(args.concurrency, args.reuse_db)
        try:
            started = time.perf_counter()
            enqueued = scan_due_reminders()
            scanned = time.perf_counter() - started
            open_rows = ReminderDelivery.objects.exclude(state=ReminderDelivery.State.SENT)
            while open_rows.exists():
                if worker.poll() is not None:
                    sys.exit("the Celery worker stopped")
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
        finally:
            worker.terminate()
            worker.wait(timeout=60)

        emails = count_emails(mail_dir)
        sent = ReminderDelivery.objects.filter(state=ReminderDelivery.State.SENT).count()
        print(f"reminders due:        {args.count}")
        print(f"enqueued by the scan: {len(enqueued)} in {scanned:.2f} s")
        print(f"worker concurrency:   {args.concurrency} (one worker), reuse db: {args.reuse_db}")
        print(f"elapsed seconds:      {elapsed:.2f}")
        print(f"emails/second:        {sum(emails.values()) / elapsed:.1f}")
        print(f"emails written:       {sum(emails.values())} ({sent} rows sent)")
        print(f"duplicates:           {sum(emails.values()) - len(emails)}")
        print(f"missing:              {args.count - len(emails)}")


def kill_part_way(args) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as tmp:
        mail_dir = Path(tmp) / "mail"
        configure(str(mail_dir))
        from django.conf import settings
        from django.db.models import Max
        from django.utils import timezone

        from groups.meetings.models import ReminderDelivery
        from groups.meetings.reminders import scan_due_reminders

        create_due_reminders(args.count)
        sent = ReminderDelivery.objects.filter(state=ReminderDelivery.State.SENT)
        worker = start_worker(args.concurrency, args.reuse_db)
        scan_due_reminders()
        while sent.count() < args.count // 4:
            time.sleep(0.05)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        killed_at = timezone.now()
        done_before_kill = sent.count()
        worker = start_worker(args.concurrency, args.reuse_db, purge=False)
        try:
            last_scan = 0.0
            while sent.count() < args.count:
                if time.perf_counter() - last_scan >= settings.MEETINGS_SCAN_SECONDS:
                    last_scan = time.perf_counter()
                    scan_due_reminders()
                if worker.poll() is not None:
                    sys.exit("the Celery worker stopped")
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=60)

        # Rows a scan enqueued again after the kill: the dead worker held them (claimed or
        # prefetched), or the queue was more than a lease behind.
        reoffered = sent.filter(enqueued_at__gt=killed_at)
        held_last = reoffered.aggregate(last=Max("sent_at"))["last"]
        last = sent.aggregate(last=Max("sent_at"))["last"]
        emails = count_emails(mail_dir)
        print(f"reminders due:        {args.count}, worker killed after {done_before_kill} sent")
        lease, scan = settings.MEETINGS_CLAIM_LEASE_SECONDS, settings.MEETINGS_SCAN_SECONDS
        print(f"claim lease / scan:   {lease} s / {scan} s")
        if held_last:
            seconds = (held_last - killed_at).total_seconds()
            print(f"re-offered by a scan: {reoffered.count()}, the last sent {seconds:.1f} s after")
        print(f"last sent after kill: {(last - killed_at).total_seconds():.1f} s (any backlog too)")
        print(f"duplicates:           {sum(emails.values()) - len(emails)}")
        print(f"missing:              {args.count - len(emails)}")


if __name__ == "__main__":
    main()
