"""Posts are searched in their board's group's language. Until now every post was indexed as
English, which is what the new column says; the posts of groups run in another language are
indexed again in theirs (PostgreSQL only; one UPDATE per such board, posts out of search stay
out). The partial GIN index over the search vector is unchanged: search asks each
configuration's query of it (forums/search.py)."""

from django.conf import settings
from django.db import migrations, models

import supportgroups.languages


def index_in_group_languages(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from forums.indexing import REINDEX_BOARD_SQL

    Board = apps.get_model("forums", "Board")
    boards = Board.objects.filter(group__isnull=False).exclude(
        group__language=settings.LANGUAGE_CODE
    )
    for board_id, language in boards.values_list("id", "group__language"):
        schema_editor.execute(
            REINDEX_BOARD_SQL,
            {"config": supportgroups.languages.search_config(language), "board": board_id},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0005_search_index_and_statistics"),
        ("groups", "0006_group_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_config",
            field=models.CharField(
                default=supportgroups.languages.default_search_config,
                db_default="english",
                editable=False,
                max_length=32,
            ),
        ),
        migrations.RunPython(index_in_group_languages, migrations.RunPython.noop),
    ]
