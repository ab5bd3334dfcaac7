"""The GIN index for full-text search (PostgreSQL only), and the starting topics and boards."""

from django.db import migrations

TOPICS = [
    ("recurrence", "Recurrence"),
    ("end-of-life", "End of life"),
    ("loss", "Loss and grief"),
    ("scan-results", "Scan and test results"),
    ("prognosis", "Prognosis and statistics"),
    ("self-harm", "Thoughts of self-harm"),
    ("fertility", "Fertility"),
]
BOARDS = [
    ("newly-diagnosed", "Newly diagnosed", "Just told? Ask anything; nothing is too small."),
    (
        "treatment",
        "Treatment and side effects",
        "Chemo, radiotherapy, surgery, and the days after.",
    ),
    ("diet", "Diet and nutrition", "Eating when it's hard, and what helped."),
    ("pain-relief", "Pain relief", "Managing pain, and talking to your team about it."),
    ("work-and-money", "Work and money", "Jobs, benefits, insurance and costs."),
    ("caregivers", "Caregivers", "For the people looking after someone."),
    ("bereavement", "Bereavement", "After losing someone to cancer."),
    ("rare-cancers", "Rare cancers", "When few people have heard of yours."),
    ("survivorship", "Survivorship", "Life after treatment, and the fear of it coming back."),
]
ANONYMOUS_BOARDS = {"bereavement", "work-and-money", "newly-diagnosed"}


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS post_search_idx ON forums_post USING gin (search_vector)"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS post_search_idx")


def add_reference_data(apps, schema_editor):
    Topic = apps.get_model("forums", "Topic")
    Board = apps.get_model("forums", "Board")
    for position, (slug, name) in enumerate(TOPICS):
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    for position, (slug, name, description) in enumerate(BOARDS):
        Board.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "position": position,
                "allows_anonymous": slug in ANONYMOUS_BOARDS,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("forums", "0001_initial")]

    operations = [
        migrations.RunPython(add_search_index, drop_search_index),
        migrations.RunPython(add_reference_data, migrations.RunPython.noop),
    ]
