"""Conversation pages: the inboxes and a long conversation, beside a bare view, in one process.

Run against a scratch database (it migrates it, adds its rows, measures, then deletes them):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch SECRET_KEY=bench \
        .venv/bin/python bench/conversations.py [conversations per inbox, default 200]

Each page is requested through Django's full handler (middleware, view, templates) by a
signed-in person, and the CPU time per request (time.process_time: the steady figure on a busy
machine) is printed with the ratio over a bare view measured alike, the wall-clock median and
the queries each request made. The load average is printed beside the figures.
"""

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportgroups.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402

from groups.conversations import services  # noqa: E402
from groups.models import Membership, SupportGroup  # noqa: E402
from supportgroups.models import User  # noqa: E402

PREFIX = "bench-conversations-"
REQUESTS = 30


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), path("", include("supportgroups.urls"))]


def person(name: str) -> User:
    return User.objects.create_user(
        email=f"{PREFIX}{name}@example.org", password=None, display_name=f"{PREFIX}{name}"
    )


def populate(n: int) -> dict:
    group = SupportGroup.objects.create(name=f"{PREFIX}group", slug=f"{PREFIX}group")
    facilitator, reader = person("facilitator"), person("reader")
    Membership.objects.create(user=facilitator, group=group, role="facilitator", state="active")
    Membership.objects.create(user=reader, group=group, state="active")
    long = None
    for i in range(n):
        asker = person(f"asker{i}")
        Membership.objects.create(user=asker, group=group, state="active")
        services.ask_team(
            member=asker,
            group=group,
            subject=f"Q{i}",
            body="A question",
            client_msg_id=uuid.uuid4(),
        )
        between = services.start_conversation(
            starter=asker,
            group=group,
            recipients=[reader],
            subject="",
            body="Hello",
            client_msg_id=uuid.uuid4(),
        ).message.conversation
        services.accept(conversation=between, user=reader)
        long = long or between
    for i in range(200):
        services.post_message(
            conversation=long,
            author=reader if i % 2 else long.started_by,
            body=f"Line {i} of a long conversation",
            client_msg_id=uuid.uuid4(),
        )
    return {"facilitator": facilitator, "reader": reader, "long": long}


def measure(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)  # warm: templates compiled, connections open
    walls, cpu = [], time.process_time()
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            walls.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    cpu_ms = (time.process_time() - cpu) / REQUESTS * 1000
    return cpu_ms, statistics.median(walls), len(ctx.captured_queries)


def cleanup() -> None:
    User.objects.filter(email__startswith=PREFIX).delete()
    SupportGroup.objects.filter(slug__startswith=PREFIX).delete()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    call_command("migrate", verbosity=0)
    cleanup()
    with override_settings(CONVERSATIONS_MESSAGES_PER_MINUTE=10**6):  # one writer, 100 lines
        made = populate(n)
    reader, facilitator = Client(), Client()
    reader.force_login(made["reader"])
    facilitator.force_login(made["facilitator"])
    pages = [
        ("bare view (member)", reader, "/bench/bare/"),
        (f"member inbox, {n} conversations", reader, "/messages/"),
        (f"team inbox, {n} questions", facilitator, "/messages/team/"),
        ("conversation, 200 messages", reader, made["long"].get_absolute_url()),
        ("its earlier page (?before=100)", reader, made["long"].get_absolute_url() + "?before=100"),
    ]
    print(f"load average {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")
    print(f"{'page':36} {'CPU ms':>7} {'× bare':>7} {'wall ms':>8} {'queries':>8}")
    try:
        with override_settings(ROOT_URLCONF=__name__):
            base = None
            for name, client, url in pages:
                cpu, wall, queries = measure(client, url)
                base = base or cpu
                print(f"{name:36} {cpu:7.2f} {cpu / base:7.1f} {wall:8.1f} {queries:8d}")
    finally:
        cleanup()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) after")


if __name__ == "__main__":
    main()
