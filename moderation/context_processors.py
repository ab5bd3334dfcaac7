from typing import Any

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from supportgroups.live import kept_for_access
from supportgroups.models import User

from .permissions import shows_queue_link


def queue_link(user: User) -> bool:
    """Whether the header links to the queue, kept beside the person's access generation, which
    every change of their staff status, facilitator roles or memberships moves
    (supportgroups.live.access_changed)."""
    seconds = settings.QUEUE_LINK_CACHE_FOR.total_seconds()
    return kept_for_access(user.pk, "queue-link", lambda: shows_queue_link(user), seconds=seconds)


def queue_link_at_sign_in(sender: Any, user: User, **kwargs: Any) -> None:
    """On signing in (user_logged_in): worked out then, rather than by the first page."""
    queue_link(user)


def moderation(request):
    """`shows_queue_link` for the site header.

    Lazy and worked out at most once per request: base.html reads it only inside
    `{% if user.is_authenticated %}`, so signed-out pages never run its query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"shows_queue_link": False}
    return {"shows_queue_link": SimpleLazyObject(lambda: queue_link(user))}
