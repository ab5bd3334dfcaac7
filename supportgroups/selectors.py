"""Reads for accounts and notifications."""

from django.db.models import QuerySet

from .models import Notification, User


def unread_notification_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user: User, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)[:limit]
