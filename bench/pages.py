"""Site pages outside the forums: app CPU per request in-process, beside a bare Django view.

The group directory, a group's page, the home page and the notifications page, each requested
through Django's full handler (middleware, view, templates) for an anonymous visitor and a
signed-in member, measured exactly as bench/forums.py measures the forum pages (same process,
time.process_time, the bare view first) and printed with the machine's load average.

Builds, in bench/forums.py's database (<DATABASE_URL name>_bench, reused after):
  - 240 listed groups in the directory (20 pages of 12), each with two cancer types, an
    audience, one or two languages, a country and a city,
  - a group the member belongs to, with a Markdown description, 3 facilitators, 40 members,
    a weekly meeting (its next five dates on the page), resources for its cancer types and its
    private board,
  - 60 notifications for the member (50 on the page), 10 of them unread.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_forums SECRET_KEY=bench \
        python bench/pages.py [--cpu-rounds 100]
"""

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on sys.path and would shadow the forums app.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.forums import app_cpu, bench_reader, load_average, readers, start_site  # noqa: E402

DIRECTORY_GROUPS = 240
HOME_GROUP = "bench-home-group"
READER = "bench-pages-reader@example.org"
COUNTRIES = ["GB", "FR", "ES", "DE", "IE", "NL", "US", "CA"]
CITIES = ["Leeds", "Lyon", "Seville", "Bremen", "Cork", "Utrecht", "Denver", "Halifax"]
DESCRIPTION = """We meet every week, online, for an hour. **Anyone affected** by the cancers
below is welcome: people in treatment, after it, and the people who care for them.

- a facilitator (an oncology social worker) opens and closes each meeting,
- cameras are optional, and so is speaking,
- what is said in the group stays in the group.

Read more about how the group works in [our guide](https://example.org/guide)."""


def build_data() -> dict:
    """Idempotent: rows are made only when missing, so reruns measure the same pages."""
    from django.core.management import call_command

    from groups.models import Audience, CancerType, Language, SupportGroup

    call_command("migrate", verbosity=0)
    cancer_types = [
        CancerType.objects.get_or_create(slug=f"bench-type-{i}", defaults={"name": name})[0]
        for i, name in enumerate(
            [
                "Breast",
                "Bowel",
                "Lung",
                "Prostate",
                "Ovarian",
                "Blood",
                "Brain",
                "Skin",
                "Pancreatic",
                "Kidney",
                "Bladder",
                "Head and neck",
            ]
        )  # fmt: skip
    ]
    audiences = [
        Audience.objects.get_or_create(slug=f"bench-audience-{i}", defaults={"name": name})[0]
        for i, name in enumerate(["People with cancer", "Carers", "Bereaved", "Young adults"])
    ]
    languages = [
        Language.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [
            ("en", "English"),
            ("fr", "French"),
            ("es", "Spanish"),
            ("de", "German"),
            ("nl", "Dutch"),
            ("ga", "Irish"),
        ]  # fmt: skip
    ]
    if SupportGroup.objects.filter(slug__startswith="bench-dir-").count() != DIRECTORY_GROUPS:
        directory_groups(cancer_types, audiences, languages)
    reader = bench_reader(READER, "Bench pages reader")
    group = home_group(reader, cancer_types, audiences, languages)
    notifications(reader)
    return {"reader": reader, "group": group, "cancer_type": cancer_types[2].slug}


def directory_groups(cancer_types, audiences, languages) -> None:
    from groups.models import SupportGroup

    SupportGroup.objects.filter(slug__startswith="bench-dir-").delete()
    formats = [choice for choice, _label in SupportGroup.Format.choices]
    groups = SupportGroup.objects.bulk_create(
        [
            SupportGroup(
                name=f"{cancer_types[i % 12].name} support circle {i:03d}",
                slug=f"bench-dir-{i:03d}",
                summary="A friendly, facilitated group for people affected by cancer.",
                format=formats[i % len(formats)],
                city=CITIES[i % len(CITIES)],
                country=COUNTRIES[i % len(COUNTRIES)],
                time_zone="Europe/London",
            )
            for i in range(DIRECTORY_GROUPS)
        ]
    )
    through = SupportGroup.cancer_types.through
    through.objects.bulk_create(
        through(supportgroup=g, cancertype=cancer_types[(i + k) % 12])
        for i, g in enumerate(groups)
        for k in (0, 5)
    )
    through = SupportGroup.audiences.through
    through.objects.bulk_create(
        through(supportgroup=g, audience=audiences[i % 4]) for i, g in enumerate(groups)
    )
    through = SupportGroup.languages.through
    through.objects.bulk_create(
        through(supportgroup=g, language=languages[(i + k) % 6])
        for i, g in enumerate(groups)
        for k in range(1 + i % 2)
    )


def home_group(reader, cancer_types, audiences, languages):
    from django.utils import timezone

    from forums.services import ensure_group_board
    from groups.meetings import services as meetings
    from groups.models import Membership, SupportGroup
    from resources.models import Resource
    from supportgroups.models import User

    group, created = SupportGroup.objects.get_or_create(
        slug=HOME_GROUP,
        defaults={
            "name": "Bench home group",
            "summary": "Where the bench's member belongs.",
            "description": DESCRIPTION,
            "format": SupportGroup.Format.ONLINE,
            "country": "GB",
            "time_zone": "Europe/London",
        },
    )
    if created:
        group.cancer_types.set(cancer_types[:2])
        group.audiences.set(audiences[:2])
        group.languages.set(languages[:1])
        people = [
            User.objects.get_or_create(
                email=f"bench-home-{i}@example.org",
                defaults={"display_name": f"Bench home person {i}"},
            )[0]
            for i in range(43)
        ]
        Membership.objects.bulk_create(
            Membership(
                group=group,
                user=person,
                state=Membership.State.ACTIVE,
                role=Membership.Role.FACILITATOR if i < 3 else Membership.Role.MEMBER,
            )
            for i, person in enumerate(people)
        )
        Membership.objects.create(group=group, user=reader, state=Membership.State.ACTIVE)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        meetings.create_series(
            group=group, created_by=people[0], title="Weekly check-in", starts_on=tomorrow,
            start_time=dt.time(18, 30), duration_minutes=60, time_zone="Europe/London",
            recurrence="weekly", join_url="https://video.example.org/bench",
        )  # fmt: skip
        for i in range(8):
            resource = Resource.objects.create(
                title=f"Bench resource {i}", slug=f"bench-resource-{i}",
                summary="Plain information.", kind="organisation",
                url=f"https://charity{i}.example.org/", state="published",
                reviewed_on=tomorrow - dt.timedelta(days=30),
            )  # fmt: skip
            resource.cancer_types.set(cancer_types[i % 2 : i % 2 + 1])
            resource.audiences.set(audiences[:1])
        ensure_group_board(group=group)
    for series in group.meeting_series.all():  # dates kept ahead of the clock between runs
        meetings.materialise_occurrences(series=series)
    return group


def notifications(reader) -> None:
    from supportgroups.models import Notification

    if Notification.objects.filter(user=reader).count() == 60:
        return
    Notification.objects.filter(user=reader).delete()
    Notification.objects.bulk_create(
        Notification(
            user=reader,
            kind=Notification.Kind.REPLY if i % 3 else Notification.Kind.REMINDER,
            title=f"Someone replied in “Scan day nerves” ({i})",
            body="I bring a friend and a book." if i % 2 else "",
            url=f"/forums/thread/{i + 1}/",
        )
        for i in range(60)
    )
    newest = Notification.objects.filter(user=reader).order_by("-id")
    read = list(newest.values_list("id", flat=True)[10:])  # the newest 10 stay unread
    Notification.objects.filter(pk__in=read).update(read_at=dt.datetime.now(dt.UTC))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu-rounds", type=int, default=100)
    args = parser.parse_args()

    start_site()
    began = time.perf_counter()
    data = build_data()
    print(f"data ready in {time.perf_counter() - began:.1f} s")
    group = data["group"].get_absolute_url()
    signed_in = {"member", "member, uncached"}
    pages = [
        ("bare Django view", "/bench/bare/"),
        ("home", "/"),
        ("group directory, page 1", "/groups/"),
        ("group directory, filtered, page 2", f"/groups/?cancer_type={data['cancer_type']}&page=2"),
        ("group page (the member's group)", group),
        ("notifications (50 of 60)", "/notifications/", signed_in),
    ]
    app_cpu(pages, args.cpu_rounds, readers(data["reader"])[:3])  # fragments always on here
    after_a_change(pages[2:5], args.cpu_rounds, readers(data["reader"])[2][1])


def after_a_change(pages: list[tuple], rounds: int, member) -> None:
    """The directory and a group page below its header are kept whole beside the version of the
    tables they show (groups.rendering), which a visitor's "not kept" above does not move: here
    it moves before each request (outside its timing), so the member's page is worked out
    again, the fragments it is made of aside."""
    import statistics

    from groups.rendering import DIRECTORY, GROUP_PAGE

    print(f"\nthe member's pages after a group changed, median of {rounds} (ms)")
    for name, path in pages:
        cpu = []
        for _ in range(rounds):
            DIRECTORY.move()
            GROUP_PAGE.move()
            start = time.process_time()
            member.get(path)
            cpu.append(time.process_time() - start)
        print(f"{name:36} {statistics.median(cpu) * 1000:20.2f}")
    print(f"machine load average {load_average()}")


if __name__ == "__main__":
    main()
