"""Demo meetings for the demo groups (all fictional). Idempotent: one series per group and title."""

import datetime as dt

from django.utils import timezone

from groups.models import Membership, SupportGroup

from . import services
from .models import MeetingSeries

PLANS = [
    # title, recurrence, local start time, minutes, place, join link
    (
        "Weekly check-in",
        MeetingSeries.Recurrence.WEEKLY,
        dt.time(18, 0),
        90,
        "",
        "https://video.example.org/weekly-check-in",
    ),
    (
        "Monthly coffee morning",
        MeetingSeries.Recurrence.MONTHLY,
        dt.time(10, 30),
        120,
        "Riverside library, room 2",
        "",
    ),
]


def load(stdout) -> None:
    groups = list(SupportGroup.objects.filter(is_archived=False).order_by("pk")[:3])
    for index, group in enumerate(groups):
        title, recurrence, at, minutes, place, link = PLANS[index % len(PLANS)]
        facilitator = (
            Membership.objects.filter(group=group, role=Membership.Role.FACILITATOR)
            .select_related("user")
            .first()
        )
        series = MeetingSeries.objects.filter(group=group, title=title).first()
        if series is None:
            services.create_series(
                group=group,
                created_by=facilitator.user if facilitator else None,
                title=title,
                starts_on=timezone.localdate() + dt.timedelta(days=index + 1),
                start_time=at,
                duration_minutes=minutes,
                time_zone=group.time_zone,
                recurrence=recurrence,
                place=place,
                join_url=link,
            )
        else:
            services.materialise_occurrences(series=series)
    stdout.write(f"Demo meetings: {len(groups)} groups have a meeting series.")
