"""Who may read and write in a chat room, and why not.

Built on groups.policy, the one write/read policy every surface asks (account, membership, the
group's read-only state and moderation's sanctions, a facilitator's mute in the group
included), plus the room's own state: an ended room takes nothing, a locked one only its
facilitators' words. Services ask under the room lock; the consumer asks on connect and on
every re-check; the page asks to say why its message box is disabled.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from groups import permissions, policy
from groups.models import Membership, SupportGroup
from groups.permissions import GroupAccess
from groups.policy import Verdict
from supportgroups.models import User

from .models import ChatMessage, ChatRoom


def read_verdict(user: User | AnonymousUser, group: SupportGroup) -> Verdict:
    return policy.read_verdict(user, group)


def person_verdict(user: User | AnonymousUser, group: SupportGroup) -> Verdict:
    """May this person write in this group at all now, whatever the room's state? What a
    socket tells its page when a sanction starts or ends."""
    return policy.write_verdict(user, group)


@dataclass(frozen=True)
class PageAccess:
    """What the room page needs about its viewer, from one membership query."""

    can_read: bool
    write: Verdict
    can_manage: bool
    membership: Membership | None


def page_access(user: User | AnonymousUser, group: SupportGroup) -> PageAccess:
    access = permissions.access_for(user, group)
    account = policy.account_verdict(user)
    return PageAccess(
        can_read=bool(account) and access.can_view_private,
        write=policy.write_verdict(user, group, access=access),
        can_manage=bool(account) and access.can_manage,
        membership=access.membership,
    )


def write_verdict(
    user: User | AnonymousUser, room: ChatRoom, *, access: GroupAccess | None = None
) -> Verdict:
    """May this person send, edit or show they are typing in this room now? (``access``: the
    caller's own reading of the person's membership, to save the query.)"""
    access = access or permissions.access_for(user, room.group)
    verdict = policy.write_verdict(user, room.group, access=access)
    if not verdict:
        return verdict
    if room.is_ended:
        return Verdict(
            allowed=False,
            code="ended",
            reason=_("This room has ended. A facilitator can open it again."),
        )
    if room.is_locked and not access.can_manage:
        return Verdict(
            allowed=False, code="locked", reason=_("A facilitator has locked the room for now.")
        )
    return verdict


def can_manage(user: User | AnonymousUser, room: ChatRoom) -> bool:
    """Lock, end, run a live session, remove a message, mute a member."""
    return bool(policy.account_verdict(user)) and permissions.can_manage(user, room.group)


def can_report_message(user: User | AnonymousUser, message: ChatMessage) -> bool:
    """For moderation's registry: anyone who can still read the room may report what they see."""
    return message.is_visible and bool(read_verdict(user, message.room.group))
