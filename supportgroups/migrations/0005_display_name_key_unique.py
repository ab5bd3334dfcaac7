"""Make the name key unique once 0004 has filled it (a separate migration: DDL after the
backfill's row updates in one transaction can trip PostgreSQL's pending-trigger check)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supportgroups", "0004_display_name_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="display_name_key",
            field=models.TextField(editable=False, null=True, unique=True),
        ),
    ]
