"""Writes for accounts and notifications."""

from django.db import transaction
from django.utils import timezone

from .models import Notification, User


def update_profile(*, user: User, display_name: str, time_zone: str, about_role: str) -> User:
    user.display_name = display_name
    user.time_zone = time_zone
    user.about_role = about_role
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "time_zone", "about_role"])
    return user


def notify(*, user: User, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    """Add a line to a person's in-app notification list."""
    return Notification.objects.create(user=user, kind=kind, title=title, body=body, url=url)


@transaction.atomic
def mark_notifications_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def clear_expired_sessions() -> int:
    """Delete sessions past their expiry; returns how many went. Safe to run twice."""
    from django.contrib.sessions.models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
