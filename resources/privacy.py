"""What resources hold about a person, for export and deletion (supportgroups.privacy.registry).

A suggested resource may already be published for everyone, so it is never deleted: it loses
the link to the person, and their note if they ask for removal.
"""

from supportgroups.privacy.registry import register

from .models import Resource


def _export_suggestions(user, rows):
    return list(
        rows.filter(suggested_by=user).values(
            "title", "url", "suggestion_note", "state", "created_at"
        )
    )


def _erase_suggestions(*, user, placeholder, remove_content):
    suggested = Resource.objects.filter(suggested_by=user)
    if remove_content:
        suggested.update(suggestion_note="")
    suggested.update(suggested_by=placeholder)
    Resource.objects.filter(reviewed_by=user).update(reviewed_by=None)


register(
    Resource,
    on_delete="anonymise",
    why="Suggestions become Former member's (note removed on request); curators' reviews "
    "lose the curator's name.",
    export=_export_suggestions,
    erase=_erase_suggestions,
)
