"""Search at a million posts (PostgreSQL only).

- Search finds only posts shown to everyone, so its GIN index holds only those: held, hidden and
  removed posts stay out of it, and the index matches the search's own filter.
- Finer statistics on the search vector: PostgreSQL then knows the frequency of ten thousand
  words instead of a thousand, and guesses a word it has no figure for to be rare. At the default,
  a rare or misspelt word was guessed at a thousand matches and searched for by walking every
  post newest first (seconds at a million posts) instead of asking the index (milliseconds).
"""

from django.db import migrations

SHOWN = "NOT is_held AND hidden_at IS NULL AND removed_by_author_at IS NULL"


def search_shown_posts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS post_search_shown_idx ON forums_post "
            f"USING gin (search_vector) WHERE {SHOWN}"
        )
        schema_editor.execute("DROP INDEX IF EXISTS post_search_idx")
        schema_editor.execute(
            "ALTER TABLE forums_post ALTER COLUMN search_vector SET STATISTICS 1000"
        )
        schema_editor.execute("ANALYZE forums_post")


def search_every_post(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS post_search_idx ON forums_post USING gin (search_vector)"
        )
        schema_editor.execute("DROP INDEX IF EXISTS post_search_shown_idx")
        schema_editor.execute(
            "ALTER TABLE forums_post ALTER COLUMN search_vector SET STATISTICS -1"
        )


class Migration(migrations.Migration):
    dependencies = [("forums", "0004_post_removed_by_moderators")]

    operations = [migrations.RunPython(search_shown_posts, search_every_post)]
