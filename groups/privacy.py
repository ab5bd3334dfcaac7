"""Groups' side of the privacy contract (supportgroups.privacy.registry): what groups hold about
a person for export and deletion, whether two people share a group, and who hears of a memorial.
"""

from supportgroups.models import User
from supportgroups.privacy.registry import register

from . import emails, notifications
from .models import (
    Announcement,
    AnnouncementDigestLine,
    AnnouncementReceipt,
    GroupEmail,
    GroupInvitation,
    Membership,
    MembershipEvent,
)


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
            # Places offered in a next cohort belong to the waitlist membership (and go with it).
            "offers_of_a_place": [
                {"cohort": o.cohort.name, "state": o.state, "offered_at": o.offered_at}
                for o in m.cohort_offers.all()
            ],
        }
        for m in rows.select_related("group").prefetch_related("events", "cohort_offers__cohort")
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


register(
    Announcement,
    on_delete="keep_minimal",
    user_fields=("author",),
    export_fields=("title", "body", "publish_at", "expires_at", "created_at"),
    why="An announcement is the group's notice, written by a facilitator for all its members: "
    "it stays for the group with the former-member placeholder as author; its writer gets the "
    "announcements they wrote in their export.",
)

register(
    GroupEmail,
    on_delete="keep_minimal",
    user_fields=("author",),
    export_fields=("subject", "body", "created_at", "sent_at"),
    why="An email to the whole group is the group's news, sent by a facilitator: it stays for "
    "the group with the former-member placeholder as author (it was delivered already); its "
    "writer gets the emails they sent in their export.",
)

register(
    AnnouncementDigestLine,
    on_delete="delete",
    export=None,
    why="An announcement waiting for (or sent in) the person's daily digest is delivery "
    "bookkeeping; the announcement itself is the group's, and what they were told is in their "
    "notifications.",
)

register(
    AnnouncementReceipt,
    on_delete="delete",
    export_fields=("announcement", "acknowledged_at"),
    why="That a person has read an announcement is about them alone.",
)


def shares_a_group(*, viewer: User, subject: User) -> bool:
    """Both are active in at least one common group (profile visibility "group members")."""
    return (
        Membership.objects.filter(user=viewer, state=Membership.State.ACTIVE)
        .filter(
            group__memberships__user=subject,
            group__memberships__state=Membership.State.ACTIVE,
        )
        .exists()
    )


def on_memorial(*, user: User) -> None:
    """The facilitators of the member's groups hear of it, in-app and by email, so that they
    can support the group."""
    notifications.notify_of_memorial(user=user)
    emails.send_memorial_emails(user=user)
