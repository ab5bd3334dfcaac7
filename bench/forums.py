"""Forum pages: app CPU per request in-process, then load through gunicorn and daphne.

Builds, in its own database (<DATABASE_URL name>_bench, made if missing and reused after):
  - a board of 5,000 threads, each with its opening post,
  - on a board of their own, a thread of 1,000 nested posts (about 520 top-level replies,
    replies down to depth 4) and a thread of about 50,000 posts, each with an opening post. The
    big one is made of whole pages alike (20 top-level replies and 23 replies to them, down to
    depth 4), so page 1, page 500 and the last page show the same number of posts and compare
    only what their depth in the thread costs.
First, in this process, each page is requested through Django's full handler (middleware,
view, templates) for an anonymous reader and a signed-in member, and the CPU time
(time.process_time) per request is printed beside a bare Django view measured the same way:
CPU time is the steady figure on a busy machine. Then the site is served with gunicorn and
with daphne on free loopback ports under bounded concurrent load (httpx, a thread pool),
printing p50/p95 latency and requests per second beside the bare view in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_forums SECRET_KEY=bench \
        python bench/forums.py [--requests 200] [--concurrency 8] [--servers gunicorn,daphne]
"""

import argparse
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on sys.path and would shadow the forums app.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

BENCH_SETTINGS = textwrap.dedent(
    """
    # Settings for the bench servers: the real site, plus the URLconf below.
    from supportgroups.settings import *  # noqa: F403

    ROOT_URLCONF = "forums_bench_urls"
    LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
    """
)
BENCH_URLS = textwrap.dedent(
    """
    # The real site's URLs plus one bare view: the yardstick for every page's figures.
    from django.http import HttpResponse
    from django.urls import include, path


    def bare(request):
        return HttpResponse("ok")


    urlpatterns = [path("bench/bare/", bare), path("", include("supportgroups.urls"))]
    """
)


def bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/supportgroups")
    head, _slash, name = base.rpartition("/")
    return f"{head}/{name}_bench"


def ensure_database(url: str) -> None:
    import psycopg

    head, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{head}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def start_site() -> dict:
    """Django set up in this process on the bench database and URLs (the bare view added), as
    the servers will run it; returns the servers' environment."""
    url = bench_database_url()
    ensure_database(url)
    site_dir = tempfile.mkdtemp(prefix="forums-bench-")
    Path(site_dir, "forums_bench_site.py").write_text(BENCH_SETTINGS)
    Path(site_dir, "forums_bench_urls.py").write_text(BENCH_URLS)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only",
        "DJANGO_SETTINGS_MODULE": "forums_bench_site",
        "PYTHONPATH": os.pathsep.join([site_dir, str(ROOT)]),
        "DEBUG": "0",
        "CONN_MAX_AGE": "60",
    }
    os.environ.update(env)  # this process measures the same site the servers run
    sys.path.insert(0, site_dir)
    import django

    django.setup()
    return env


# --- data -----------------------------------------------------------------------------------


REPLY_SHARES = (2, 4, 8, 16)  # rounds of replies: to one in 2, 4, 8, 16 of a block's posts


def whole_blocks(top_level: int, at_least: int) -> int:
    """The fewest posts, at least `at_least`, that add_posts makes of whole blocks alone."""
    size = top_level
    for share in REPLY_SHARES:
        size += size // share
    return -(-at_least // size) * size


def huge_thread_posts() -> int:
    from django.conf import settings

    return whole_blocks(settings.FORUMS_PAGE_SIZE, 50_000)


def build_data() -> dict:
    """Bulk inserts, then paths filled level by level in SQL: minutes become seconds."""
    import random

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from forums.models import Board, Post, Thread
    from supportgroups.markdown import render_markdown
    from supportgroups.models import User

    call_command("migrate", verbosity=0)
    board, _created = Board.objects.get_or_create(slug="bench-board", defaults={"name": "Bench"})
    big, _created = Board.objects.get_or_create(
        slug="bench-big-threads", defaults={"name": "Bench big threads"}
    )
    if (
        Thread.objects.filter(board=board, opening_post__isnull=False).count() == 5000
        and Thread.objects.filter(board=big, opening_post__isnull=False).count() == 2
        and Thread.objects.filter(board=big, reply_count=huge_thread_posts()).exists()
    ):
        return ids_of(board, big)
    Thread.objects.filter(board__in=[board, big]).delete()
    people = [
        User(email=f"bench{i}@example.org", display_name=f"Bench person {i}") for i in range(50)
    ]
    User.objects.bulk_create(people, ignore_conflicts=True)
    people = list(User.objects.filter(email__startswith="bench"))
    rng = random.Random(5)
    now = timezone.now()

    def add_posts(thread, count, top_level):
        """Blocks of `top_level` top-level replies, then rounds of replies to posts already
        saved in the same block, so every page has the same kind of tree as any other."""
        made = 0
        while made < count:
            block = Post.objects.bulk_create(
                [post(thread, None, made + i) for i in range(min(top_level, count - made))]
            )
            made += len(block)
            for share in REPLY_SHARES:  # ~0.94 replies per top-level reply, up to depth 4
                if made >= count:
                    break
                size = min(len(block) // share, count - made)
                replies = [post(thread, rng.choice(block), made + i) for i in range(size)]
                block += Post.objects.bulk_create(replies)
                made += size
        last = Post.objects.filter(thread=thread).order_by("-id").values_list("id", flat=True)[0]
        fill_paths(thread)
        Thread.objects.filter(pk=thread.pk).update(
            reply_count=count, last_post_id=last, last_post_at=now
        )

    def post(thread, parent, i):
        body = f"Reply {i}. Some words about **treatment**, fatigue and hope."
        return Post(
            thread=thread,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            author=rng.choice(people),
            body=body,
            body_html=render_markdown(body),
        )

    def fill_paths(thread):
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE forums_post SET root_id = id, path = lpad(id::text, 12, '0') "
                "WHERE thread_id = %s AND parent_id IS NULL",
                [thread.pk],
            )
            for depth in range(1, 200):
                cur.execute(
                    "UPDATE forums_post c SET root_id = p.root_id, "
                    "path = p.path || lpad(c.id::text, 12, '0') FROM forums_post p "
                    "WHERE c.parent_id = p.id AND c.thread_id = %s AND c.depth = %s",
                    [thread.pk, depth],
                )
                if cur.rowcount == 0:
                    break

    threads = Thread.objects.bulk_create(
        [
            Thread(
                board=board, title=f"Bench thread {i}", author=rng.choice(people), last_post_at=now
            )
            for i in range(5000)
        ]  # fmt: skip
    )
    openings = Post.objects.bulk_create(
        [
            Post(
                thread=t,
                author=t.author,
                body="Opening words.",
                body_html="<p>Opening words.</p>",
                is_opening=True,
            )
            for t in threads
        ]  # fmt: skip
    )
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE forums_post SET root_id = id, path = lpad(id::text, 12, '0') "
            "WHERE thread_id IN (SELECT id FROM forums_thread WHERE board_id = %s)",
            [board.pk],
        )
        cur.execute(
            "UPDATE forums_thread t SET opening_post_id = p.id, last_post_id = p.id "
            "FROM forums_post p WHERE p.thread_id = t.id AND p.is_opening AND t.board_id = %s",
            [board.pk],
        )
    del openings
    for title, count, top_level in [("Bench 1,000 nested", 1000, 100),
                                    ("Bench 50,000", huge_thread_posts(),
                                     settings.FORUMS_PAGE_SIZE)]:  # fmt: skip
        thread = Thread.objects.create(
            board=big, title=title, author=rng.choice(people), last_post_at=now
        )
        opening = Post.objects.create(
            thread=thread, author=thread.author, body="Opening words.",
            body_html="<p>Opening words.</p>", is_opening=True,
        )  # fmt: skip
        Thread.objects.filter(pk=thread.pk).update(opening_post=opening)
        add_posts(thread, count, top_level)
    with connection.cursor() as cur:
        cur.execute("ANALYZE forums_post; ANALYZE forums_thread;")
    return ids_of(board, big)


def ids_of(board, big) -> dict:
    from django.conf import settings

    from forums.models import Post, Thread
    from forums.selectors import thread_cursor

    size = settings.FORUMS_PAGE_SIZE

    def last_page_after(ordered):
        """The row just before the last page: that page's cursor."""
        count = ordered.count()
        return ordered[(count - 1) // size * size - 1]

    nested = Thread.objects.get(board=big, title="Bench 1,000 nested")
    huge = Thread.objects.get(board=big, title="Bench 50,000")
    tops = Post.objects.filter(thread=huge, parent__isnull=True, is_opening=False).order_by("id")
    top_ids = tops.values_list("id", flat=True)
    page_500_after = top_ids[499 * size - 1]
    threads = Thread.objects.filter(board=board).order_by("-last_post_at", "-id")
    huge_url = huge.get_absolute_url()
    return {
        "board": board.get_absolute_url(),
        "board_last": f"{board.get_absolute_url()}?after={thread_cursor(last_page_after(threads))}",
        "nested": nested.get_absolute_url(),
        "huge": huge_url,
        "huge_500": f"{huge_url}?after={page_500_after}",
        "huge_last": f"{huge_url}?after={last_page_after(top_ids)}",
        "last_after": str(last_page_after(top_ids)),
        "huge_id": huge.pk,
        "page_500_after": page_500_after,
    }


def in_process_costs(ids: dict) -> None:
    """The selector alone (its queries and Python, wall time): thread_tree for page 1, page 500
    and the last page of the 50,000-post thread, taking turns, median of 30 each."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forums import selectors

    pages = {"page 1": None, "page 500": str(ids["page_500_after"]), "last page": ids["last_after"]}
    timings: dict[str, list[float]] = {name: [] for name in pages}
    queries = {}
    for _ in range(30):
        for name, cursor in pages.items():
            thread = selectors.thread_for(user=AnonymousUser(), pk=ids["huge_id"])
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                selectors.thread_tree(user=AnonymousUser(), thread=thread, cursor=cursor)
            timings[name].append(time.perf_counter() - start)
            queries[name] = len(ctx.captured_queries)
    print(
        "thread_tree on the 50,000-post thread: "
        + ", ".join(
            f"{name} {statistics.median(t) * 1000:.1f} ms ({queries[name]} queries)"
            for name, t in timings.items()
        )
    )


def bench_reader(email: str = "bench-reader@example.org", name: str = "Bench reader"):
    """A signed-in member with a verified email, who may write on the public bench boards."""
    from allauth.account.models import EmailAddress

    from supportgroups.models import User

    reader, _created = User.objects.get_or_create(email=email, defaults={"display_name": name})
    EmailAddress.objects.get_or_create(
        user=reader, email=reader.email, defaults={"verified": True, "primary": True}
    )
    return reader


def app_cpu(pages: list[tuple], rounds: int, readers: list[tuple]) -> None:
    """CPU time of this process per request through Django's full handler (middleware, view,
    templates; PostgreSQL's own work is not counted), beside the bare view measured alike (the
    first page). Each reader's pages take turns, one request each per round, so a change in the
    machine's load falls on all of them alike; the median request is printed, which a stray
    pause (another process, a garbage collection) does not move. `readers` are (label, client,
    uncached, not kept): an uncached reader has the fragment cache (supportgroups.fragments)
    switched off, which shows the first view of a page; for a reader "not kept", something a
    visitor could see changes before each request (outside its timing), so a visitor's page is
    rendered again rather than given as kept (supportgroups.visitor_pages). A page is (name,
    path) or (name, path, the only readers it is for)."""
    from django.core.cache.backends.dummy import DummyCache

    from supportgroups import fragments, visitor_pages

    print(f"\napp CPU per request, in-process, median of {rounds} (ms; ×: over bare view)")
    print(f"machine load average {load_average()}")
    cpu: dict[tuple[str, str], list[float]] = {}
    cached, local = fragments.store, fragments.local
    for who, client, uncached, not_kept in readers:
        fragments.store = DummyCache("off", {}) if uncached else cached
        fragments.local = fragments.LocalFragments(size=0) if uncached else local
        mine = [(name, path) for name, path, *only in pages if not only or who in only[0]]
        for _name, path in mine * 3:  # warm up: template loader, connection, sessions
            client.get(path)
        for _ in range(rounds):
            for name, path in mine:
                if not_kept:
                    visitor_pages.move_version()
                start = time.process_time()
                response = client.get(path)
                cpu.setdefault((who, name), []).append(time.process_time() - start)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code}")
    fragments.store, fragments.local = cached, local
    print(f"{'page':36}" + "".join(f" {who:>20} {'×':>5}" for who, *_rest in readers))
    bare_name = pages[0][0]
    for name, *_rest in pages:
        cells = []
        for who, *_rest in readers:
            if (who, name) not in cpu:
                cells.append(f" {'-':>20} {'':5}")
                continue
            ms, bare = (statistics.median(cpu[who, page]) * 1000 for page in (name, bare_name))
            cells.append(f" {ms:20.2f} {ms / bare:5.1f}")
        print(f"{name:36}{''.join(cells)}")
    print(f"machine load average {load_average()}")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} {five:.1f} {fifteen:.1f} (1, 5, 15 min) on {os.cpu_count()} cores"


def readers(member) -> list[tuple]:
    """A visitor given kept pages, a visitor after every change (the page rendered again), and
    `member` signed in, with the fragment cache and then with it switched off."""
    from django.test import Client

    signed_in = Client(SERVER_NAME="localhost")
    signed_in.force_login(member)
    visitor = Client(SERVER_NAME="localhost")
    return [("anonymous", visitor, False, False), ("anonymous, not kept", visitor, False, True),
            ("member", signed_in, False, False),
            ("member, uncached", signed_in, True, False)]  # fmt: skip


# --- servers and load -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(kind: str, port: int, env: dict) -> subprocess.Popen:
    python = Path(sys.executable)
    if kind == "gunicorn":
        cmd = [str(python.parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "supportgroups.wsgi:application"]  # fmt: skip
    else:
        cmd = [str(python.parent / "daphne"), "-b", "127.0.0.1", "-p", str(port),
               "-v", "0", "supportgroups.asgi:application"]  # fmt: skip
    return subprocess.Popen(cmd, cwd=ROOT, env=env)


def wait_until_up(base: str, proc: subprocess.Popen) -> None:
    import httpx

    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(base + "/bench/bare/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start")


def load(base: str, path: str, requests: int, concurrency: int) -> dict:
    import threading

    import httpx

    local = threading.local()

    def one(_i):
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, timeout=60)
        start = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        return elapsed

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(min(20, requests))))  # warm up connections and caches
        began = time.perf_counter()
        latencies = sorted(pool.map(one, range(requests)))
        wall = time.perf_counter() - began
    return {
        "p50": latencies[len(latencies) // 2] * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "rps": requests / wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--servers", default="gunicorn,daphne", help="'' for in-process only")
    parser.add_argument("--cpu-rounds", type=int, default=100)
    args = parser.parse_args()

    env = start_site()
    url = env["DATABASE_URL"]
    began = time.perf_counter()
    ids = build_data()
    print(f"data ready in {time.perf_counter() - began:.1f} s (database {url.rpartition('/')[2]})")
    in_process_costs(ids)

    pages = [
        ("bare Django view", "/bench/bare/"),
        ("board of 5,000 threads, page 1", ids["board"]),
        ("board, last page (keyset)", ids["board_last"]),
        ("thread of 1,000 nested posts", ids["nested"]),
        ("thread of 50,000 posts, page 1", ids["huge"]),
        ("thread of 50,000 posts, page 500", ids["huge_500"]),
        ("thread of 50,000 posts, last page", ids["huge_last"]),
    ]
    app_cpu(pages, args.cpu_rounds, readers(bench_reader()))
    if not args.servers:
        return
    print(f"\n{args.requests} requests per row, {args.concurrency} concurrent clients, anonymous")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for kind in args.servers.split(","):
        port = free_port()
        proc = start_server(kind, port, env)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base, proc)
            label = (
                "gunicorn (WSGI, 2 workers)" if kind == "gunicorn" else "daphne (ASGI, 1 process)"
            )
            print(f"\n{label}")
            print(f"{'page':36} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'vs bare':>8}")
            bare_rps = None
            for name, path in pages:
                r = load(base, path, args.requests, args.concurrency)
                bare_rps = bare_rps or r["rps"]
                print(
                    f"{name:36} {r['p50']:8.1f} {r['p95']:8.1f} {r['rps']:8.1f} "
                    f"{r['rps'] / bare_rps:8.2f}"
                )
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
