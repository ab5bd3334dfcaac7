"""Reads for check-ins: a member's own trend (as points for a small server-drawn chart), their
answers this period, and, for facilitators, who is at or above the threshold, by name (never
ranked by score)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from groups.models import SupportGroup
from supportgroups.models import User

from .models import CheckIn, CheckInSetup, CheckInTask

TREND_LENGTH = 12
# The chart's drawing box, in SVG units: scores 0-10 top to bottom, check-ins left to right.
WIDTH, HEIGHT, PAD = 300, 120, 12


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    score: int
    check_in: CheckIn


@dataclass(frozen=True)
class Trend:
    points: list[Point]
    threshold_y: float
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def scores(self) -> list[int]:
        return [p.score for p in self.points]


def _y(score: int) -> float:
    return HEIGHT - PAD - (HEIGHT - 2 * PAD) * score / 10


def own_trend(*, member: User, group: SupportGroup, threshold: int) -> Trend:
    """The member's last scores in this group, oldest first."""
    rows = list(
        CheckIn.objects.filter(group=group, member=member, score__isnull=False).order_by(
            "-created_at", "-id"
        )[:TREND_LENGTH]
    )
    rows.reverse()
    step = (WIDTH - 2 * PAD) / max(len(rows) - 1, 1)
    points = [
        Point(x=PAD + i * step, y=_y(row.score or 0), score=row.score or 0, check_in=row)
        for i, row in enumerate(rows)
    ]
    return Trend(points=points, threshold_y=_y(threshold))


def this_period(*, member: User, group: SupportGroup, period: str) -> CheckIn | None:
    return CheckIn.objects.filter(group=group, member=member, period=period).first()


def tasks_for(*, group: SupportGroup) -> list[CheckInTask]:
    """Open tasks, and the ones done in the last fortnight, by the member's name: who would
    like someone to reach out. Scores are not the order; nobody is compared."""
    recent = timezone.now() - timedelta(days=14)
    return list(
        CheckInTask.objects.filter(group=group)
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=recent))
        .select_related("member", "check_in", "done_by")
        .order_by(Lower("member__display_name"), "member_id", "created_at")
    )


def enabled_setup(group: SupportGroup) -> CheckInSetup | None:
    return CheckInSetup.objects.filter(group=group, enabled=True).first()
