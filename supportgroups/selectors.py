"""Reads for accounts and notifications."""

from django.db.models import QuerySet

from .models import Notification, User


def unread_notification_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user: User, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)[:limit]


def member_for_display(*, pk: int) -> User:
    """What another member may see of a person: never the email, never the private role."""
    return User.objects.only("id", "display_name", "is_verified_professional", "date_joined").get(
        pk=pk, is_active=True
    )
