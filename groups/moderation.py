"""What moderation needs to know about groups (it may not import groups): who facilitates which
group, how many first posts a group holds for approval, the groups' names for the dashboard,
who belongs to which group (safety plans, the facilitators' load), and the facilitators' emails
to their groups (audited there). Chat messages, groups'
moderatable content, have their adapter in chat/moderation.py."""

from collections.abc import Iterable

from django.urls import reverse

from moderation.adapters import ModerationAdapter, register
from moderation.registry import register_group_scope
from supportgroups.models import User
from supportgroups.prepared import Prepared

from . import permissions, selectors
from .models import GroupEmail, Membership, SupportGroup


def _facilitators(group_id: int) -> list[User]:
    return list(selectors.facilitators_of(group=group_id))


# Asked when screening every chat message and post in a group: compiled once.
_PREMODERATED_POSTS = Prepared(
    lambda group_id: SupportGroup.objects.filter(pk=group_id).values_list(
        "premoderated_posts", flat=True
    )
)


def _premoderated_posts(group_id: int) -> int:
    return next(iter(_PREMODERATED_POSTS(group_id)), None) or 0


def _names(ids: Iterable[int]) -> dict[int, str]:
    return dict(SupportGroup.objects.filter(pk__in=ids).values_list("pk", "name"))


def _member_groups(user: User) -> set[int]:
    """Groups the person belongs to now (as member or facilitator): whom they may share their
    safety plan with."""
    rows = Membership.objects.filter(user=user, state=Membership.State.ACTIVE)
    return set(rows.values_list("group_id", flat=True))


def _members(ids: Iterable[int]) -> set[int]:
    """Everyone who belongs to these groups (a memorial leaves the membership as it was)."""
    rows = Membership.objects.filter(group_id__in=list(ids), state=Membership.State.ACTIVE)
    return set(rows.values_list("user_id", flat=True))


register_group_scope(
    facilitated_group_ids=permissions.facilitated_group_ids,
    group_facilitators=_facilitators,
    group_premoderation=_premoderated_posts,
    group_names=_names,
    member_group_ids=_member_groups,
    group_member_ids=_members,
)


@register
class GroupEmailModeration(ModerationAdapter[GroupEmail]):
    """A facilitator's email to the whole group: its audit rows sit on its own queue item;
    it was sent already, so there is nothing to hide or edit."""

    model = GroupEmail

    @property
    def author(self) -> User | None:
        return self.obj.author

    def text_for_screening(self) -> str:
        return f"{self.obj.subject}\n\n{self.obj.body}"

    def group_id(self) -> int | None:
        return self.obj.group_id

    def url(self) -> str:
        return reverse("groups:email_group", kwargs={"slug": self.obj.group.slug})
