"""What meetings hold about a person, for export and deletion (supportgroups.privacy.registry)."""

from supportgroups.privacy.registry import register

from .models import RSVP, CalendarFeed, MeetingSeries, ReminderDelivery, ReminderPreference


def _export_rsvps(user, rows):
    return [
        {
            "meeting": r.occurrence.series.title,
            "group": r.occurrence.series.group.name,
            "starts_at": r.occurrence.starts_at,
            "status": r.status,
            "status_changed_at": r.status_changed_at,
            "attended": r.attended,
        }
        for r in rows.select_related("occurrence__series__group").order_by("occurrence__starts_at")
    ]


register(
    RSVP,
    on_delete="delete",
    why="Whether someone is coming is about that person only.",
    export=_export_rsvps,
)
register(ReminderPreference, on_delete="delete", why="The person's reminder choices.")
register(
    ReminderDelivery,
    on_delete="delete",
    why="Pending reminders to a deleted account must never go out.",
    export_fields=("occurrence", "kind", "state", "sent_at"),
)
register(
    CalendarFeed,
    on_delete="delete",
    why="Deleting the feed revokes its secret address.",
    export_fields=("created_at",),  # never the token: a file can be lost
)
register(
    MeetingSeries,
    on_delete="keep_minimal",
    why="A group's meetings stay; the facilitator who created them becomes Former member.",
    export_fields=("title", "group", "starts_on", "created_at"),
)
