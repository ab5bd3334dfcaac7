"""Forum pages under load, through the real WSGI (gunicorn) and ASGI (daphne) servers.

Builds, in its own database (<DATABASE_URL name>_bench, made if missing and reused after):
  - a thread of 1,000 nested posts (about 520 top-level replies, replies down to depth 4),
  - a board of 5,000 threads,
  - a thread of 50,000 posts (about 26,000 top-level replies), to compare page 1 with page 500.
Then serves the site with gunicorn and with daphne on free loopback ports and sends bounded
concurrent load (httpx, a thread pool), printing p50/p95 latency and requests per second for
each page beside a bare Django view measured in the same run: the ratio is the figure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_forums SECRET_KEY=bench \
        python bench/forums.py [--requests 200] [--concurrency 8]
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


# --- data -----------------------------------------------------------------------------------


def build_data() -> dict:
    """Bulk inserts, then paths filled level by level in SQL: minutes become seconds."""
    import random

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from forums.models import Board, Post, Thread
    from supportgroups.markdown import render_markdown
    from supportgroups.models import User

    call_command("migrate", verbosity=0)
    board, created = Board.objects.get_or_create(slug="bench-board", defaults={"name": "Bench"})
    if not created and Thread.objects.filter(board=board).count() >= 5002:
        return ids_of(board)
    Thread.objects.filter(board=board).delete()
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
            for share in (2, 4, 8, 16):  # ~0.94 replies per top-level reply, up to depth 4
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
    nested = Thread.objects.create(board=board, title="Bench 1,000 nested", last_post_at=now)
    add_posts(nested, 1000, 100)
    huge = Thread.objects.create(board=board, title="Bench 50,000", last_post_at=now)
    add_posts(huge, 50_000, 1000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE forums_post; ANALYZE forums_thread;")
    return ids_of(board)


def ids_of(board) -> dict:
    from django.conf import settings

    from forums.models import Post, Thread
    from forums.selectors import thread_cursor

    nested = Thread.objects.get(board=board, title="Bench 1,000 nested")
    huge = Thread.objects.get(board=board, title="Bench 50,000")
    tops = Post.objects.filter(thread=huge, parent__isnull=True, is_opening=False).order_by("id")
    size = settings.FORUMS_PAGE_SIZE
    page_500_after = tops.values_list("id", flat=True)[499 * size - 1]
    last_thread = Thread.objects.filter(board=board).order_by("last_post_at", "id").first()
    return {
        "board": board.get_absolute_url(),
        "nested": nested.get_absolute_url(),
        "huge": huge.get_absolute_url(),
        "huge_500": f"{huge.get_absolute_url()}?after={page_500_after}",
        "board_last": f"{board.get_absolute_url()}?after={thread_cursor(last_thread)}",
        "huge_id": huge.pk,
        "page_500_after": page_500_after,
    }


def in_process_costs(ids: dict) -> None:
    """The database side alone: thread_tree for page 1 and page 500 of the 50,000-post thread."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forums import selectors

    def measure(cursor):
        timings = []
        for _ in range(15):
            thread = selectors.thread_for(user=AnonymousUser(), pk=ids["huge_id"])
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                selectors.thread_tree(user=AnonymousUser(), thread=thread, cursor=cursor)
            timings.append(time.perf_counter() - start)
        return statistics.median(timings) * 1000, len(ctx.captured_queries)

    first, q1 = measure(None)
    deep, q500 = measure(str(ids["page_500_after"]))
    print(
        f"thread_tree on the 50,000-post thread: page 1 {first:.1f} ms ({q1} queries), "
        f"page 500 {deep:.1f} ms ({q500} queries), ratio {deep / first:.2f}"
    )


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
    parser.add_argument("--servers", default="gunicorn,daphne")
    args = parser.parse_args()

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
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "supportgroups.settings"
    import django

    django.setup()
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
    ]
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
