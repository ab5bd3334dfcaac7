"""What moderation holds about a person, for export and deletion (supportgroups.privacy).

Moderation records are what others rely on (who reported what, what was decided and why), so
they stay and point at the "former member" placeholder; the person's own free text in reports
and appeals goes when they ask for their words to be removed too.
"""

from django.db import models

from supportgroups.privacy.registry import register

from .models import (
    Appeal,
    AuditLogEntry,
    ContactRequest,
    DebriefNote,
    FollowUp,
    ItemNote,
    OnDutyShift,
    Report,
    ReviewItem,
    SafetyPlan,
    SafetyPlanEdit,
    Sanction,
)


def _erase_reports(*, user, placeholder, remove_content):
    """One report per person per target: a report the placeholder already "made" on the same
    target is enough, so a second one is deleted rather than colliding."""
    for report in Report.objects.filter(reporter=user):
        taken = Report.objects.filter(
            reporter=placeholder, content_type=report.content_type_id, object_id=report.object_id
        ).exists()
        if taken:
            report.delete()
            continue
        report.reporter = placeholder
        if remove_content:
            report.note = ""
        report.save(update_fields=["reporter", "note"])


def _erase_audit(*, user, placeholder, remove_content):
    """The one change the append-only log allows, and only here: a deleted person's rows point
    at the placeholder (a plain QuerySet, because the log's own manager refuses updates)."""
    rows: models.QuerySet[AuditLogEntry] = models.QuerySet(model=AuditLogEntry)
    rows.filter(actor=user).update(actor=placeholder)
    rows.filter(subject=user).update(subject=placeholder)


def _erase_appeals(*, user, placeholder, remove_content):
    changes = {"appellant": placeholder}
    if remove_content:
        changes["body"] = ""
    Appeal.objects.filter(appellant=user).update(**changes)


register(
    Report,
    on_delete="keep_minimal",
    why="Reports they made: facilitators' decisions rest on them.",
    export_fields=("reason", "note", "created_at"),
    erase=_erase_reports,
)
register(
    ReviewItem,
    on_delete="keep_minimal",
    why="Queue items are the facilitators' working record; the content is exported by its app.",
    export=None,
)
register(
    AuditLogEntry,
    on_delete="keep_minimal",
    why="The moderation audit log is append-only: decisions about them and by them.",
    export_fields=("action", "reason", "created_at"),
    erase=_erase_audit,
)
register(
    ItemNote,
    on_delete="keep_minimal",
    why="Messages to the facilitators (and facilitators' notes) stay with the decision.",
    export_fields=("body", "from_author", "created_at"),
)
register(
    Sanction,
    on_delete="keep_minimal",
    why="Warnings, silences and suspensions are part of the moderation record.",
    export_fields=("kind", "until", "reason", "lifted_at", "created_at"),
)
register(
    Appeal,
    on_delete="keep_minimal",
    why="Appeals they made stay with the decision they questioned.",
    export_fields=("body", "created_at"),
    erase=_erase_appeals,
)
register(OnDutyShift, on_delete="delete", why="A rota entry means nothing without its person.")
register(
    SafetyPlan,
    on_delete="delete",
    why="Their own safety plan: theirs alone, gone with them (the facilitator it is shared "
    "with is not its owner, so their leaving only unshares it).",
    user_fields=("owner",),
    export_fields=(*SafetyPlan.SECTIONS, "updated_at"),
)
register(
    SafetyPlanEdit,
    on_delete="keep_minimal",
    why="The plan's record of who changed it: the owner's plan keeps it (and it goes with the "
    "plan); a facilitator who edited it and leaves is shown as the former member.",
    user_fields=("editor",),
    export_fields=("change", "sections", "created_at"),
)
register(
    ContactRequest,
    on_delete="delete",
    why="Their requests to be contacted; the queue item keeps the facilitators' record.",
    export_fields=("created_at",),
)
register(
    FollowUp,
    on_delete="keep_minimal",
    why="Follow-up contacts they were assigned are part of another member's care record.",
    export=None,
)
register(
    DebriefNote,
    on_delete="delete",
    why="A facilitator's own debrief notes: for them alone.",
    export_fields=("body", "created_at"),
)
