"""A migration that would break the previous release mid-upgrade, one way per operation."""

from django.db import migrations, models


class Migration(migrations.Migration):
    operations = [
        migrations.RemoveField("post", "content_warning"),
        migrations.AddField("thread", "mood", models.CharField(max_length=20, default="calm")),
        migrations.AlterField("board", "name", models.IntegerField()),
        migrations.AddIndex("post", models.Index(fields=["created_at"], name="post_made_idx")),
        migrations.DeleteModel("DigestItem"),
    ]
