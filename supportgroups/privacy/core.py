"""Export and deletion decisions for the core's models and the third-party ones it installs.

Every other app declares its own in `<app>/privacy.py`; see registry.py for the decisions.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from supportgroups import models

from .registry import register


def _end_sessions(*, user, placeholder, remove_content):
    """Ending a session also removes it from the session store, so no browser stays signed in."""
    for session in UserSession.objects.filter(user=user):
        session.end()


def _export_authenticators(user, rows):
    # The secrets (TOTP seed, recovery codes) are never exported: a file can be lost.
    return list(rows.values("type", "created_at", "last_used_at"))


def _export_own_blocks(user, rows):
    # Who blocked this person is the blocker's private choice, so only blocks they made go out.
    return [
        {"blocked": block.blocked.display_name, "created_at": block.created_at}
        for block in rows.filter(blocker=user).select_related("blocked")
    ]


def _export_exports(user, rows):
    return list(rows.values("id", "state", "requested_at", "ready_at"))


def _export_access_log(user, rows):
    # People may know when staff opened their data; the staff member's identity stays internal.
    return list(rows.filter(subject=user).values("at", "object_label", "method"))


def _erase_access_log(*, user, placeholder, remove_content):
    models.AdminAccessLog.objects.filter(subject=user).update(
        subject=None, subject_label=placeholder.display_name
    )
    models.AdminAccessLog.objects.filter(staff=user).update(staff=None)


def _erase_memorial(*, user, placeholder, remove_content):
    models.Memorial.objects.filter(user=user).delete()
    models.Memorial.objects.filter(created_by=user).update(created_by=None)


def _erase_log_entries(*, user, placeholder, remove_content):
    """Admin history stays (who changed what), but no longer names the deleted person."""
    LogEntry.objects.filter(user=user).update(user=placeholder)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(models.User), object_id=str(user.pk)
    ).update(object_repr=placeholder.display_name, change_message="")


register(
    models.User,
    on_delete="account",
    why="The account itself; deleted last, after every app has handled its rows.",
    exclude_fields=("password", "is_superuser"),
)
register(
    models.Notification,
    on_delete="delete",
    why="In-app notifications are addressed to the person and useless to anyone else.",
)
register(
    models.PrivacySettings, on_delete="delete", why="The person's own profile details and choices."
)
register(
    models.Consent,
    on_delete="delete",
    why="Consent is evidence about a living account; it goes with the account.",
)
register(
    models.Block,
    on_delete="delete",
    why="Blocks made and received only matter while the account exists.",
    export=_export_own_blocks,
)
register(models.NotificationPreference, on_delete="delete", why="The person's own email choices.")
register(
    models.PushSubscription,
    on_delete="delete",
    why="The person's devices for notifications; the endpoint and keys are never exported.",
    export_fields=("label", "created_at", "last_success_at"),
)
register(models.PushSettings, on_delete="delete", why="The person's own notification choices.")
register(models.SignInRecord, on_delete="delete", why="Sign-in history of the account itself.")
register(
    models.Memorial,
    on_delete="delete",
    why="A memorial belongs to the member; staff who made one keep no link after leaving.",
    erase=_erase_memorial,
    user_fields=("user", "created_by"),
)
register(
    models.DataExport,
    on_delete="delete",
    why="Copies of the person's data must not outlive the account.",
    export=_export_exports,
)
register(
    models.AdminAccessLog,
    on_delete="keep_minimal",
    why="The audit of staff access must survive, without naming the deleted member.",
    export=_export_access_log,
    erase=_erase_access_log,
)
register(
    LogEntry,
    on_delete="keep_minimal",
    why="Django admin's change history (staff actions) stays for accountability.",
    export=None,
    erase=_erase_log_entries,
)
register(
    EmailAddress,
    on_delete="delete",
    why="Sign-in and contact addresses go with the account.",
    export_fields=("email", "verified", "primary"),
)
register(
    Authenticator,
    on_delete="delete",
    why="Two-factor devices belong to the account; their secrets are never exported.",
    export=_export_authenticators,
)
register(
    UserSession,
    on_delete="delete",
    why="Signed-in sessions are ended (also in the session store) when the account goes.",
    export_fields=("ip", "user_agent", "created_at", "last_seen_at"),
    erase=_end_sessions,
)
