"""Writes for accounts and notifications."""

from collections.abc import Iterable
from typing import Any

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import live
from .models import Notification, User
from .names import TOO_CLOSE
from .push import services as push
from .selectors import notifications_generation_key

PROFILE_FIELDS = ["display_name", "time_zone", "about_role", "language"]
# A change of any of these can take access away, so open sockets must re-read the person.
ACCESS_FIELDS = frozenset({"is_active", "is_staff", "is_superuser", "password"})


def update_profile(
    *,
    user: User,
    display_name: str,
    time_zone: str,
    about_role: str,
    language: str | None = None,
) -> User:
    """Save the profile, or raise ValidationError and leave `user` as it was in the database.
    `language` None keeps the one the account has."""
    user.display_name = display_name
    user.time_zone = time_zone
    user.about_role = about_role
    if language is not None:
        user.language = language
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


def set_language(*, user: User, language: str) -> User:
    """Remember the language the person reads the site (and their emails) in."""
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user


def save_account(*, user: User, changed: Iterable[str]) -> User:
    """Save changes made to an account from outside (the admin's forms, allauth's password
    pages); `changed` names the fields that changed. A change of access (deactivation, staff or
    superuser status, the password) reaches the person's open sockets once it has committed.
    """
    user.save()
    if ACCESS_FIELDS.intersection(changed):
        live.access_changed(user.pk)
    return user


def set_password(*, user: User, password: str) -> User:
    """A new password (changed, set or reset): every other browser's socket closes."""
    user.set_password(password)
    return save_account(user=user, changed=["password"])


def notify(*, user: User, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    """Add a line to a person's in-app notification list, and push it to their devices if they
    chose its kind (a generic title and the link, never the words)."""
    notification = Notification.objects.create(  # moves the count (notification_edited)
        user=user, kind=kind, title=title, body=body, url=url
    )
    push.mirror(user_id=user.pk, notification_kind=kind, url=url)
    return notification


def notification_edited(sender: Any, instance: Notification, **kwargs: Any) -> None:
    """A notification saved or deleted (post_save, post_delete): its person's count moved."""
    notifications_changed([instance.user_id])


def notifications_changed(user_ids: Iterable[int]) -> None:
    """These people's unread counts moved (a notification added or read): the header works
    them out again at their next page, once the change has committed."""
    live.generations_moved(notifications_generation_key(pk) for pk in user_ids)


@transaction.atomic
def mark_notifications_read(*, user: User) -> int:
    read = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if read:
        notifications_changed([user.pk])
    return read


def clear_expired_sessions() -> int:
    """Delete sessions past their expiry; returns how many went. Safe to run twice."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
