"""Is each new migration safe to run while the previous release is still serving?

A rolling upgrade (README "Upgrading without downtime") migrates first, then replaces the web,
websocket and worker processes one by one, so for a while the old code runs on the new schema.
A migration is unsafe when that old code breaks on it, or when it holds a lock that stalls the
site on a large table:

- dropping or renaming a column or table the old code still reads;
- adding a NOT NULL column without a database default (the old code's INSERTs leave it out);
- changing a column's type or making it NOT NULL (rewrites or scans the table under a lock);
- building an index on a large table without CONCURRENTLY (writes wait for the whole build).

Migrations that shipped in a release are listed in `deploy/released-migrations.txt` and not
checked again. A new migration that is unsafe by these rules but fine in fact (the old release no
longer reads the column, the table is new in this release) says why in a class attribute:
`safe_while_old_version_serves = "the previous release stopped reading Post.legacy_body"`.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import connection, migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState
from django.db.models import NOT_PROVIDED, Field

RELEASED = Path(settings.BASE_DIR) / "deploy" / "released-migrations.txt"

# Tables that grow with use: an index built on them without CONCURRENTLY blocks writes for minutes.
LARGE_TABLES = frozenset(
    {
        "forums_post",
        "forums_thread",
        "forums_reaction",
        "forums_threadreadstate",
        "forums_postrevision",
        "chat_chatmessage",
        "conversations_message",
        "moderation_auditlogentry",
        "supportgroups_notification",
        "meetings_reminderdelivery",
        "meetings_rsvp",
        "groups_membership",
        "supportgroups_user",
        "django_session",
    }
)


@dataclass(frozen=True)
class Problem:
    migration: str
    operation: str
    why: str

    def __str__(self) -> str:
        return f"{self.migration}: {self.operation}: {self.why}"


def released() -> set[str]:
    lines = RELEASED.read_text().splitlines() if RELEASED.exists() else []
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _project_migrations(loader: MigrationLoader) -> Iterator[tuple[str, str]]:
    base = Path(settings.BASE_DIR).resolve()
    for key, migration in loader.disk_migrations.items():
        module = __import__(migration.__module__, fromlist=["_"])
        if Path(module.__file__ or "").resolve().is_relative_to(base / ".venv"):
            continue
        if Path(module.__file__ or "").resolve().is_relative_to(base):
            yield key


def project_migrations() -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in _project_migrations(loader))


def unreleased_problems() -> list[Problem]:
    """Every problem in the project's migrations that no release has shipped yet."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    shipped = released()
    problems: list[Problem] = []
    for key in sorted(_project_migrations(loader)):
        if f"{key[0]}.{key[1]}" in shipped:
            continue
        migration = loader.disk_migrations[key]
        state = loader.project_state(key, at_end=False)
        problems.extend(problems_in(migration, state))
    return problems


def problems_in(migration: migrations.Migration, state: ProjectState) -> list[Problem]:
    """What makes `migration` unsafe to run under the previous release, given the schema
    `state` just before it."""
    if migration.initial or getattr(migration, "safe_while_old_version_serves", None):
        return []  # an initial migration's tables are new: no running code reads them yet
    label = f"{migration.app_label}.{migration.name}"
    problems = []
    state = state.clone()
    created: set[tuple[str, str]] = set()  # models this migration creates: nothing reads them yet
    for operation in migration.operations:
        for why in _why_unsafe(operation, migration.app_label, state, created):
            problems.append(Problem(label, operation.describe(), why))
        if isinstance(operation, migrations.CreateModel):
            created.add((migration.app_label, operation.name_lower))
        operation.state_forwards(migration.app_label, state)
    return problems


def _table(state: ProjectState, app_label: str, model_name: str) -> str:
    model_state = state.models[app_label, model_name.lower()]
    return str(model_state.options.get("db_table") or f"{app_label}_{model_state.name_lower}")


def _why_unsafe(
    operation: object, app_label: str, state: ProjectState, created: set[tuple[str, str]]
) -> Iterable[str]:
    if isinstance(operation, migrations.RunPython | migrations.RunSQL):
        return  # data changes and hand-written SQL: reviewed by people (README)
    model_name = getattr(operation, "model_name", None) or getattr(operation, "name", "")
    if (app_label, str(model_name).lower()) in created:
        return
    if isinstance(operation, migrations.RemoveField | migrations.RenameField):
        yield (
            "the previous release still reads this column: "
            "stop reading it in one release, drop it in the next"
        )
    elif isinstance(
        operation, migrations.DeleteModel | migrations.RenameModel | migrations.AlterModelTable
    ):
        yield (
            "the previous release still reads this table: "
            "stop using it in one release, drop it in the next"
        )
    elif isinstance(operation, migrations.AddField):
        yield from _adding(operation.field, _table(state, app_label, operation.model_name))
    elif isinstance(operation, migrations.AlterField):
        before = state.models[app_label, operation.model_name_lower].fields[operation.name]
        yield from _altering(
            before, operation.field, _table(state, app_label, operation.model_name)
        )
    elif isinstance(operation, migrations.AddIndex | migrations.AddConstraint) and not isinstance(
        operation, AddIndexConcurrently
    ):
        yield from _indexing(_table(state, app_label, operation.model_name_lower))


def _indexing(table: str) -> Iterable[str]:
    if table in LARGE_TABLES:
        yield f"builds an index on the large table {table} while writes wait (use Concurrently)"


def _adding(field: Field, table: str) -> Iterable[str]:
    if field.many_to_many:
        return
    if not field.null and field.db_default is NOT_PROVIDED:
        yield "NOT NULL without db_default: the previous release's INSERTs leave it out and fail"
    if _indexed(field) and table in LARGE_TABLES:
        yield f"builds an index on the large table {table} while writes wait"


def _indexed(field: Field) -> bool:
    # django-stubs leave db_index off the base Field; every concrete field has it.
    return bool(field.unique or getattr(field, "db_index", False))


def _column_type(field: Field) -> str:
    # A relation's column has its target's key type; unbound state fields cannot compute db_type.
    if field.is_relation and field.remote_field is not None:
        return f"{type(field).__name__} to {str(field.remote_field.model).lower()}"
    return str(field.db_type(connection))


def _altering(before: Field, after: Field, table: str) -> Iterable[str]:
    if _column_type(before) != _column_type(after):
        yield (
            f"changes the column's type ({_column_type(before)} to {_column_type(after)}): "
            "the table is rewritten under a lock"
        )
    if before.null and not after.null:
        yield (
            "makes the column NOT NULL: the table is scanned under a lock, "
            "and the previous release may still write NULL"
        )
    indexed_now = _indexed(after) and not _indexed(before)
    if table in LARGE_TABLES and indexed_now:
        yield f"builds an index on the large table {table} while writes wait"
