"""Search finds only posts shown to everyone, so its GIN index holds only those: held, hidden and
removed posts stay out of it, and the index answers the search's own filter (PostgreSQL only)."""

from django.db import migrations

SHOWN = "NOT is_held AND hidden_at IS NULL AND removed_by_author_at IS NULL"


def index_shown_posts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS post_search_shown_idx ON forums_post "
            f"USING gin (search_vector) WHERE {SHOWN}"
        )
        schema_editor.execute("DROP INDEX IF EXISTS post_search_idx")


def index_every_post(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS post_search_idx ON forums_post USING gin (search_vector)"
        )
        schema_editor.execute("DROP INDEX IF EXISTS post_search_shown_idx")


class Migration(migrations.Migration):
    dependencies = [("forums", "0004_post_removed_by_moderators")]

    operations = [migrations.RunPython(index_shown_posts, index_every_post)]
