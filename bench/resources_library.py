"""Library page timings with a few thousand resources: filters and full-text search.

Run against a scratch database (it adds its rows, measures, then deletes them):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch SECRET_KEY=bench \
        .venv/bin/python bench/resources_library.py [number of resources, default 3000]

Prints, per scenario, the median and 95th percentile of 30 requests through Django's test
client (no network), and the queries each request made.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportgroups.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from groups.models import CancerType, Language  # noqa: E402
from resources.models import Country, Resource, Topic  # noqa: E402

PREFIX = "bench-resource-"
WORDS = [
    "fatigue",
    "nausea",
    "chemotherapy",
    "radiotherapy",
    "surgery",
    "money",
    "benefits",
    "work",
    "carers",
    "grief",
    "diet",
    "exercise",
    "sleep",
    "pain",
    "hair",
    "fertility",
    "children",
    "trials",
    "immunotherapy",
    "scans",
    "recurrence",
]
REQUESTS = 30


def filler(rng: random.Random, n: int) -> str:
    """Text like a real library's: mostly varied words, a topic word now and then, so that a
    search matches a few percent of resources, not all of them."""
    return " ".join(
        rng.choice(WORDS) if rng.random() < 0.002 else f"word{rng.randrange(20000)}"
        for _ in range(n)
    )


def make_tags():
    cancer_types = [
        CancerType.objects.get_or_create(slug=f"bench-ct-{n}", defaults={"name": f"Bench {n}"})[0]
        for n in range(10)
    ]
    topics = [
        Topic.objects.get_or_create(slug=f"bench-topic-{n}", defaults={"name": f"Bench {n}"})[0]
        for n in range(8)
    ]
    countries = [
        Country.objects.get_or_create(code=code, defaults={"name": code})[0]
        for code in ("GB", "US", "AU", "CA", "ES")
    ]
    languages = [
        Language.objects.get_or_create(code=code, defaults={"name": code})[0]
        for code in ("en", "es", "fr")
    ]
    return cancer_types, topics, countries, languages


def populate(n: int) -> None:
    rng = random.Random(42)
    cancer_types, topics, countries, languages = make_tags()
    kinds = [k for k, _ in Resource.Kind.choices]
    resources = Resource.objects.bulk_create(
        Resource(
            title=f"{rng.choice(WORDS).capitalize()} {filler(rng, 4)} {i}",
            slug=f"{PREFIX}{i}",
            summary=filler(rng, 25),
            body=filler(rng, 300),
            kind=rng.choice(kinds),
            url=f"https://{PREFIX}{i}.example.org/",
            state=Resource.State.PUBLISHED,
        )
        for i in range(n)
    )
    for field, choices in (
        ("cancer_types", cancer_types),
        ("topics", topics),
        ("countries", countries),
        ("languages", languages),
    ):
        through = getattr(Resource, field).through
        target = getattr(Resource, field).field.m2m_reverse_field_name()
        through.objects.bulk_create(
            through(resource_id=r.pk, **{f"{target}_id": rng.choice(choices).pk}) for r in resources
        )


def measure(client: Client, params: dict) -> tuple[float, float, int]:
    times = []
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get("/resources/", params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(ctx.captured_queries)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    Resource.objects.filter(slug__startswith=PREFIX).delete()
    populate(n)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would soon after a bulk load
            cursor.execute("ANALYZE resources_resource, resources_resource_cancer_types")
    client = Client()
    scenarios = {
        "no filter, page 1": {},
        "type": {"kind": "guide"},
        "cancer type + topic": {"cancer_type": "bench-ct-3", "topic": "bench-topic-2"},
        "country + language + type": {"country": "GB", "language": "en", "kind": "video"},
        "search one word": {"q": "fatigue"},
        "search two words + cancer type": {"q": "fatigue trials", "cancer_type": "bench-ct-1"},
        "search, page 5": {"q": "grief", "page": 5},
    }
    total = Resource.objects.published().count()
    matching = Resource.objects.filter(title__icontains="fatigue").count()
    print(f"{total} published resources ({n} made by this run), {connection.vendor}")
    print(f"('fatigue' is in about {matching} titles, and more summaries and bodies)")
    print(f"{'scenario':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    try:
        for name, params in scenarios.items():
            median, p95, queries = measure(client, params)
            print(f"{name:34} {median:10.1f} {p95:8.1f} {queries:8d}")
    finally:
        Resource.objects.filter(slug__startswith=PREFIX).delete()


if __name__ == "__main__":
    main()
