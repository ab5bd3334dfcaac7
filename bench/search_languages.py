"""Forum search in several languages: what stemming the query once per language costs, and
that every plan still reaches the posts through an index (no sequential scan of forums_post).

Builds, in its own database (<DATABASE_URL name>_lang_bench, rebuilt each run), one English
public board and a Spanish group's board with --posts posts between them (a tenth Spanish),
written in SQL from small English and Spanish vocabularies, then searches as two readers in
the same process: an English-only one (one text search configuration: the query as before)
and a member of the Spanish group (two: English for the public board, Spanish for the group's).
Prints p50 per query for each, their ratio, the plan of each query, and the load average.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg SECRET_KEY=bench \\
        python bench/search_languages.py [--posts 200000] [--rounds 30]
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

ENGLISH = (
    "tired chemo scan results nurse hope sleep pain family waiting treatment fatigue hair "
    "appetite worry friends hospital cycle counts"
)
SPANISH = (
    "cuidadora cuidadoras noches madre padre cansada quimioterapia resultados esperanza "
    "hospital familia dolor miedo sueño tratamiento apoyo"
)
QUERIES = ["tired", "scan results", "cuidadores", "quimioterapias", "nowhereword"]


def database(url: str) -> None:
    import psycopg

    server, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def build(posts: int):
    from django.db import connection
    from django.utils import timezone

    from forums.models import Board, Thread
    from groups.models import Membership, SupportGroup
    from supportgroups.models import User

    reader = User.objects.create_user("reader@example.org", display_name="Reader")
    english_reader = User.objects.create_user("english@example.org", display_name="English")
    writer = User.objects.create_user("writer@example.org", display_name="Writer")
    madrid = SupportGroup.objects.create(
        name="Cuidadores", slug="cuidadores", summary="-", format="online", language="es"
    )
    Membership.objects.create(user=reader, group=madrid, role="member", state="active")
    public = Board.objects.filter(group=None).first()
    spanish = Board.objects.create(group=madrid, name="Cuidadores", slug="group-cuidadores")
    threads = {
        board.pk: Thread.objects.create(
            board=board, title="Hilo", author=writer, last_post_at=timezone.now()
        )
        for board in (public, spanish)
    }
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'forums_post' "
            "AND indexname <> 'forums_post_pkey' AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
        )
        indexes = cur.fetchall()
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        for words, board, config, share in [
            (ENGLISH, public, "english", 0.9),
            (SPANISH, spanish, "spanish", 0.1),
        ]:
            cur.execute(
                """
                INSERT INTO forums_post (thread_id, depth, path, is_opening, author_id,
                    is_anonymous, body, body_html, content_warning, created_at, is_held,
                    hidden_reason, support_count, search_config, search_vector)
                SELECT %(thread)s, 1, '', false, %(writer)s, false, body, body, '', now(),
                    false, '', 0, %(config)s, to_tsvector(%(config)s::regconfig, body)
                FROM (
                    SELECT array_to_string(ARRAY(
                        SELECT w[1 + floor(random() * array_length(w, 1))::int]
                        FROM generate_series(1, 12) AS g WHERE g + n > 0), ' ') AS body
                    FROM generate_series(1, %(count)s) AS n,
                         (SELECT string_to_array(%(words)s, ' ') AS w) AS vocabulary
                ) AS written
                """,
                {
                    "thread": threads[board.pk].pk,
                    "writer": writer.pk,
                    "config": config,
                    "count": int(posts * share),
                    "words": words,
                },
            )
        for _name, definition in indexes:
            cur.execute(definition)
        cur.execute("ANALYZE forums_post")
    return reader, english_reader


def measure(reader, english_reader, rounds: int) -> None:
    from forums import search

    print(f"{'query':<16} {'1 config p50':>13} {'2 configs p50':>14} {'ratio':>6}  plan (2)")
    for query in QUERIES:
        times = {}
        for who in (english_reader, reader):
            spent = []
            for _ in range(rounds):
                began = time.perf_counter()
                search.search_posts(user=who, query=query)
                spent.append(time.perf_counter() - began)
            times[who.pk] = statistics.median(spent) * 1000
        plan = search._matching(reader, search.clean_query(query)).order_by("-id")[:21]
        explained = plan.explain(analyze=True)
        assert "Seq Scan on forums_post" not in explained, explained
        scans = sorted(
            {
                line.strip().removeprefix("->").strip().split("  (")[0]
                for line in explained.splitlines()
                if " on forums_post" in line or "post_search" in line
            }
        )
        one, two = times[english_reader.pk], times[reader.pk]
        print(f"{query:<16} {one:>10.1f} ms {two:>11.1f} ms {two / one:>6.2f}  {'; '.join(scans)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/supportgroups")
    url += "_lang_bench"
    database(url)
    os.environ.update(
        DATABASE_URL=url,
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only",
        DJANGO_SETTINGS_MODULE="supportgroups.settings",
        DEBUG="0",
    )
    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    reader, english_reader = build(args.posts)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.posts:,} posts built in {time.perf_counter() - began:.0f} s; load {load}")
    measure(reader, english_reader, args.rounds)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
