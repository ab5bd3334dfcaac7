"""Who may see a member's profile, and who may contact whom (mentions, messages)."""

from django.contrib.auth.models import AnonymousUser

from supportgroups.models import Block, PrivacySettings, User

from . import registry


def can_view_profile(viewer: User | AnonymousUser, subject: User) -> bool:
    """Profile details (role, cancer types, about) follow the subject's own choice."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == subject.pk or viewer.is_staff:
        return True
    try:
        visibility = subject.privacy_settings.profile_visibility
    except PrivacySettings.DoesNotExist:
        return False  # never chosen: the most private default
    if visibility == PrivacySettings.Visibility.MEMBERS:
        return True
    if visibility == PrivacySettings.Visibility.GROUP_MEMBERS:
        return any(
            check(viewer=viewer, subject=subject) for check in registry.shared_group_checks()
        )
    return False


def can_contact(sender: User | AnonymousUser, recipient: User) -> bool:
    """Whether `sender` may mention or message `recipient`.

    A block works both ways (neither contacts the other), and nobody contacts a memorialised or
    deactivated account. Moderation messages from staff do not pass through here.
    """
    if not sender.is_authenticated or sender.pk == recipient.pk:
        return False
    if not recipient.is_active:
        return False
    return not Block.objects.filter(
        blocker__in=[sender.pk, recipient.pk], blocked__in=[sender.pk, recipient.pk]
    ).exists()
