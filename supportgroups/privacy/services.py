"""Writes for privacy: settings, consent, blocks, email preferences, sign-ins, memorials."""

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from supportgroups import live
from supportgroups.models import (
    AdminAccessLog,
    Block,
    Consent,
    Memorial,
    NotificationPreference,
    PrivacySettings,
    SignInRecord,
    User,
)
from supportgroups.push import services as push_services

from . import registry
from .deletion import is_placeholder


@transaction.atomic
def update_privacy_settings(
    *, user: User, profile_visibility: str, about: str, cancer_types: str
) -> PrivacySettings:
    found, _created = PrivacySettings.objects.get_or_create(user=user)
    found.profile_visibility = profile_visibility
    found.about = about
    found.cancer_types = cancer_types
    found.full_clean(exclude=["user"])
    found.save()
    return found


@transaction.atomic
def record_consents(*, user: User, kinds: list[str]) -> None:
    """Record what was agreed to at sign-up, with the privacy notice version then in force."""
    for kind in kinds:
        Consent.objects.get_or_create(
            user=user, kind=kind, notice_version=settings.PRIVACY_NOTICE_VERSION
        )


@transaction.atomic
def block(*, blocker: User, blocked: User) -> Block:
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You can't block yourself."))
    if is_placeholder(blocked):
        raise ValidationError(_("That account no longer exists."))
    found, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    # Open conversations between the two end at once, on both sides.
    live.access_changed(blocker.pk)
    live.access_changed(blocked.pk)
    return found


@transaction.atomic
def unblock(*, blocker: User, blocked_id: int) -> None:
    Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()
    live.access_changed(blocker.pk)
    live.access_changed(blocked_id)


@transaction.atomic
def set_email_preference(*, user: User, kind: str, email: bool) -> None:
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": email})


@transaction.atomic
def set_email_preferences(*, user: User, choices: dict[str, bool]) -> None:
    for kind, email in choices.items():
        set_email_preference(user=user, kind=kind, email=email)


@transaction.atomic
def record_sign_in(*, user: User, ip: str | None, user_agent: str) -> SignInRecord:
    """Keep the last SIGN_IN_HISTORY_KEEP sign-ins; older ones are no use and are personal data."""
    record = SignInRecord.objects.create(user=user, ip=ip or None, user_agent=user_agent[:200])
    keep = SignInRecord.objects.filter(user=user).values_list("pk", flat=True)[
        : settings.SIGN_IN_HISTORY_KEEP
    ]
    SignInRecord.objects.filter(user=user).exclude(pk__in=list(keep)).delete()
    return record


def end_all_sessions(*, user: User) -> int:
    """Sign the person out of every browser (the session store entries go too)."""
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    push_services.remove_all_devices(user=user)
    live.access_changed(user.pk)
    return len(sessions)


@transaction.atomic
def memorialise(*, user: User, by: User | None, note: str = "") -> Memorial:
    """At a family's request: sign-in and email stop, the profile shows a quiet memorial.

    Posts stay as they are. Each app's `on_memorial` (its privacy.py; groups tells the
    facilitators) runs in a Celery task enqueued on commit, so nobody hears of a change that was
    rolled back.
    """
    from .tasks import memorial_hooks_task

    memorial, created = Memorial.objects.get_or_create(
        user=user, defaults={"created_by": by, "note": note}
    )
    if not created:
        return memorial
    user.is_active = False  # allauth and Django's backend both refuse inactive accounts
    user.save(update_fields=["is_active"])
    end_all_sessions(user=user)
    # Celery's Django fixup makes every task a DjangoTask; the stubs type a plain Task.
    memorial_hooks_task.delay_on_commit(user.pk)  # type: ignore[attr-defined]
    return memorial


def run_memorial_hooks(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, memorial__isnull=False).first()
    if user is None:
        return
    for hook in registry.memorial_hooks():
        hook(user=user)


@transaction.atomic
def log_admin_access(
    *, staff: User, subject: User | None, object_label: str, path: str, method: str
) -> AdminAccessLog:
    return AdminAccessLog.objects.create(
        staff=staff,
        staff_label=f"{staff.display_name} <{staff.email}>",
        subject=subject,
        subject_label=str(subject) if subject is not None else "",
        object_label=object_label[:200],
        path=path[:500],
        method=method[:8],
    )
