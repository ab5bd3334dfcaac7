"""Each resource is searched in the language it is written in: a `language`, the text search
configuration kept from it (`search_config`, PostgreSQL's regconfig type, so an index may read
it), and the GIN index remade on the vector in each row's own configuration. Resources listed
only in one of the site's other languages take it (a Spanish-only guide is Spanish)."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

import resources.models
import supportgroups.languages

INDEX_NAME = "resources_search_gin"


def _vector(config):
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )


def from_languages_listed(apps, schema_editor):
    Resource = apps.get_model("resources", "Resource")
    site = [code for code, _name in settings.LANGUAGES]
    for resource in Resource.objects.prefetch_related("languages"):
        codes = {language.code.split("-")[0].lower() for language in resource.languages.all()}
        if not codes or settings.LANGUAGE_CODE in codes:
            continue
        language = next((code for code in site if code in codes), None)
        if language is not None:
            Resource.objects.filter(pk=resource.pk).update(
                language=language,
                search_config=supportgroups.languages.search_config(language),
            )


def index_in_own_language(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        Resource = apps.get_model("resources", "Resource")
        schema_editor.remove_index(Resource, GinIndex(_vector("english"), name=INDEX_NAME))
        schema_editor.add_index(
            Resource, GinIndex(_vector(models.F("search_config")), name=INDEX_NAME)
        )


def index_in_english(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        Resource = apps.get_model("resources", "Resource")
        schema_editor.remove_index(
            Resource, GinIndex(_vector(models.F("search_config")), name=INDEX_NAME)
        )
        schema_editor.add_index(Resource, GinIndex(_vector("english"), name=INDEX_NAME))


class Migration(migrations.Migration):
    dependencies = [("groups", "0006_group_language"), ("resources", "0003_title_index")]

    operations = [
        migrations.AddField(
            model_name="resource",
            name="language",
            field=models.CharField(
                choices=supportgroups.languages.language_choices,
                default=supportgroups.languages.default_language,
                db_default="en",
                help_text="Search finds its words in this language (plurals and other forms too).",
                max_length=10,
                verbose_name="written in",
            ),
        ),
        migrations.AddField(
            model_name="resource",
            name="search_config",
            field=resources.models.RegConfigField(
                default=supportgroups.languages.default_search_config,
                db_default="english",
                editable=False,
                max_length=32,
            ),
        ),
        migrations.RunPython(from_languages_listed, migrations.RunPython.noop),
        migrations.RunPython(index_in_own_language, index_in_english),
    ]
