"""Reads for privacy: settings, blocks, email preferences and sign-in history."""

from django.db.models import QuerySet

from supportgroups.models import (
    Block,
    DataExport,
    Memorial,
    Notification,
    NotificationPreference,
    PrivacySettings,
    SignInRecord,
    User,
)
from supportgroups.prepared import Prepared

from .deletion import FORMER_MEMBER_EMAIL


def privacy_settings_for(*, user: User) -> PrivacySettings:
    """The person's settings, or the most private defaults if they never changed them.

    Uses the row loaded by select_related("privacy_settings") when there is one.
    """
    try:
        return user.privacy_settings
    except PrivacySettings.DoesNotExist:
        return PrivacySettings(user=user)


# Asked on every signed-in forum and chat page: compiled once.
_BLOCKED_IDS = Prepared(
    lambda user_id: Block.objects.filter(blocker_id=user_id).values_list("blocked_id", flat=True)
)


def blocked_user_ids(user: User) -> set[int]:
    """Ids of people `user` blocked: views collapse their posts and messages for `user`."""
    if not user.is_authenticated:
        return set()
    return set(_BLOCKED_IDS(user.pk))


def blocks_made(*, user: User) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")


def email_preferences(*, user: User) -> dict[str, bool]:
    """Email on/off per notification kind; kinds without a row are on."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, True) for kind in Notification.Kind.values}


def recent_sign_ins(*, user: User, limit: int = 10) -> QuerySet[SignInRecord]:
    return SignInRecord.objects.filter(user=user)[:limit]


def recent_exports(*, user: User, limit: int = 5) -> QuerySet[DataExport]:
    return DataExport.objects.filter(user=user).only("state", "requested_at")[:limit]


def is_memorialised(user: User) -> bool:
    return Memorial.objects.filter(user=user).exists()


def member_for_profile(*, pk: int) -> User | None:
    """A member with their settings and memorial loaded in one query, for the profile page."""
    return (
        User.objects.filter(pk=pk)
        .select_related("privacy_settings", "memorial")
        .exclude(email=FORMER_MEMBER_EMAIL)
        .first()
    )
