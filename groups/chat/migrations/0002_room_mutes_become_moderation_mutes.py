"""Chat's own room mute becomes moderation's group mute (Sanction kind "mute").

Mutes still in force are converted, each with the audit row every sanction has, so the member
stays muted and can appeal; expired ones are dropped (they no longer stop anyone and were never
part of the moderation record). Then the RoomMute table goes.
"""

from django.db import migrations
from django.utils import timezone

REASON = "Muted by a facilitator in the live chat."


def convert_active_mutes(apps, schema_editor):
    RoomMute = apps.get_model("chat", "RoomMute")
    ReviewItem = apps.get_model("moderation", "ReviewItem")
    AuditLogEntry = apps.get_model("moderation", "AuditLogEntry")
    Sanction = apps.get_model("moderation", "Sanction")
    ContentType = apps.get_model("contenttypes", "ContentType")
    user_type, _created = ContentType.objects.get_or_create(app_label="supportgroups", model="user")
    now = timezone.now()
    for mute in RoomMute.objects.filter(until__gt=now).select_related("room", "user"):
        item, _created = ReviewItem.objects.get_or_create(
            content_type=user_type,
            object_id=mute.user_id,
            defaults={
                "author_id": mute.user_id,
                "excerpt": mute.user.display_name,
                "opened_at": now,
                "state": "resolved",
            },
        )
        entry = AuditLogEntry.objects.create(
            item=item,
            actor_id=mute.created_by_id,
            action="mute",
            reason=REASON,
            subject_id=mute.user_id,
            detail={"group_id": mute.room.group_id, "until": mute.until.isoformat()},
        )
        Sanction.objects.create(
            user_id=mute.user_id,
            kind="mute",
            group_id=mute.room.group_id,
            until=mute.until,
            reason=REASON,
            action=entry,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0001_initial"),
        ("moderation", "0003_itemnote_from_author"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(convert_active_mutes, migrations.RunPython.noop),
        migrations.DeleteModel(name="RoomMute"),
    ]
