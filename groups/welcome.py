"""A group's welcome message with its norms: every new member gets it when their membership
becomes active (in-app here, by email from a task: emails.send_welcome_email), and sees the
norms above the forms they write in until their first post in the group, or until they say
they have read them."""

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString

from supportgroups.markdown import render_markdown_once
from supportgroups.models import Notification, User
from supportgroups.services import notify

from . import tasks
from .models import Membership, SupportGroup
from .notifications import welcome_title


def welcome(membership: Membership) -> None:
    """Tell a member who has just come in the group's welcome message (nothing if it has none).

    Called inside the transaction that makes the membership active; the email leaves on commit.
    """
    group = membership.group
    if not group.welcome_message.strip() or membership.role != Membership.Role.MEMBER:
        return
    notify(
        user=membership.user,
        kind=Notification.Kind.GROUP,
        title=welcome_title(group),
        body=group.welcome_message,
        url=group.get_absolute_url(),
    )
    transaction.on_commit(partial(tasks.send_welcome_email.delay, membership.pk))


def norms_to_show(*, membership: Membership | None, group: SupportGroup) -> SafeString | None:
    """The group's norms, rendered, for an active member who has not yet posted in the group
    nor said they have read them; None for everyone else (no query: pages have both rows)."""
    if (
        membership is None
        or not membership.is_active
        or membership.role != Membership.Role.MEMBER
        or membership.norms_seen_at is not None
        or not group.welcome_message.strip()
    ):
        return None
    return render_markdown_once(group.welcome_message)


def mark_norms_seen(*, user: User, group_id: int) -> None:
    """The member's first post in the group, or their "I have read them": one UPDATE that
    changes nothing the second time."""
    Membership.objects.filter(user=user, group_id=group_id, norms_seen_at__isnull=True).update(
        norms_seen_at=timezone.now()
    )
