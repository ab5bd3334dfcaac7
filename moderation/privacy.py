"""What moderation holds about a person, for export and deletion (supportgroups.privacy.registry).

Written by the privacy engineer (issue 9); owned by moderation from here on. Moderation records
keep the minimum needed for other people's safety: queue items, notes and appeals stay pointed
at the "Former member" placeholder; the append-only audit log is never updated here (its
actor/subject foreign keys are SET_NULL when the account row goes, through Django's collector).
"""

from supportgroups.privacy.registry import register

from .models import (
    Appeal,
    AuditLogEntry,
    ItemNote,
    OnDutyShift,
    Report,
    ReviewItem,
    Sanction,
)


def _export_reports(user, rows):
    # The reports the person made (issue 9 lists them); not who else reported the same thing.
    return list(rows.values("reason", "note", "created_at", "item__excerpt"))


def _erase_reports(*, user, placeholder, remove_content):
    """The report stays (the queue item counts it); the reporter and their note go.

    One report per reporter and target: where the placeholder already reported the same
    target, the person's report is deleted rather than merged.
    """
    for report in Report.objects.filter(reporter=user):
        clash = Report.objects.filter(
            reporter=placeholder, content_type_id=report.content_type_id, object_id=report.object_id
        ).exists()
        if clash:
            report.delete()
        else:
            Report.objects.filter(pk=report.pk).update(reporter=placeholder, note="")


def _erase_review_items(*, user, placeholder, remove_content):
    ReviewItem.objects.filter(author=user).update(author=placeholder)
    ReviewItem.objects.filter(claimed_by=user).update(claimed_by=None)


def _leave_audit_log(*, user, placeholder, remove_content):
    """Append-only: nothing is rewritten; SET_NULL empties actor/subject when the user goes."""


register(
    Report,
    on_delete="keep_minimal",
    why="Reports protect other people; they stay without the reporter's name or note.",
    export=_export_reports,
    erase=_erase_reports,
)
register(
    ReviewItem,
    on_delete="keep_minimal",
    why="The moderation queue keeps what was decided; its author becomes Former member.",
    export_fields=("reason", "state", "resolution", "excerpt", "created_at"),
    user_fields=("author",),
    erase=_erase_review_items,
)
register(
    ItemNote,
    on_delete="keep_minimal",
    why="Facilitators' internal notes stay with the item; they are about other people, so "
    "they are not part of their writer's export.",
    export=None,
)
register(
    AuditLogEntry,
    on_delete="keep_minimal",
    why="The append-only moderation audit log; it loses the person's link, never its record.",
    export_fields=("action", "reason", "created_at"),
    user_fields=("subject",),
    erase=_leave_audit_log,
)
register(
    Sanction,
    on_delete="delete",
    why="A sanction ends with the account; the audit log keeps the action that imposed it.",
    export_fields=("kind", "until", "reason", "lifted_at", "created_at"),
)
register(
    Appeal,
    on_delete="keep_minimal",
    why="An appeal is part of the moderation record of an action; it becomes Former member's.",
    export_fields=("body", "created_at"),
)
register(OnDutyShift, on_delete="delete", why="A moderator's rota ends with their account.")
