"""A GIN index on the library's full-text search expression, on PostgreSQL only.

Created here rather than in Meta.indexes because SQLite (the one-command demo) has no GIN
indexes. The expression comes from resources.selectors.search_vector() so that the index and
the query stay identical, which PostgreSQL needs to use the index.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX_NAME = "resources_search_gin"


def _index():
    from resources.selectors import search_vector

    return GinIndex(search_vector(), name=INDEX_NAME)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("resources", "Resource"), _index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("resources", "Resource"), _index())


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
