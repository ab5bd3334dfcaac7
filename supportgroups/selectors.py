"""Reads for accounts and notifications."""

from datetime import datetime
from typing import Any, TypedDict

from django.db.models import Count, QuerySet

from . import live
from .models import Notification, User
from .names import name_key
from .prepared import Prepared

NOTIFICATIONS_SHOWN = 50


def _unread_count(user_id: int) -> QuerySet[Notification, int]:
    return (
        Notification.objects.filter(user_id=user_id, read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(count=Count("id"))
        .values_list("count", flat=True)
    )


# On every signed-in page (the header's bell): compiled once.
_UNREAD_COUNT = Prepared(_unread_count)
_NOTIFICATIONS = Prepared(
    lambda user_id, *, limit: Notification.objects.filter(user_id=user_id).values_list(
        "title", "body", "url", "read_at", "created_at"
    )[:limit]
)


def unread_notification_count(*, user: User) -> int:
    return next(iter(_UNREAD_COUNT(user.pk)), 0)


# The net for notifications added or read around the services (the admin, a shell).
UNREAD_KEPT_FOR = 600  # seconds


def notifications_generation_key(user_id: int) -> str:
    """Moved by every service that adds or reads a person's notifications
    (services.notifications_changed)."""
    return f"notifications:unread-generation:{user_id}"


def kept_unread_notifications(*, user: User) -> live.Kept[int]:
    """The header's count, kept in the cache beside the person's notifications generation."""
    return live.Kept(
        user.pk,
        "notifications:unread",
        lambda: unread_notification_count(user=user),
        seconds=UNREAD_KEPT_FOR,
        also=[notifications_generation_key(user.pk)],
    )


def unread_notifications_at_sign_in(sender: Any, user: User, **kwargs: Any) -> None:
    """On signing in (user_logged_in): the header's count is worked out then, if it is not
    kept already, rather than by the first page."""
    kept_unread_notifications(user=user).value()


class NotificationRow(TypedDict):
    """One line of the notifications page (a dict: the template's lookups find its keys at the
    first try)."""

    title: str
    body: str
    url: str
    unread: bool
    created_at: datetime


def notifications_for(*, user: User, limit: int = NOTIFICATIONS_SHOWN) -> list[NotificationRow]:
    """The newest first."""
    return [
        {"title": title, "body": body, "url": url, "unread": read_at is None, "created_at": at}
        for title, body, url, read_at, at in _NOTIFICATIONS(user.pk, limit=limit)
    ]


def display_name_in_use(name: str, *, exclude_pk: int | None = None) -> bool:
    """True if another account's name is the same or a look-alike (same name key)."""
    others = User.objects.filter(display_name_key=name_key(name))
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()
