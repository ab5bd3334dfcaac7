"""Forum search over a million posts: p50/p95/max per query, and the plan of every query.

Builds, once, in its own database (<DATABASE_URL name>_search_bench; kept between runs and reused
when it holds the full set):
  - 2,000 writers, 40 support groups each with its private board, and the 9 public boards,
  - 50,000 threads of very uneven length (a few thousand posts down to one), a quarter of them on
    private boards, 1,000,000 posts in all, written over three years: sentences drawn from a
    Zipf-distributed vocabulary of cancer-support words, everyday English and a long tail of rare
    words (drug-like names), with common phrases ("side effects", "hair loss") mixed in,
  - about 0.5% of posts held for review and 0.5% hidden by moderators,
  - a member who belongs to 3 of the groups (so reads 3 private boards) and is the reader.
Rows go in with COPY, the search vectors are made in SQL, and the indexes are built after the
load, which is what keeps the build to minutes.

Then each typical query (a common word, a rare word, two words, a phrase, words found nowhere)
is requested through Django's full handler as the signed-in member, page 1 and the next page,
and the wall time of each request is printed (p50, p95, max) beside the machine's load average.
Every query that reads forums_post is EXPLAINed (ANALYZE, BUFFERS); the script fails if any
plan scans forums_post sequentially, or if a result is one the member may not read.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_bench SECRET_KEY=bench \
        python bench/search.py [--rounds 40] [--rebuild]
"""

import argparse
import itertools
import os
import random
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on sys.path and would shadow the forums app.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

POSTS = 1_000_000
THREADS = 50_000
WRITERS = 2_000
GROUPS = 40
MEMBER_GROUPS = 3
PRIVATE_SHARE = 0.25
SEED = 15
WRITER_EMAIL = "bench-search-{}@example.org"
MEMBER_EMAIL = "bench-search-member@example.org"

DOMAIN_WORDS = """
chemo chemotherapy radiotherapy radiation surgery oncologist nurse scan scans results fatigue
tired nausea sick pain hair wig appetite sleep anxiety worry fear hope family husband wife
daughter son mum dad friends hospital clinic appointment treatment cycle cycles tumour cancer
diagnosis diagnosed biopsy mastectomy lumpectomy port picc bloods blood counts neutropenia
infection steroids immunotherapy trial trials remission recurrence relapse stage grade lymph
nodes breast bowel lung prostate ovarian pancreatic leukaemia lymphoma myeloma melanoma brain
bladder kidney liver bone marrow transplant stem cells neuropathy tingling numb mouth ulcers
taste food eating weight diet exercise walking yoga meditation counselling therapist grief loss
funeral hospice palliative carer caregiver work job boss money benefits insurance mortgage
driving tamoxifen letrozole herceptin keytruda docetaxel capecitabine folfox cisplatin
carboplatin paclitaxel radiographer consultant surgeon waiting weeks months today tomorrow
yesterday morning night crying laughing strength hugs thanks love
"""
PHRASES = [
    "side effects", "hair loss", "scan results", "support group", "feeling tired",
    "my oncologist said", "waiting for results", "first cycle", "last chemo", "cold cap",
    "peripheral neuropathy", "mouth ulcers", "sick leave", "bone marrow",
]  # fmt: skip
# The most frequent words people write: PostgreSQL's English configuration drops most of them.
EVERYDAY_WORDS = """
the i and to a my of it was in is that for me but have with so on not be had this at just you
all we are they he she her his from what about after been when do can if as or an our will get
"""
SYLLABLES = "ka lo mi ne tor ax ul ber sin dra pe vo zen quil ith mar ost bel cor fen"


def search_bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/supportgroups")
    return base + "_search_bench"


def create_database_if_missing(url: str, *, fresh: bool) -> None:
    import psycopg

    server, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- words ------------------------------------------------------------------------------------


class Writing:
    """Post bodies and titles from one seeded generator: the same million posts on every
    machine. Word ranks follow Zipf's law: domain and everyday words lead, the tail is rare."""

    def __init__(self, rng: random.Random):
        from faker.providers.lorem.en_US import Provider

        self.rng = rng
        tail = sorted(
            {"".join(rng.choices(SYLLABLES.split(), k=rng.randint(3, 4))) for _ in range(40_000)}
        )
        rng.shuffle(tail)
        english = list(Provider.word_list)
        rng.shuffle(english)
        mixed = itertools.chain(*itertools.zip_longest(DOMAIN_WORDS.split(), english))
        ranked = itertools.chain(EVERYDAY_WORDS.split(), mixed, tail)
        self.words = list(dict.fromkeys(w for w in ranked if w))
        self.weights = list(
            itertools.accumulate((rank + 2.7) ** -1.1 for rank in range(len(self.words)))
        )

    def rank_of(self, word: str) -> int:
        return self.words.index(word)

    def sentence(self, length: int) -> str:
        words = self.rng.choices(self.words, cum_weights=self.weights, k=length)
        if self.rng.random() < 0.3:
            words.insert(self.rng.randrange(length), self.rng.choice(PHRASES))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraphs(self) -> list[str]:
        count = 1 if self.rng.random() < 0.6 else self.rng.randint(2, 4)
        return [
            " ".join(self.sentence(self.rng.randint(5, 16)) for _ in range(self.rng.randint(1, 3)))
            for _ in range(count)
        ]

    def title(self) -> str:
        return self.sentence(self.rng.randint(3, 8)).rstrip(".")


def html_of(paragraphs: list[str]) -> str:
    """What supportgroups.markdown.render_markdown makes of plain paragraphs (checked on a
    sample in build_data): rendering a million posts through Markdown would take an hour."""
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


# --- data -------------------------------------------------------------------------------------


def people_and_places(rng: random.Random):
    """Writers, groups with their boards, and the member who reads three of them (ORM: small)."""
    from allauth.account.models import EmailAddress

    from forums import services
    from forums.models import Board
    from groups.models import Membership, SupportGroup
    from supportgroups.models import User

    User.objects.bulk_create(
        [User(email=WRITER_EMAIL.format(i), display_name=f"Writer {i}") for i in range(WRITERS)]
    )
    member = User.objects.create(email=MEMBER_EMAIL, display_name="Bench member")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    groups = SupportGroup.objects.bulk_create(
        [
            SupportGroup(
                name=f"Bench circle {i}",
                slug=f"bench-circle-{i}",
                format="online",
                summary="A group for the search bench.",
            )
            for i in range(GROUPS)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=member, group=g, role="member", state="active")
            for g in rng.sample(groups, MEMBER_GROUPS)
        ]
    )
    private = [services.ensure_group_board(group=g) for g in groups]
    for board in private[::2]:  # half the groups let members post anonymously
        board.allows_anonymous = True
        board.save(update_fields=["allows_anonymous"])
    public = list(Board.objects.filter(group__isnull=True))
    writers = list(
        User.objects.filter(email__startswith="bench-search-").values_list("id", flat=True)
    )
    return writers, public, private


def thread_sizes(rng: random.Random) -> list[int]:
    """Posts per thread, opening post included: heavy-tailed (most threads short, a few with
    thousands), scaled so they add up to exactly POSTS."""
    raw = [rng.paretovariate(1.3) for _ in range(THREADS)]
    scale = (POSTS - THREADS) / sum(raw)
    sizes = [1 + int(r * scale) for r in raw]
    for i in range(POSTS - sum(sizes)):
        sizes[i % THREADS] += 1
    return sizes


def timeline(rng: random.Random, sizes: list[int], now):
    """Every post as (time, thread index, position in thread), in the order they were written:
    ids then rise with time, as they do on a real site."""
    span = timedelta(days=3 * 365).total_seconds()
    events = []
    for thread, size in enumerate(sizes):
        t = rng.uniform(0, span * 0.98)
        gap = min(3600.0 * 6, (span - t) / (size + 1))
        for position in range(size):
            events.append((t, thread, position))
            t += rng.expovariate(1 / gap)
    events.sort()
    return [(now - timedelta(seconds=span - t), thread, pos) for t, thread, pos in events]


def copy_rows(cursor, table: str, columns: str, rows) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def drop_post_indexes(cursor) -> list[str]:
    """Drop the posts' secondary indexes (building them after the load is far quicker than
    keeping them up to date row by row) and return how to make them again."""
    rows = cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'forums_post' "
        "AND indexname <> 'forums_post_pkey' AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
    ).fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def next_id(cursor, table: str) -> int:
    return cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]


def copy_posts(
    cursor, *, rng, writing, events, titles, anonymous, first_thread, first_post, writers
):
    """Every post into a staging table, ids in time order; about a third of the replies answer
    an earlier top-level reply, and a tenth of the posts on boards that allow it are anonymous.
    Returns each thread's (opening post, its time) and (last post, its time)."""
    from forums.models import path_segment

    cursor.execute(
        "CREATE TEMP TABLE bench_post (id bigint, thread_id bigint, parent_id bigint, "
        "root_id bigint, depth int, path text, is_opening bool, author_id bigint, body text, "
        "body_html text, created_at timestamptz, is_held bool, hidden_at timestamptz, "
        "title text, is_anonymous bool) ON COMMIT DROP"
    )
    top_level: list[list[int]] = [[] for _ in titles]
    openings, last = [(0, None)] * len(titles), [(0, None)] * len(titles)

    def rows():
        for offset, (when, thread, position) in enumerate(events):
            pk = first_post + offset
            paragraphs = writing.paragraphs()
            parent = None
            if position == 0:
                openings[thread] = (pk, when)
            elif top_level[thread] and rng.random() < 1 / 3:
                parent = rng.choice(top_level[thread][-50:])
            else:
                top_level[thread].append(pk)
            path = (path_segment(parent) if parent else "") + path_segment(pk)
            held = rng.random() < 0.005
            hidden = when if not held and rng.random() < 0.005 else None
            last[thread] = (pk, when)
            yield (
                pk, first_thread + thread, parent, parent or pk, 1 if parent else 0, path,
                position == 0, rng.choice(writers), "\n\n".join(paragraphs), html_of(paragraphs),
                when, held, hidden, titles[thread] if position == 0 else "",
                anonymous[thread] and rng.random() < 0.1,
            )  # fmt: skip

    columns = (
        "id, thread_id, parent_id, root_id, depth, path, is_opening, author_id, body, body_html, "
        "created_at, is_held, hidden_at, title, is_anonymous"
    )
    copy_rows(cursor, "bench_post", columns, rows())
    return openings, last


def build_data(url: str) -> None:
    """The whole load in one transaction: a failed build leaves nothing half-made behind."""
    import psycopg
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from supportgroups.markdown import render_markdown

    rng = random.Random(SEED)
    writing = Writing(rng)
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        writers, public, private = people_and_places(rng)
    sizes = thread_sizes(rng)
    boards = [rng.choice(private if rng.random() < PRIVATE_SHARE else public) for _ in sizes]
    events = timeline(rng, sizes, timezone.now())
    titles = [writing.title() for _ in sizes]
    sample = Writing(random.Random(1)).paragraphs()
    assert html_of(sample) == render_markdown("\n\n".join(sample)), "html_of no longer agrees"
    connection.close()

    with psycopg.connect(url) as conn, conn.cursor() as cur:
        # Bench data only: skip foreign-key triggers during the load (the rows agree by building).
        cur.execute("SET session_replication_role = replica")
        cur.execute("SET maintenance_work_mem = '512MB'")
        indexes = drop_post_indexes(cur)
        first_thread, first_post = next_id(cur, "forums_thread"), next_id(cur, "forums_post")
        began = time.perf_counter()
        openings, last = copy_posts(
            cur, rng=rng, writing=writing, events=events, titles=titles,
            anonymous=[board.allows_anonymous for board in boards],
            first_thread=first_thread, first_post=first_post, writers=writers,
        )  # fmt: skip
        print(f"  {POSTS:,} posts written and copied in {time.perf_counter() - began:.0f} s")
        threads = [
            (first_thread + i, boards[i].pk, titles[i], rng.choice(writers), openings[i][0],
             size - 1, last[i][1], last[i][0], openings[i][1])
            for i, size in enumerate(sizes)
        ]  # fmt: skip
        columns = (
            "id, board_id, title, author_id, opening_post_id, reply_count, last_post_at, "
            "last_post_id, created_at"
        )
        copy_rows(cur, "forums_thread", columns, threads)
        began = time.perf_counter()
        # The same vector forums.indexing.index_post() keeps: the title weighs more than the
        # body. The bench's groups are all English, like the site's default language.
        cur.execute(
            "INSERT INTO forums_post (id, thread_id, parent_id, root_id, depth, path, is_opening, "
            "author_id, is_anonymous, body, body_html, content_warning, created_at, is_held, "
            "hidden_at, hidden_reason, support_count, search_config, search_vector) "
            "SELECT id, thread_id, parent_id, root_id, depth, path, is_opening, author_id, "
            "is_anonymous, "
            "body, body_html, '', created_at, is_held, hidden_at, "
            "CASE WHEN hidden_at IS NULL THEN '' ELSE 'bench' END, 0, 'english', "
            "setweight(to_tsvector('english', title), 'A') "
            "|| setweight(to_tsvector('english', body), 'B') FROM bench_post ORDER BY id"
        )
        print(f"  search vectors made in {time.perf_counter() - began:.0f} s")
        began = time.perf_counter()
        for definition in indexes:
            cur.execute(definition)
        for table in ("forums_post", "forums_thread"):
            cur.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
        print(f"  {len(indexes)} indexes built in {time.perf_counter() - began:.0f} s")
    with psycopg.connect(url, autocommit=True) as conn:
        began = time.perf_counter()
        conn.execute("VACUUM ANALYZE forums_post")
        conn.execute("VACUUM ANALYZE forums_thread")
        print(f"  vacuumed and analysed in {time.perf_counter() - began:.0f} s")


def data_is_complete() -> bool:
    from forums.models import Post

    return Post.objects.count() == POSTS


# --- measuring --------------------------------------------------------------------------------


def typical_queries(writing: "Writing") -> list[tuple[str, str]]:
    """What people type, from very common to found nowhere; the middle word is where
    PostgreSQL's choice between the primary key and the GIN index is closest."""
    return [
        ("very common word", "chemo"),
        ("common word", "neuropathy"),
        ("middling word", writing.words[1500]),
        ("rare word", writing.words[-1]),
        ("two words", "scan anxiety"),
        ("phrase", '"side effects"'),
        ("found nowhere", "xylophone"),
    ]


def matches(query: str) -> int:
    """How many posts match at all (for the table only: counting is what search never does)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM forums_post WHERE search_vector @@ "
            "websearch_to_tsquery('english', %s)",
            [query],
        )
        return cur.fetchone()[0]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


@dataclass
class Timing:
    wall: list[float]  # ms, each request
    cpu: float  # ms, median: this process's CPU time (the steady figure on a busy machine)
    sql_time: float  # ms, median: waiting on PostgreSQL, round trips included
    sql: list[dict]  # the statements of the last request
    search: list[float] = field(default_factory=list)  # ms: the search statement in PostgreSQL

    def row(self) -> str:
        wall, search = self.wall, self.search
        inside = (
            f"{statistics.median(search):7.1f} {percentile(search, 0.95):7.1f}" if search else ""
        )
        return (
            f"{len(self.sql):3} {statistics.median(wall):7.1f} {percentile(wall, 0.95):7.1f} "
            f"{max(wall):7.1f} {self.cpu:7.1f} {self.sql_time:7.1f} {inside}"
        )


def execution_times(sql: str, rounds: int) -> list[float]:
    """The statement's time inside PostgreSQL (ms), without the round trip or the client."""
    from django.db import connection

    times = []
    with connection.cursor() as cur:
        for _ in range(rounds):
            cur.execute("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY) " + sql)
            last = [row[0] for row in cur.fetchall()][-1]
            times.append(float(last.split(":")[1].split()[0]))
    return times


def timed(client, path: str, params: dict, rounds: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wall, cpu, sql_time = [], [], []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, params)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        sql_time.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} {params}: HTTP {response.status_code}")
    return Timing(
        wall, statistics.median(cpu), statistics.median(sql_time), captured.captured_queries
    )


def bare_view(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def search_pages(client, member, query: str, rounds: int):
    """Page 1 and the page after it: their timings, and each page itself (from the selector,
    untimed) for the privacy check."""
    from forums.search import search_posts

    first = search_posts(user=member, query=query)
    pages = [("page 1", timed(client, "/forums/search/", {"q": query}, rounds), first)]
    if first.older:
        params = {"q": query, "after": first.older, "page": 2}
        second = search_posts(user=member, query=query, after=first.older)
        pages.append(("page 2", timed(client, "/forums/search/", params, rounds), second))
    for _name, timing, _page in pages:
        [statement] = [q["sql"] for q in timing.sql if "websearch_to_tsquery" in q["sql"]]
        timing.search = execution_times(statement, rounds)
    return pages


def check_privacy(member, page) -> None:
    """Every hit is on a board the member reads, and shown to everyone."""
    from forums import permissions

    for hit in page.hits:
        post = hit.post
        if not permissions.can_read_board(member, post.thread.board) or not post.is_shown_to_all:
            raise SystemExit(f"post {post.pk} should not have been found")


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cur.fetchall())


def measure(rounds: int) -> None:
    """Every request goes through Django's full handler, middleware included; the bare view is
    the yardstick, measured the same way in the same run."""
    from django.test import Client, override_settings
    from django.urls import include, path

    from supportgroups.models import User

    urls = sys.modules[__name__]  # this module is the URLconf: the site plus a bare view
    urls.urlpatterns = [path("bench/bare/", bare_view), path("", include("supportgroups.urls"))]
    member = User.objects.get(email=MEMBER_EMAIL)
    client = Client()
    client.force_login(member)
    writing = Writing(random.Random(SEED))
    load = os.getloadavg()
    print(
        f"\nsigned in as a member of {MEMBER_GROUPS} groups; {rounds} requests per row; in ms: "
        "each request's wall time (p50, p95, max), this process's CPU time and the time spent\n"
        "on SQL round trips (medians), and the search statement alone inside PostgreSQL "
        "(p50, p95; EXPLAIN ANALYZE, TIMING OFF)"
    )
    print(f"{'query':18} {'typed':16} {'matches':>8} {'page':6} {'hits':>4} {'SQL':>3} "
          f"{'p50':>7} {'p95':>7} {'max':>7} {'CPU':>7} {'in SQL':>7} {'DB p50':>7} "
          f"{'DB p95':>7}")  # fmt: skip
    with override_settings(ROOT_URLCONF=__name__):
        bare = timed(client, "/bench/bare/", {}, rounds)
        print(f"{'bare Django view':18} {'':16} {'':8} {'':6} {'':4} {bare.row()}")
        every, in_database, seq_scans, plans = [], [], [], []
        for name, query in typical_queries(writing):
            count = matches(query)
            for page_name, timing, page in search_pages(client, member, query, rounds):
                check_privacy(member, page)
                every.extend(timing.wall)
                in_database.extend(timing.search)
                print(
                    f"{name:18} {query[:16]:16} {count:8,} {page_name:6} {len(page.hits):4} "
                    f"{timing.row()}"
                )
                for statement in timing.sql:
                    if "forums_post" in statement["sql"]:
                        plan = explain(statement["sql"])
                        plans.append((f"{name}, {page_name}", statement["sql"], plan))
                        if "Seq Scan on forums_post" in plan:
                            seq_scans.append(f"{name}, {page_name}")
    now = os.getloadavg()
    print(
        f"search, all requests: p50 {statistics.median(every):.1f} ms, p95 "
        f"{percentile(every, 0.95):.1f} ms (goal: p95 <= 50), max {max(every):.1f} ms; bare view "
        f"p50 {statistics.median(bare.wall):.1f}, p95 {percentile(bare.wall, 0.95):.1f} ms\n"
        f"search statement inside PostgreSQL: p50 {statistics.median(in_database):.1f} ms, p95 "
        f"{percentile(in_database, 0.95):.1f} ms, max {max(in_database):.1f} ms\n"
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} before, {now[0]:.2f} "
        f"{now[1]:.2f} {now[2]:.2f} after, on {os.cpu_count()} cores"
    )
    for label, sql, plan in plans:
        print(f"\n--- {label}\n{sql}\n{plan}")
    print("\nplans in short:")
    for label, _sql, plan in plans:
        print(f"  {label}: {plan_summary(plan)}")
    if seq_scans:
        raise SystemExit(f"\nFAILED: a sequential scan of forums_post in: {', '.join(seq_scans)}")


def plan_summary(plan: str) -> str:
    """How forums_post is reached (its scan nodes), whether rows are sorted, and the time."""
    nodes = [line.strip().removeprefix("->").strip().split("  (")[0] for line in plan.splitlines()]
    scans = [n for n in nodes if " on forums_post" in n or n.startswith("Sort  ") or n == "Sort"]
    total = next((n for n in nodes if n.startswith("Execution Time")), "")
    return "; ".join(scans + [total])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="requests per query and page")
    parser.add_argument("--rebuild", action="store_true", help="drop the bench database first")
    args = parser.parse_args()

    url = search_bench_database_url()
    create_database_if_missing(url, fresh=args.rebuild)
    os.environ.update(
        DATABASE_URL=url,
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only",
        DJANGO_SETTINGS_MODULE="supportgroups.settings",
        DEBUG="0",
        ALLOWED_HOSTS="testserver",
    )
    import django

    # Static files are served by WhiteNoise from a folder collectstatic makes; search needs none.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    name = url.rpartition("/")[2]
    if data_is_complete():
        print(f"data: {POSTS:,} posts already in {name}")
    else:
        connection.close()
        create_database_if_missing(url, fresh=True)
        print(f"building {POSTS:,} posts in {name} (load {os.getloadavg()[0]:.1f})")
        began = time.perf_counter()
        build_data(url)
        print(f"built in {time.perf_counter() - began:.0f} s")
    measure(args.rounds)


if __name__ == "__main__":
    main()
