"""Load demo data for `make run`. Idempotent: running it twice changes nothing.

Each app that has demo data provides `<app>/demo.py` with `load(stdout)`; they run in
INSTALLED_APPS order, so groups' demo data exists before forums' uses it.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create demo people, groups, meetings, posts and resources (all fictional)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo data loads only with DEBUG=1: its accounts have a published password and "
                "MFA secret."
            )
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
