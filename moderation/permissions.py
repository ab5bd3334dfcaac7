"""Who may see and act on what in moderation, used by views, the consumer and selectors alike.

Site moderators (staff, or anyone with moderation.moderate_all) see everything. Facilitators
see the items of the groups they facilitate (through the registry groups fills in). Nobody else
sees the queue.

Powers are in proportion: each action's Rule (in the action table, actions.py) says whether
the group's facilitators may use it or only site moderators, and whether it spares staff and
site moderators (only another site moderator acts against them). Nobody handles an item about
what they wrote themselves, whatever the action.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils.translation import gettext as _

from supportgroups.models import User

from .models import Appeal, AuditLogEntry, ReviewItem, SafetyPlan
from .registry import scope


class Who(StrEnum):
    GROUP = "group"  # the facilitators of the item's group, and site moderators
    SITE = "site"  # site moderators only


@dataclass(frozen=True)
class Rule:
    who: Who = Who.GROUP
    spares_moderators: bool = False  # not against staff/site moderators unless by one
    # May be taken on what one wrote oneself: arranging a thread (pinning one's own notice)
    # judges nobody's words.
    own_words: bool = False


HANDLE = Rule()  # claiming, releasing and closing: what every action needs first
ARRANGE = Rule(own_words=True)  # pinning, locking, closing and moving a thread

_MODERATE_ALL = Q(user_permissions__codename="moderate_all") | Q(
    groups__permissions__codename="moderate_all"
)


def is_site_moderator(user: User | AnonymousUser) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.has_perm("moderation.moderate_all"))
    )


def facilitated_group_ids(user: User | AnonymousUser) -> set[int]:
    if not (user.is_authenticated and user.is_active):
        return set()
    return set(scope().facilitated_group_ids(user))


def is_moderator(user: User | AnonymousUser) -> bool:
    return is_site_moderator(user) or bool(facilitated_group_ids(user))


def shows_queue_link(user: User | AnonymousUser) -> bool:
    """Whether the site header links to the queue: staff and facilitators.

    It is on every page, so it stays cheap: no query for staff, one for everyone else.
    People whose only right is moderation.moderate_all reach the queue by its address: asking
    the permission backend would add two queries to every signed-in page.
    """
    return bool(user.is_authenticated and user.is_active) and (
        user.is_staff or bool(facilitated_group_ids(user))
    )


def can_view_item(user: User | AnonymousUser, item: ReviewItem) -> bool:
    """Nobody sees an item about what they wrote (or their appeal): it would tell them who
    reported them, and it is never theirs to handle."""
    if item.author_id is not None and item.author_id == user.pk:
        return False
    if is_site_moderator(user):
        return True
    return item.group_id is not None and item.group_id in facilitated_group_ids(user)


def item_moderators(item: ReviewItem) -> list[User]:
    """Everyone who may handle the item: its group's facilitators and the site moderators."""
    users: dict[int, User] = {}
    if item.group_id is not None:
        for user in scope().group_facilitators(item.group_id):
            if user.is_active:
                users[user.pk] = user
    staff = get_user_model().objects.filter(is_active=True).filter(Q(is_staff=True) | _MODERATE_ALL)
    for user in staff.distinct():
        users[user.pk] = user
    if item.author_id is not None:
        users.pop(item.author_id, None)  # never the person it is about
    return list(users.values())


def is_protected(person: User | None) -> bool:
    """Staff and site moderators, active or not: only a site moderator may act against them."""
    if person is None:
        return False
    if person.is_staff or person.is_superuser:
        return True
    return get_user_model().objects.filter(pk=person.pk).filter(_MODERATE_ALL).exists()


def refusal(
    user: User | AnonymousUser, *, group_id: int | None, subject: User | None, rule: Rule
) -> str | None:
    """Why this person may not take an action under rule about subject (the author of the
    content, or the member themselves) in group_id, or None if they may."""
    site = is_site_moderator(user)
    if not moderates_group(user, group_id):
        return _("Only the facilitators of this group and site moderators can do this.")
    if subject is not None and subject.pk == user.pk and not rule.own_words:
        return _("This is about something you wrote: another moderator will handle it.")
    if rule.who == Who.SITE and not site:
        return _("Only site moderators can do this. Escalate the item if it is needed.")
    if rule.spares_moderators and not site and is_protected(subject):
        return _("Only site moderators can act against staff or site moderators. Escalate it.")
    return None


def item_refusal(user: User | AnonymousUser, item: ReviewItem, rule: Rule = HANDLE) -> str | None:
    """Why this person may not claim or act on the item under rule, or None. An appeal goes to
    someone other than the moderator who took the original action, unless nobody else could
    handle it."""
    refused = refusal(user, group_id=item.group_id, subject=item.author, rule=rule)
    if refused:
        return refused
    original = original_moderator_id(item)
    if original == user.pk and any(u.pk != user.pk for u in item_moderators(item)):
        return _("Someone else will handle this appeal: you took the original decision.")
    return None


def can_handle(user: User | AnonymousUser, item: ReviewItem) -> bool:
    """May this person claim and act at all?"""
    return item_refusal(user, item) is None


def needs_site_moderators(item: ReviewItem) -> bool:
    """An item about a facilitator's own words in a group where no other facilitator can take
    it: it goes to the site moderators rather than wait for someone who is not there."""
    if item.group_id is None or item.author_id is None:
        return False
    ids = {u.pk for u in scope().group_facilitators(item.group_id) if u.is_active}
    return item.author_id in ids and not ids - {item.author_id}


def original_moderator_id(item: ReviewItem) -> int | None:
    if item.content_type.model_class() is not Appeal:
        return None
    return (
        AuditLogEntry.objects.filter(appeal__pk=item.object_id)
        .values_list("actor_id", flat=True)
        .first()
    )


def moderates_group(user: User | AnonymousUser, group_id: int | None) -> bool:
    return is_site_moderator(user) or (
        group_id is not None and group_id in facilitated_group_ids(user)
    )


def can_appeal(user: User | AnonymousUser, action: AuditLogEntry) -> bool:
    return bool(user.is_authenticated and action.subject_id == user.pk)


def member_group_ids(user: User | AnonymousUser) -> set[int]:
    if not (user.is_authenticated and user.is_active):
        return set()
    return set(scope().member_group_ids(user))


def may_receive_plan(owner: User, person: User) -> bool:
    """A member shares their safety plan with one facilitator of a group they belong to, or a
    site moderator; never with another member."""
    if person.pk == owner.pk or not person.is_active:
        return False
    return is_site_moderator(person) or bool(
        member_group_ids(owner) & facilitated_group_ids(person)
    )


def can_read_plan(user: User | AnonymousUser, plan: SafetyPlan) -> bool:
    """Its owner, and the one person they shared it with while that person may still receive
    it (a facilitator who stepped down stops reading)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if plan.owner_id == user.pk:
        return True
    return (
        plan.shared_with_id == user.pk
        and isinstance(user, User)
        and may_receive_plan(plan.owner, user)
    )


def can_edit_plan(user: User | AnonymousUser, plan: SafetyPlan) -> bool:
    """Its owner, and the facilitator they invited to write it with them, for as long as they
    may read it."""
    if not (user.is_authenticated and user.is_active):
        return False
    if plan.owner_id == user.pk:
        return True
    return plan.shared_may_edit and can_read_plan(user, plan)


def is_supervisor(user: User | AnonymousUser) -> bool:
    """Staff see each facilitator's load (never content) and rebalance the rota."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)
