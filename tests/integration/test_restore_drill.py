"""The restore drill: a populated database is backed up by deploy/backup.sh and restored by
deploy/restore.sh into a new database, and every table comes back with the same rows."""

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.db import connection

from forums import services as forums
from groups.chat.services import post_message, room_for_group
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    OccurrenceFactory,
    ResourceFactory,
    SupportGroupFactory,
    UserFactory,
    moderation_records_for,
)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads what has been committed


def _url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def _run(script: str, *args: str, database: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "deploy" / script), *args],
        env={**os.environ, "DATABASE_URL": _url(database), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def drill_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_drill"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _populate():
    group = SupportGroupFactory(name="Restore circle")
    facilitator = UserFactory(display_name="Facil Rey")
    FacilitatorMembershipFactory(group=group, user=facilitator)
    member = MembershipFactory(group=group, user=UserFactory(display_name="Ines")).user
    board = forums.ensure_group_board(group=group)
    opening = forums.create_thread(
        author=member, board=board, title="After the scan", body="Waiting is the hardest part."
    ).post
    forums.create_reply(author=facilitator, thread=opening.thread, body="We are here with you.")
    room = room_for_group(group=group)
    post_message(room=room, author=member, body="Hello everyone", client_msg_id=uuid.uuid4())
    OccurrenceFactory(series__group=group)
    ResourceFactory()
    moderation_records_for(member, facilitator)


def _tables(database: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of all its rows."""
    with psycopg.connect(_url(database)) as db:
        names = [
            row[0]
            for row in db.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'public' and table_type = 'BASE TABLE'"
            )
        ]
        digest = "select count(*), md5(coalesce(string_agg(t::text, '|' order by t::text), ''))"
        return {name: db.execute(f'{digest} from "{name}" t').fetchone() for name in names}


def test_a_backup_restores_into_a_new_database_with_every_row(tmp_path, drill_database):
    _populate()
    source = connection.settings_dict["NAME"]
    connection.close()  # nothing of this test holds a transaction open while pg_dump reads

    backup = _run("backup.sh", database=source, BACKUP_DIR=str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    (dump,) = tmp_path.glob("supportgroups-*.dump")

    restore = _run("restore.sh", str(dump), database=drill_database)
    assert restore.returncode == 0, restore.stderr

    original, restored = _tables(source), _tables(drill_database)
    assert restored == original
    model_tables = {m._meta.db_table for m in apps.get_models() if m._meta.managed}
    assert model_tables <= set(restored)  # every model's table came back
    for table in ("forums_post", "chat_chatmessage", "groups_membership", "supportgroups_user"):
        assert restored[table][0] > 0, f"{table} is empty: the drill would prove nothing"
    with psycopg.connect(_url(drill_database)) as db:
        bodies = {row[0] for row in db.execute("select body from forums_post")}
    assert {"Waiting is the hardest part.", "We are here with you."} <= bodies


def test_restore_refuses_a_database_that_has_tables_and_changes_nothing(tmp_path, drill_database):
    source = connection.settings_dict["NAME"]
    connection.close()
    assert _run("backup.sh", database=source, BACKUP_DIR=str(tmp_path)).returncode == 0
    (dump,) = tmp_path.glob("supportgroups-*.dump")
    before = _tables(source)

    refused = _run("restore.sh", str(dump), database=source)

    assert refused.returncode == 3
    assert "restore into a new empty database" in refused.stderr
    assert _tables(source) == before


def test_old_backups_beyond_the_number_kept_are_removed(tmp_path):
    for stamp in ("20261001T020000Z", "20261002T020000Z", "20261003T020000Z"):
        (tmp_path / f"supportgroups-{stamp}.dump").write_bytes(b"old")
    (tmp_path / "notes.txt").write_text("not a backup: left alone")
    source = connection.settings_dict["NAME"]
    connection.close()

    result = _run("backup.sh", database=source, BACKUP_DIR=str(tmp_path), BACKUP_KEEP="2")

    assert result.returncode == 0, result.stderr
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept[0] == "notes.txt"
    assert kept[1] == "supportgroups-20261003T020000Z.dump"
    assert len(kept) == 3 and kept[2].startswith("supportgroups-") and kept[2] > kept[1]


def test_a_failed_dump_leaves_the_existing_backups_alone(tmp_path):
    existing = tmp_path / "supportgroups-20261001T020000Z.dump"
    existing.write_bytes(b"old")

    result = _run(
        "backup.sh", database="no_such_database", BACKUP_DIR=str(tmp_path), BACKUP_KEEP="1"
    )

    assert result.returncode != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing.name]
