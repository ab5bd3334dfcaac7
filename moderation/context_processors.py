from typing import Any

from django.conf import settings

from supportgroups.live import Kept
from supportgroups.models import User

from .permissions import shows_queue_link


def queue_link(user: User) -> Kept[bool]:
    """Whether the header links to the queue, kept beside the person's access generation, which
    every change of their staff status, facilitator roles or memberships moves
    (supportgroups.live.access_changed)."""
    seconds = settings.QUEUE_LINK_CACHE_FOR.total_seconds()
    return Kept(user.pk, "queue-link", lambda: shows_queue_link(user), seconds=seconds)


def queue_link_at_sign_in(sender: Any, user: User, **kwargs: Any) -> None:
    """On signing in (user_logged_in): worked out then, rather than by the first page."""
    queue_link(user).value()


def moderation(request):
    """`shows_queue_link` for the site header (read with its other kept facts) and the
    conversations' tabs: worked out at most once per request, and only if a page asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"shows_queue_link": False}
    return {"shows_queue_link": queue_link(user)}
