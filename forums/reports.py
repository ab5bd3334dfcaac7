"""forums' figures for the organisation's reports: posts on the groups' boards and threads
nobody has answered, counted per group (never a title or a word of a post)."""

import datetime
from collections.abc import Sequence

from django.db.models import Count

from supportgroups.reporting import PeriodCount, Window, in_groups, local_date, month_of

from .models import Post, Thread

UNANSWERED_AFTER = datetime.timedelta(hours=48)


def posts_by_month(group_ids: Sequence[int] | None, window: Window) -> list[PeriodCount]:
    """Posts written on each group's board (held ones not yet: they may never be shown)."""
    rows = (
        in_groups(Post.objects.all(), "thread__board__group_id", group_ids)
        .filter(
            thread__board__group__isnull=False,
            is_held=False,
            created_at__gte=window.start,
            created_at__lt=window.end,
        )
        .annotate(month=month_of("created_at"))
        .values("thread__board__group_id", "month")
        .annotate(count=Count("id"))
        .order_by()
    )
    return [
        PeriodCount(
            row["thread__board__group_id"],
            local_date(row["month"]),
            row["count"],
        )
        for row in rows
    ]


def unanswered_threads(group_ids: Sequence[int] | None, window: Window) -> dict[int, int]:
    """Threads on each group's board started in the window, more than 48 hours ago, that have
    no reply."""
    rows = (
        in_groups(Thread.objects.all(), "board__group_id", group_ids)
        .filter(
            board__group__isnull=False,
            reply_count=0,
            created_at__gte=window.start,
            created_at__lt=min(window.end, window.now - UNANSWERED_AFTER),
        )
        .values("board__group_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {row["board__group_id"]: row["count"] for row in rows}
