"""Demo accounts. Every person here is fictional; every password is printed by `make run`."""

import time

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt

from .models import User

DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - a public demo password, printed on purpose
# Staff and facilitators need MFA for admin and the moderation dashboard; so that a newcomer can
# see those sides, these demo accounts come with TOTP set up on this published secret, and
# `manage.py demo_totp EMAIL` prints their current code (only under DEBUG).
DEMO_TOTP_SECRET = "DEMODEMODEMODEMODEMODEMODEMODEMO"  # noqa: S105 - public on purpose
WITH_MFA = ["admin@example.org", "sam@example.org", "ana@example.org"]  # ana, sam facilitate

PEOPLE = [
    # email, display name, time zone, staff
    ("admin@example.org", "Alex", "Europe/London", True),
    ("sam@example.org", "Sam", "Europe/London", False),
    ("ana@example.org", "Ana", "America/New_York", False),
    ("robin@example.org", "Robin", "Europe/London", False),
    ("kai@example.org", "Kai", "America/Los_Angeles", False),
    ("mei@example.org", "Mei", "Asia/Singapore", False),
    ("lucia@example.org", "Lucía", "Europe/Madrid", False),
    ("jo@example.org", "Jo", "Australia/Sydney", False),
]

# The language each demo person reads the site in (the rest follow their browser).
SPEAKS = {"lucia@example.org": "es", "ana@example.org": "en"}


def load(stdout) -> None:
    for email, name, zone, staff in PEOPLE:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "display_name": name,
                "time_zone": zone,
                "is_staff": staff,
                "is_superuser": staff,
                "language": SPEAKS.get(email, ""),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if email in WITH_MFA and not user.authenticator_set.filter(type=Authenticator.Type.TOTP):
            TOTP.activate(user, DEMO_TOTP_SECRET)
    stdout.write(
        f"Demo people: sign in as robin@example.org (member), sam@example.org "
        f"(facilitator) or admin@example.org (staff), password {DEMO_PASSWORD}.\n"
        f"{', '.join(WITH_MFA)} also ask for a one-time code: "
        "`DEBUG=1 .venv/bin/python manage.py demo_totp sam@example.org` prints it."
    )


def current_totp_code(email: str) -> str | None:
    """The code a demo account's authenticator app would show now; None for any other account
    (not a demo person, or MFA not on the published demo secret)."""
    if email not in WITH_MFA:
        return None
    totp = Authenticator.objects.filter(user__email=email, type=Authenticator.Type.TOTP).first()
    if totp is None or decrypt(totp.data["secret"]) != DEMO_TOTP_SECRET:
        return None
    return format_hotp_value(
        hotp_value(DEMO_TOTP_SECRET, int(time.time()) // mfa_settings.TOTP_PERIOD)
    )
