"""What mentoring holds about a person (supportgroups.privacy): their application, their
requests (diagnosis details included), their matches, check-in answers and help requests. All
in their export and gone with them. A coordinator who screened, proposed or ended something is
only unlinked (those foreign keys are SET_NULL); the conversation of a match is the
conversations app's, kept for the other side as every conversation is."""

from supportgroups.privacy.registry import register

from .models import HelpRequest, Match, MatchCheckIn, MentorApplication, MentorRequest

register(
    MentorApplication,
    on_delete="delete",
    why="Their own experience as a would-be mentor: health information, theirs alone.",
    user_fields=("user",),
    exclude_fields=("id", "user", "screened_by"),
)
register(
    MentorRequest,
    on_delete="delete",
    why="Their own request for a mentor and their diagnosis: health information, theirs alone.",
    user_fields=("mentee",),
    exclude_fields=("id", "mentee"),
)
register(
    Match,
    on_delete="delete",
    why="A match means nothing without either side; its conversation is kept by conversations.",
    user_fields=("mentor", "mentee"),
    export_fields=(
        "state",
        "proposed_at",
        "respond_by",
        "responded_at",
        "introduced_at",
        "ended_at",
    ),
)
register(
    MatchCheckIn,
    on_delete="delete",
    why="Their own answers about how a match went, for the coordinator alone.",
    user_fields=("person",),
    export_fields=("week", "asked_at", "answer", "note", "answered_at"),
)
register(
    HelpRequest,
    on_delete="delete",
    why="Their own request for the coordinator's help.",
    user_fields=("asked_by",),
    export_fields=("note", "created_at", "resolved_at"),
)
