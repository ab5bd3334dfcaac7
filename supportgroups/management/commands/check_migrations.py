"""`manage.py check_migrations`: fail if a migration no release has shipped would break the
previous release during a rolling upgrade (supportgroups/migration_safety.py says what counts).
`--mark-released` records every current migration as shipped: run it when cutting a release."""

from django.core.management.base import BaseCommand, CommandError

from supportgroups import migration_safety


class Command(BaseCommand):
    help = "Check that unreleased migrations are safe while the previous release still serves."

    def add_arguments(self, parser):
        parser.add_argument(
            "--mark-released",
            action="store_true",
            help="Record every current migration as shipped in a release.",
        )

    def handle(self, *args, mark_released: bool = False, **options):
        if mark_released:
            names = migration_safety.project_migrations()
            migration_safety.RELEASED.write_text(
                "# Migrations shipped in a release: `manage.py check_migrations` does not check\n"
                "# them again. `manage.py check_migrations --mark-released` rewrites this file.\n"
                + "".join(f"{name}\n" for name in names)
            )
            self.stdout.write(f"{len(names)} migrations recorded as released.")
            return
        problems = migration_safety.unreleased_problems()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(
                f"{len(problems)} migration step(s) would break the running release during an "
                "upgrade (README 'Upgrading without downtime')."
            )
        self.stdout.write(
            "Unreleased migrations are safe to run while the previous release serves."
        )
