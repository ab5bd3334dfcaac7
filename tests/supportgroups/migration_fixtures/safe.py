"""A migration the previous release runs happily beside: the expand step of expand/contract."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction
    operations = [
        migrations.AddField("thread", "mood", models.CharField(max_length=20, null=True)),
        migrations.AddField("thread", "calm", models.BooleanField(db_default=True)),
        AddIndexConcurrently("post", models.Index(fields=["created_at"], name="post_made_idx")),
        migrations.CreateModel(
            "Sticker", [("id", models.BigAutoField(primary_key=True)), ("code", models.TextField())]
        ),
        migrations.AddIndex("sticker", models.Index(fields=["code"], name="sticker_code_idx")),
        migrations.AddField("sticker", "size", models.IntegerField(default=1)),
    ]
