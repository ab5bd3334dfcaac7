"""Reads: a person's devices and choices."""

from django.db.models import QuerySet

from supportgroups.models import PushSettings, PushSubscription, User


def devices_of(*, user: User) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user=user).order_by("created_at", "id")


def choices_of(*, user: User) -> PushSettings:
    """The saved row, or the defaults (every kind, no quiet hours) unsaved."""
    return PushSettings.objects.filter(user=user).first() or PushSettings(user=user)
