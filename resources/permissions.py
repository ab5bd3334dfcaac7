"""Who may curate the library. Views, templates and the admin all ask can_curate()."""

from django.contrib.auth.models import AnonymousUser

from groups import policy
from groups.permissions import facilitated_group_ids
from supportgroups.models import User

from .models import Resource


def can_curate(user: User | AnonymousUser) -> bool:
    """Staff, anyone granted `resources.curate`, and active facilitators.

    Facilitators curate the library and handle suggestions from their queue, so facilitating
    any group is enough; the permission lets staff add curators who facilitate none.
    """
    if not user.is_authenticated:
        return False
    return user.is_staff or user.has_perm("resources.curate") or bool(facilitated_group_ids(user))


def can_view(user: User | AnonymousUser, resource: Resource) -> bool:
    """Published resources are public; drafts, suggestions and declined ones are for curators."""
    return resource.is_published or can_curate(user)


def suggest_verdict(user: User | AnonymousUser) -> policy.Verdict:
    """The library belongs to no group: the one write policy for a public place (signed in,
    active, not suspended or silenced site-wide; a mute in one group does not reach it)."""
    return policy.write_verdict(user, None)
