"""The one way to email a member: honours their preferences, memorials and unsubscribe links.

Every app sends person-to-person email through `send_user_email` (call it from a Celery task,
not a request). It refuses memorialised, deactivated and placeholder accounts, skips kinds the
person switched off, and adds a one-click unsubscribe link plus the List-Unsubscribe headers
(RFC 2369 / RFC 8058) to every email whose kind can be switched off.
"""

import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from supportgroups.languages import email_subject, in_language, site_name
from supportgroups.models import Notification, NotificationPreference, User

from . import registry
from .selectors import is_memorialised

# Emails the person asked for themselves (their data export) or that protect the account.
ACCOUNT = "account"
_SALT = "supportgroups.privacy.unsubscribe"


def make_unsubscribe_token(*, user, kind: str) -> str:
    # Unsubscribe links never expire: people click them from old emails.
    return signing.Signer(salt=_SALT).sign_object({"u": user.pk, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        payload = signing.Signer(salt=_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if payload.get("k") not in Notification.Kind.values:
        return None
    return payload.get("u"), payload["k"]


def may_email(*, user, kind: str) -> bool:
    from .deletion import is_placeholder

    if not user.is_active or is_placeholder(user) or not user.email:
        return False
    if is_memorialised(user):
        return False
    if kind == ACCOUNT:
        return True
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return pref is None or pref.email


def takes_daily_digest(*, user: User) -> bool:
    """Whether the person chose one email a day: other apps' news for them waits for it (the
    app that keeps the choice sends it, see registry.DigestChoice)."""
    return any(choice(user=user) for choice in registry.digest_choices())


def send_user_email(
    *,
    user,
    kind: str,
    subject: "str | Promise",
    template: str,
    context: dict | None = None,
    attachments: Iterable[tuple[str, bytes | str, str]] = (),
    headers: dict[str, str] | None = None,
) -> bool:
    """Send `template` (a plain-text template) to `user` if they may and want to receive it.

    Callers work out the subject inside `in_language(user)` too (or pass a lazy one).
    `kind` is a `Notification.Kind` value, or "account" for mail the person asked for.
    The template renders in the person's own language and time zone (dates and numbers in its
    formats), with `context` plus `user`,
    `site_url`, and for the footer `unsubscribe_url` and `email_preferences_url`.
    Returns whether an email was sent.
    """
    if kind != ACCOUNT and kind not in Notification.Kind.values:
        raise ValueError(f"Unknown email kind {kind!r}: add it to Notification.Kind first.")
    if not may_email(user=user, kind=kind):
        return False
    base = settings.SITE_URL
    footer = {
        "email_preferences_url": base + reverse("privacy:email_preferences"),
        "unsubscribe_url": "",
    }
    all_headers = dict(headers or {})
    if kind != ACCOUNT:
        url = base + reverse(
            "privacy:unsubscribe", args=[make_unsubscribe_token(user=user, kind=kind)]
        )
        footer["unsubscribe_url"] = url
        footer["kind_label"] = Notification.Kind(kind).label
        all_headers["List-Unsubscribe"] = f"<{url}>"
        all_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    full_context = {"user": user, "site_url": base, **(context or {}), **footer}
    with timezone.override(_zone(user)), in_language(user):
        full_context["site_name"] = site_name()
        body = render_to_string(template, full_context) + render_to_string(
            "privacy/email/_footer.txt", full_context
        )
        subject = email_subject(subject)  # a lazy one, translated
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[user.email],
        headers=all_headers,
    )
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
    return True


def _zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
