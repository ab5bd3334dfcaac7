"""Print a demo account's current one-time (TOTP) code, so a newcomer can try the facilitator
and staff sides of the demo without an authenticator app. Only under DEBUG, only demo accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from supportgroups.demo import current_totp_code


class Command(BaseCommand):
    help = "Print the current MFA code of a demo account (admin@, sam@, ana@example.org)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp runs only with DEBUG=1 (demo codes are for the demo).")
        code = current_totp_code(email)
        if code is None:
            raise CommandError(f"{email} is not a demo account with the demo authenticator.")
        self.stdout.write(code)
