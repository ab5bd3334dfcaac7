"""Quiet members, followed up: from the list of members quiet for over a week, a facilitator
sends a gentle check-in, written from the group's template (which they edit, in the group's
settings and each time). It goes as a conversation with the group's team
(groups.conversations.services.start_from_team) where the member takes new conversations;
otherwise as an in-app note."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from supportgroups.models import Notification, User
from supportgroups.ratelimits import require_within
from supportgroups.services import notify

from . import permissions, policy
from .models import SupportGroup


def check_in_text(*, group: SupportGroup, member: User) -> str:
    """The group's check-in template, or a gentle default, with the member's name in it."""
    template = group.check_in_template.strip() or _(
        "Hello {name}, we haven't seen you in the group for a little while and wanted to say "
        "we are thinking of you. There is no need to reply; whenever you want to come back, "
        "you are welcome, and if there is anything we can do, just say."
    )
    return template.replace("{name}", member.display_name)


def note_title(group: SupportGroup) -> str:
    return _("The facilitators of %(group)s are thinking of you") % {"group": group.name}


def _check_note_rate(group: SupportGroup, member: User) -> None:
    """One gentle note a day from a group's team to a member is plenty (two facilitators
    writing the same day, or a slip of the button, would be a lot for someone quiet)."""
    require_within(
        f"quiet-note:{group.pk}:{member.pk}",
        limit=1,
        window=24 * 3600,
        refusal=ValidationError(
            {"body": _("The facilitators wrote to them today already. Please try tomorrow.")}
        ),
    )


@transaction.atomic
def send_note(*, by: User, group: SupportGroup, member: User, body: str) -> Notification:
    """The in-app check-in, for a member who takes no new conversations: only the group's
    facilitators, to an active member, through the one write policy."""
    if not permissions.can_manage(by, group) or not permissions.is_active_member(member, group):
        raise PermissionDenied
    policy.require(policy.write_verdict(by, group))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a few words before sending.")})
    _check_note_rate(group, member)
    return notify(
        user=member,
        kind=Notification.Kind.GROUP,
        title=note_title(group),
        body=body,
        url=group.get_absolute_url(),
    )
