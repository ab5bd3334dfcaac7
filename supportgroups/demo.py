"""Demo accounts. Every person here is fictional; every password is printed by `make run`."""

from allauth.account.models import EmailAddress

from .models import User

DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - a public demo password, printed on purpose

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


def load(stdout) -> None:
    for email, name, zone, staff in PEOPLE:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "display_name": name,
                "time_zone": zone,
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    stdout.write(
        f"Demo people: sign in as robin@example.org (member), sam@example.org "
        f"(facilitator) or admin@example.org (staff), password {DEMO_PASSWORD}"
    )
