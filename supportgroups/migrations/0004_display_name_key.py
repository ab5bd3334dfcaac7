"""Add User.display_name_key (look-alike names share it) and fill it for existing people."""

from django.db import migrations, models

from supportgroups.names import name_key


def backfill_name_keys(apps, schema_editor):
    """Give every existing account its name key, oldest account first.

    Existing names may already be look-alikes of each other; the later account's key then gets
    "~<pk>" appended (a key is letters and digits only, so this can never match a real key),
    so the migration never fails. Those people keep their names; only a new change is checked.
    """
    user_model = apps.get_model("supportgroups", "User")
    seen = set()
    for user in user_model.objects.order_by("pk").only("pk", "display_name").iterator():
        key = name_key(user.display_name) or None
        if key is not None and key in seen:
            key = f"{key}~{user.pk}"
        seen.add(key)
        user_model.objects.filter(pk=user.pk).update(display_name_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("supportgroups", "0003_about_role_help"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="display_name_key",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.RunPython(backfill_name_keys, migrations.RunPython.noop, elidable=True),
    ]
