"""A member's activity in a group: what the facilitators' quiet list reads (last_active_at).

Opening the group, reading or reacting on its board, posting, chatting, answering or coming to
a meeting all count; each writes at most once an hour. Its own module, below groups.services,
so the sub-apps (meetings, chat) and forums can record activity without a cycle.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from supportgroups.models import User

from .models import Membership, SupportGroup

State = Membership.State

# How often a member's "last active" time is written: often enough to spot someone gone quiet
# for a week, rarely enough that every chat message does not rewrite the membership row.
ACTIVITY_RESOLUTION = timedelta(hours=1)


def activity_is_stale(membership: Membership) -> bool:
    """Whether record_activity would write: lets a caller that has the row skip the UPDATE."""
    seen = membership.last_active_at
    return seen is None or seen < timezone.now() - ACTIVITY_RESOLUTION


def record_activity(*, user: User, group: SupportGroup | int) -> None:
    """Note that a member did something in the group (opened it, read or reacted on its
    board, chatted, answered or came to a meeting), so facilitators can see who has gone quiet.

    One UPDATE that changes nothing when the time was written within the last hour. ``group``
    may be an id, so a caller holding only ``board.group_id`` needs no query to load the group.
    """
    record_activity_of(user_ids=[user.pk], group=group)


def record_activity_of(*, user_ids: Iterable[int], group: SupportGroup | int) -> None:
    """record_activity for several people at once (those who came to a meeting)."""
    now = timezone.now()
    Membership.objects.filter(
        Q(last_active_at__isnull=True) | Q(last_active_at__lt=now - ACTIVITY_RESOLUTION),
        user_id__in=list(user_ids),
        group=group,
        state=State.ACTIVE,
    ).update(last_active_at=now)


def record_post(
    *, user: User, group: SupportGroup | int, membership: Membership | None = None
) -> None:
    """A member's post in the group: activity (as record_activity, throttled the same way) and
    the norms shown above the form read (welcome.py), in one UPDATE that changes nothing once
    both are current. A caller that has just read the person's ``membership`` saves the UPDATE
    when both are."""
    if membership is not None and membership.norms_seen_at and not activity_is_stale(membership):
        return
    now = timezone.now()
    stale = Q(last_active_at__isnull=True) | Q(last_active_at__lt=now - ACTIVITY_RESOLUTION)
    Membership.objects.filter(
        stale | Q(norms_seen_at__isnull=True), user=user, group=group, state=State.ACTIVE
    ).update(
        last_active_at=Case(When(stale, then=Value(now)), default=F("last_active_at")),
        norms_seen_at=Coalesce(F("norms_seen_at"), Value(now)),
    )
