"""Rolling upgrades: migrations run while the previous release still serves, so the check in
`make check` refuses a new migration that would break that release or lock a large table."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.migrations.loader import MigrationLoader

from supportgroups import migration_safety
from tests.supportgroups.migration_fixtures import safe, unsafe


@pytest.fixture(scope="module")
def schema_now():
    return MigrationLoader(None, ignore_no_migrations=True).project_state()


def test_each_unsafe_step_of_a_deliberately_unsafe_migration_is_named(schema_now):
    problems = migration_safety.problems_in(unsafe.Migration("9999_unsafe", "forums"), schema_now)

    found = {(p.operation.split(" ")[0], p.why.split(":")[0]) for p in problems}
    assert found == {
        ("Remove", "the previous release still reads this column"),
        ("Add", "NOT NULL without db_default"),
        ("Alter", "changes the column's type (varchar(120) to integer)"),
        (
            "Create",
            "builds an index on the large table forums_post while writes wait (use Concurrently)",
        ),
        ("Delete", "the previous release still reads this table"),
    }
    assert all(str(p).startswith("forums.9999_unsafe: ") for p in problems)


def test_the_expand_step_of_a_change_passes(schema_now):
    assert migration_safety.problems_in(safe.Migration("9999_safe", "forums"), schema_now) == []


def test_a_migration_that_says_why_it_is_safe_passes(schema_now):
    migration = unsafe.Migration("9999_unsafe", "forums")
    migration.safe_while_old_version_serves = "the previous release stopped reading these"
    assert migration_safety.problems_in(migration, schema_now) == []


def test_the_project_s_unreleased_migrations_pass():
    call_command("check_migrations")


def test_every_migration_on_disk_is_checked_unless_a_release_shipped_it(tmp_path, monkeypatch):
    """With no release recorded, the check reads the real migrations and finds the old ones
    that would not have been safe (the chat room mutes table dropped in chat.0002)."""
    monkeypatch.setattr(migration_safety, "RELEASED", tmp_path / "released.txt")
    with pytest.raises(CommandError, match="would break the running release"):
        call_command("check_migrations")
    assert "chat.0002_room_mutes_become_moderation_mutes" in {
        p.migration for p in migration_safety.unreleased_problems()
    }
