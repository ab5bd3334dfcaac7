"""Reads for accounts and notifications."""

from django.db.models import QuerySet

from .models import Notification, User
from .names import name_key


def unread_notification_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user: User, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)[:limit]


def display_name_in_use(name: str, *, exclude_pk: int | None = None) -> bool:
    """True if another account's name is the same or a look-alike (same name key)."""
    others = User.objects.filter(display_name_key=name_key(name))
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()
