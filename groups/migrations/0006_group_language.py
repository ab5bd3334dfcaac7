"""A group's own language. Groups already run in one of the site's languages (and not in its
default one) take it, so the Madrid group is Spanish from the start."""

from django.conf import settings
from django.db import migrations, models

import supportgroups.languages


def from_languages_run_in(apps, schema_editor):
    SupportGroup = apps.get_model("groups", "SupportGroup")
    site = [code for code, _name in settings.LANGUAGES]
    for group in SupportGroup.objects.prefetch_related("languages"):
        codes = {language.code.split("-")[0].lower() for language in group.languages.all()}
        if not codes or settings.LANGUAGE_CODE in codes:
            continue
        for code in site:
            if code in codes:
                SupportGroup.objects.filter(pk=group.pk).update(language=code)
                break


class Migration(migrations.Migration):
    dependencies = [("groups", "0005_invitations")]

    operations = [
        migrations.AddField(
            model_name="supportgroup",
            name="language",
            field=models.CharField(
                choices=supportgroups.languages.language_choices,
                default=supportgroups.languages.default_language,
                db_default="en",
                help_text="Its pages offer this language, and its posts are searched in it.",
                max_length=10,
                verbose_name="language of the group",
            ),
        ),
        migrations.RunPython(from_languages_run_in, migrations.RunPython.noop),
    ]
