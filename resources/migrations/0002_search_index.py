"""A GIN index on the library's full-text search expression, on PostgreSQL only.

Created here rather than in Meta.indexes because SQLite (the one-command demo) has no GIN
indexes. The expression was resources.selectors.search_vector() as it stood then (English
only); 0004 replaces the index with one per resource's own language.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "resources_search_gin"


def _index():
    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )
    return GinIndex(vector, name=INDEX_NAME)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("resources", "Resource"), _index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("resources", "Resource"), _index())


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
