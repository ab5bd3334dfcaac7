"""Benchmark: the organisation's reports on a year of data; prints each report's time and query
count beside the load average.

It builds its own database (`<your database>_bench_reports`, dropped and created afresh) holding
a year for 200 groups and 20,000 members: joining requests and answers, weekly meetings with
replies and attendance, crisis items with their audit rows and follow-ups, members' reports,
forum posts and chat messages. Rows go in with bulk inserts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_x REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/reports.py [--small] [--groups 200] [--members 20000] [--runs 5]

--small builds a twentieth of it (10 groups, 1,000 members) to try the script quickly.
"""

import argparse
import contextlib
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5000


def bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/supportgroups")
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench/reports.py needs a PostgreSQL DATABASE_URL")
    return urlunsplit(parts._replace(path="/" + parts.path.lstrip("/") + "_bench_reports"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def configure() -> None:
    url = bench_database_url()
    recreate_database(url)
    os.environ.update(
        DATABASE_URL=url,
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        DJANGO_SETTINGS_MODULE="supportgroups.settings",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@contextlib.contextmanager
def written_timestamps(*models) -> Iterator[None]:
    """Let bulk inserts keep the creation times the bench chose (a year back), which
    auto_now_add would otherwise replace with now."""
    fields = [f for m in models for f in m._meta.fields if getattr(f, "auto_now_add", False)]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def build(groups: int, members: int, now: dt.datetime, rng: random.Random) -> dict[str, int]:
    from django.contrib.contenttypes.models import ContentType

    from forums.models import Board, Post, Thread
    from groups.chat.models import ChatMessage, ChatRoom
    from groups.meetings.models import RSVP, MeetingSeries, Occurrence
    from groups.models import Membership, MembershipEvent, SupportGroup
    from moderation.models import AuditLogEntry, FollowUp, Report, ReviewItem
    from supportgroups.models import User

    year_ago = now - dt.timedelta(days=365)

    def some_time() -> dt.datetime:
        return year_ago + dt.timedelta(seconds=rng.randrange(365 * 86400))

    made: dict[str, int] = {}
    group_rows = SupportGroup.objects.bulk_create(
        SupportGroup(name=f"Group {n}", slug=f"group-{n}", summary="A group", format="online")
        for n in range(groups)
    )
    users = User.objects.bulk_create(
        (
            User(email=f"m{n}@example.org", display_name=f"Member {n}", password="!")
            for n in range(members)
        ),
        batch_size=BATCH,
    )
    with written_timestamps(Membership, MembershipEvent, Thread, Post, ReviewItem, Report):
        memberships = Membership.objects.bulk_create(
            (
                Membership(
                    user=user,
                    group=group_rows[n % groups],
                    role="facilitator" if n < groups else "member",
                    state="active",
                    created_at=year_ago,
                )
                for n, user in enumerate(users)
            ),
            batch_size=BATCH,
        )
        events = []
        for membership in memberships:
            asked = some_time()
            if rng.random() < 0.5:
                events.append(
                    MembershipEvent(membership=membership, kind="joined", created_at=asked)
                )
            else:
                events.append(
                    MembershipEvent(membership=membership, kind="requested", created_at=asked)
                )
                answer = "approved" if rng.random() < 0.85 else "declined"
                events.append(
                    MembershipEvent(
                        membership=membership,
                        kind=answer,
                        created_at=asked + dt.timedelta(hours=rng.uniform(0.5, 72)),
                    )
                )
        made["membership events"] = len(
            MembershipEvent.objects.bulk_create(events, batch_size=BATCH)
        )

        series = MeetingSeries.objects.bulk_create(
            MeetingSeries(
                group=group,
                title="Weekly meeting",
                starts_on=year_ago.date(),
                start_time=dt.time(18),
                duration_minutes=60,
                time_zone="Europe/London",
                recurrence="weekly",
            )
            for group in group_rows
        )
        occurrences = Occurrence.objects.bulk_create(
            (
                Occurrence(
                    series=s,
                    local_date=(year_ago + dt.timedelta(weeks=w)).date(),
                    starts_at=year_ago + dt.timedelta(weeks=w, hours=18),
                    ends_at=year_ago + dt.timedelta(weeks=w, hours=19),
                    is_cancelled=rng.random() < 0.05,
                )
                for s in series
                for w in range(52)
            ),
            batch_size=BATCH,
        )
        by_group: dict[int, list] = {}
        for user, membership in zip(users, memberships, strict=True):
            by_group.setdefault(membership.group_id, []).append(user)
        rsvps = []
        for occurrence in occurrences:
            people = by_group[occurrence.series.group_id]
            for user in rng.sample(people, min(len(people), 12)):
                rsvps.append(
                    RSVP(
                        occurrence=occurrence,
                        user=user,
                        status="going",
                        status_changed_at=occurrence.starts_at - dt.timedelta(days=1),
                        attended=rng.random() < 0.75,
                    )
                )
        made["RSVPs"] = len(RSVP.objects.bulk_create(rsvps, batch_size=BATCH))

        user_type = ContentType.objects.get_for_model(User)
        items = []
        for n in range(groups * 10):
            opened = some_time()
            items.append(
                ReviewItem(
                    content_type=user_type,
                    object_id=n + 1,
                    group_id=group_rows[n % groups].pk,
                    reason="at_risk",
                    crisis=rng.random() < 0.6,
                    state="resolved",
                    opened_at=opened,
                    created_at=opened,
                    backup_alerted_at=opened + dt.timedelta(minutes=10)
                    if rng.random() < 0.1
                    else None,
                )
            )
        items = ReviewItem.objects.bulk_create(items, batch_size=BATCH)
        audit, follow_ups, reports = [], [], []
        for item in items:
            facilitator = users[item.group_id % groups]
            claimed = item.opened_at + dt.timedelta(minutes=rng.expovariate(1 / 12))
            closed = claimed + dt.timedelta(minutes=rng.expovariate(1 / 40))
            audit.append(
                AuditLogEntry(item=item, actor=facilitator, action="claimed", created_at=claimed)
            )
            audit.append(
                AuditLogEntry(item=item, actor=facilitator, action="dismiss", created_at=closed)
            )
            if item.crisis:
                due = closed + dt.timedelta(hours=24)
                done = (
                    due + dt.timedelta(hours=rng.uniform(-20, 10)) if rng.random() < 0.9 else None
                )
                follow_ups.append(
                    FollowUp(
                        item=item,
                        assignee=facilitator,
                        after_hours=24,
                        due_at=due,
                        done_at=done,
                        created_at=closed,
                    )
                )
            reports.append(
                Report(
                    reporter=users[rng.randrange(members)],
                    item=item,
                    content_type=user_type,
                    object_id=item.object_id,
                    reason=rng.choice(["at_risk", "harassment", "misinformation", "spam", "other"]),
                    created_at=item.opened_at,
                )
            )
        with written_timestamps(AuditLogEntry, FollowUp):
            made["audit rows"] = len(AuditLogEntry.objects.bulk_create(audit, batch_size=BATCH))
            made["follow-ups"] = len(FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH))
        made["reports"] = len(Report.objects.bulk_create(reports, batch_size=BATCH))
        made["review items"] = len(items)

        boards = Board.objects.bulk_create(
            Board(name=g.name, slug=g.slug, group=g) for g in group_rows
        )
        threads = []
        for board in boards:
            for _ in range(members // groups):
                started = some_time()
                threads.append(
                    Thread(
                        board=board,
                        title="A thread",
                        last_post_at=started,
                        created_at=started,
                        reply_count=rng.choice([0, 1, 3, 5]),
                    )
                )
        threads = Thread.objects.bulk_create(threads, batch_size=BATCH)
        posts = [
            Post(thread=t, body="A post", created_at=t.created_at + dt.timedelta(hours=r))
            for t in threads
            for r in range(t.reply_count + 1)
        ]
        made["posts"] = len(Post.objects.bulk_create(posts, batch_size=BATCH))
        made["threads"] = len(threads)
    rooms = ChatRoom.objects.bulk_create(ChatRoom(group=g) for g in group_rows)
    messages = [
        ChatMessage(room=room, sequence=n, revision=n, body="Hello", created_at=some_time())
        for room in rooms
        for n in range(1, members // groups * 10 + 1)
    ]
    made["chat messages"] = len(ChatMessage.objects.bulk_create(messages, batch_size=BATCH))
    made["members"] = members
    made["groups"] = groups
    return made


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(runs: int) -> None:
    """Each report twice: its figures alone (the selectors), and the whole page as an
    organisation lead gets it (figures, charts, tables, template), through Django's test
    client so every middleware runs."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from groups.models import SupportGroup
    from reports.permissions import Scope
    from reports.selectors import REPORTS, Period
    from supportgroups.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    staff = User.objects.create(email="lead@example.org", display_name="Lead", is_staff=True)
    TOTP.activate(staff, generate_totp_secret())  # the reports ask staff for MFA
    client = Client()
    client.force_login(staff)
    organisation = Scope(group_ids=None, suppress_small_cells=True)
    # The filters: one group (its every meeting on the attendance page), six months.
    one_group = f"?group={SupportGroup.objects.order_by('pk').values_list('pk', flat=True)[0]}"
    print(f"{'report':<12} {'part':<10} {'median s':>9} {'worst s':>8} {'queries':>8}  load")
    for slug, make in REPORTS.items():
        path = reverse("reports:report", args=[slug])
        for part, run in (
            (
                "figures",
                lambda make=make: make(organisation, Period.last_months(12, now=timezone.now())),
            ),
            ("page", lambda path=path: client.get(path)),
            ("one group", lambda path=path: client.get(path + one_group)),
            ("6 months", lambda path=path: client.get(path + "?last=6")),
        ):
            times = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    run()
                    times.append(time.perf_counter() - started)
            print(
                f"{slug:<12} {part:<10} {statistics.median(times):>9.3f} {max(times):>8.3f} "
                f"{len(queries):>8}  {load()}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="10 groups, 1,000 members")
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.small:
        args.groups, args.members = 10, 1000
    configure()
    from django.db import connection
    from django.utils import timezone

    started = time.perf_counter()
    made = build(args.groups, args.members, timezone.now(), random.Random(23))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built in {time.perf_counter() - started:.0f} s, load {load()}:")
    print(", ".join(f"{count:,} {what}" for what, count in made.items()))
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    measure(args.runs)


if __name__ == "__main__":
    main()
