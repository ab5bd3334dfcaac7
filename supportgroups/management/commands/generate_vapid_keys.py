"""Print a new VAPID key pair for the environment (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY).

Changing the pair later makes every device's subscription useless: people turn notifications on
again from their profile.
"""

from django.core.management.base import BaseCommand

from supportgroups.push.keys import generate


class Command(BaseCommand):
    help = "Print a new VAPID key pair for Web Push, as environment variables."

    def handle(self, *args, **options):
        public, private = generate()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}\nVAPID_PRIVATE_KEY={private}\n")
