"""The one place that decides who may see a group's private parts and who may manage it.

Views, websocket consumers and querysets all ask these predicates; none re-derives them.
"""

from .models import Membership, SupportGroup


def membership_of(user, group: SupportGroup) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, group=group).first()


def is_active_member(user, group: SupportGroup) -> bool:
    """Active members and facilitators."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, group=group, state=Membership.State.ACTIVE).exists()


def is_facilitator(user, group: SupportGroup) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, group=group, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
    ).exists()


def can_view_private(user, group: SupportGroup) -> bool:
    """Members list, board, chat, meeting links: active members, facilitators, site staff."""
    return user.is_authenticated and (user.is_staff or is_active_member(user, group))


def can_manage(user, group: SupportGroup) -> bool:
    """Edit the group, decide on requests, remove members, run meetings and the chat room."""
    return user.is_authenticated and (user.is_staff or is_facilitator(user, group))


def facilitated_group_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(
            user=user, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
        ).values_list("group_id", flat=True)
    )
