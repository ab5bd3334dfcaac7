"""What check-ins hold about a person (supportgroups.privacy): their answers, in their export
and gone with them; the facilitators' tasks about them go too."""

from supportgroups.privacy.registry import register

from .models import CheckIn, CheckInReminder, CheckInTask

register(
    CheckIn,
    on_delete="delete",
    why="Their own distress check-ins: health information, theirs alone.",
    export_fields=("period", "score", *CheckIn.PROBLEMS, "consented_at", "created_at"),
)
register(
    CheckInTask,
    on_delete="delete",
    why="A task about their check-in means nothing without them (a facilitator who closed one "
    "is only unlinked).",
    user_fields=("member",),
    export_fields=("created_at", "done_at"),
)
register(
    CheckInReminder,
    on_delete="delete",
    why="The reminders they were sent to check in: delivery records, gone with them.",
    user_fields=("member",),
    export_fields=("period", "sent_at"),
)
