"""What groups hold about a person, for export and deletion (see supportgroups.privacy.registry)."""

from django.utils.translation import gettext as _

from supportgroups.privacy.email import send_user_email
from supportgroups.privacy.registry import (
    register,
    register_memorial_hook,
    register_shared_group_check,
)
from supportgroups.services import notify

from .models import GroupInvitation, Membership, MembershipEvent


def _export_memberships(user, rows):
    return [
        {
            "group": m.group.name,
            "role": m.role,
            "state": m.state,
            "join_note": m.join_note,
            "screening_answers": m.screening_answers,
            "created_at": m.created_at,
            "last_active_at": m.last_active_at,
            "history": [
                {"what": e.kind, "when": e.created_at, "message": e.message} for e in m.events.all()
            ],
        }
        for m in rows.select_related("group").prefetch_related("events")
    ]


register(
    Membership,
    on_delete="delete",
    why="Belonging to a group (and the note and screening answers given to join) is personal.",
    export=_export_memberships,
)

register(
    MembershipEvent,
    on_delete="keep_minimal",
    user_fields=("actor",),
    export=None,
    why="Rows where the person acted (as a facilitator approving or removing someone) are about "
    "other people's memberships, so they are not exported; the history is kept for the group "
    "with the former-member placeholder as actor. A person's own membership history is exported "
    "with their memberships and deleted with them.",
)


def _export_invitations(user, rows):
    """Invitations the person sent, received or accepted: the group and the dates, never the
    token's hash, and no other person's name."""
    return [
        {
            "group": i.group.name,
            "sent_by_me": i.created_by_id == user.pk,
            "created_at": i.created_at,
            "expires_at": i.expires_at,
            "used_at": i.used_at,
            "revoked_at": i.revoked_at,
        }
        for i in rows.select_related("group")
    ]


register(
    GroupInvitation,
    on_delete="delete",
    why="An invitation is between a facilitator and one person; once either account is gone it "
    "has no use (a membership that came from it keeps its own history).",
    export=_export_invitations,
)


def shares_active_group(*, viewer, subject) -> bool:
    """Both are active in at least one common group (profile visibility "group members")."""
    return (
        Membership.objects.filter(user=viewer, state=Membership.State.ACTIVE)
        .filter(
            group__memberships__user=subject,
            group__memberships__state=Membership.State.ACTIVE,
        )
        .exists()
    )


def tell_facilitators_of_memorial(*, user) -> None:
    """Facilitators of the member's groups hear of it, so that they can support the group."""
    group_ids = Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values(
        "group_id"
    )
    facilitators = (
        Membership.objects.filter(
            group_id__in=group_ids,
            role=Membership.Role.FACILITATOR,
            state=Membership.State.ACTIVE,
        )
        .exclude(user=user)
        .select_related("user", "group")
    )
    for facilitation in facilitators:
        title = _("%(name)s has died") % {"name": user.display_name}
        body = _(
            "At their family's request, %(name)s's account is now a memorial. Their posts stay. "
            "You may want to let %(group)s know, and look after anyone who was close to them."
        ) % {"name": user.display_name, "group": facilitation.group.name}
        notify(
            user=facilitation.user,
            kind="group",
            title=title,
            body=body,
            url=facilitation.group.get_absolute_url(),
        )
        send_user_email(
            user=facilitation.user,
            kind="group",
            subject=title,
            template="privacy/email/memorial_facilitator.txt",
            context={"body": body},
        )


register_shared_group_check(shares_active_group)
register_memorial_hook(tell_facilitators_of_memorial)
