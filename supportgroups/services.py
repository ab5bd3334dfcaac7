"""Writes for accounts and notifications."""

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification, User
from .names import TOO_CLOSE

PROFILE_FIELDS = ["display_name", "time_zone", "about_role"]


def update_profile(*, user: User, display_name: str, time_zone: str, about_role: str) -> User:
    """Save the profile, or raise ValidationError and leave `user` as it was in the database."""
    user.display_name = display_name
    user.time_zone = time_zone
    user.about_role = about_role
    try:
        # The key is derived on save; the unique index on it decides (caught below).
        user.full_clean(exclude=["password", "display_name_key"])
        with transaction.atomic():
            user.save(update_fields=PROFILE_FIELDS)
    except IntegrityError as exc:  # someone took the name (or a look-alike) since the form check
        user.refresh_from_db(fields=[*PROFILE_FIELDS, "display_name_key"])
        raise ValidationError({"display_name": TOO_CLOSE}) from exc
    except ValidationError:
        user.refresh_from_db(fields=[*PROFILE_FIELDS, "display_name_key"])
        raise
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
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
