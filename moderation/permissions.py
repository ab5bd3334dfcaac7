"""Who may see and act on what in moderation, used by views, the consumer and selectors alike.

Site moderators (staff, or anyone with moderation.moderate_all) see everything. Facilitators
see the items of the groups they facilitate (through the registry groups fills in). Nobody else
sees the queue.
"""

from .models import Appeal, AuditLogEntry, ReviewItem
from .registry import scope


def is_site_moderator(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.has_perm("moderation.moderate_all"))
    )


def facilitated_group_ids(user) -> set[int]:
    if not (user.is_authenticated and user.is_active):
        return set()
    return set(scope().facilitated_group_ids(user))


def is_moderator(user) -> bool:
    return is_site_moderator(user) or bool(facilitated_group_ids(user))


def shows_queue_link(user) -> bool:
    """Whether the site header links to the queue: staff and facilitators.

    It is on every page, so it stays cheap: no query for staff, one for everyone else.
    People whose only right is moderation.moderate_all reach the queue by its address: asking
    the permission backend would add two queries to every signed-in page.
    """
    return bool(user.is_authenticated and user.is_active) and (
        user.is_staff or bool(facilitated_group_ids(user))
    )


def can_view_item(user, item: ReviewItem) -> bool:
    if is_site_moderator(user):
        return True
    return item.group_id is not None and item.group_id in facilitated_group_ids(user)


def item_moderators(item: ReviewItem) -> list:
    """Everyone who may handle the item: its group's facilitators and the site moderators."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    users = {}
    if item.group_id is not None:
        for user in scope().group_facilitators(item.group_id):
            if user.is_active:
                users[user.pk] = user
    staff = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_staff=True)
            | Q(user_permissions__codename="moderate_all")
            | Q(groups__permissions__codename="moderate_all")
        )
    )
    for user in staff.distinct():
        users[user.pk] = user
    return list(users.values())


def can_handle(user, item: ReviewItem) -> bool:
    """May this person claim and act? An appeal goes to someone other than the moderator who
    took the original action, unless nobody else could handle it."""
    if not can_view_item(user, item):
        return False
    original = original_moderator_id(item)
    if original is None or original != user.pk:
        return True
    return not any(u.pk != user.pk for u in item_moderators(item))


def original_moderator_id(item: ReviewItem) -> int | None:
    if item.content_type.model_class() is not Appeal:
        return None
    return (
        AuditLogEntry.objects.filter(appeal__pk=item.object_id)
        .values_list("actor_id", flat=True)
        .first()
    )


def can_appeal(user, action: AuditLogEntry) -> bool:
    return bool(user.is_authenticated and action.subject_id == user.pk)
