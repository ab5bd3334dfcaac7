from django.utils.functional import SimpleLazyObject

from .permissions import shows_queue_link


def moderation(request):
    """`shows_queue_link` for the site header.

    Lazy and worked out at most once per request: base.html reads it only inside
    `{% if user.is_authenticated %}`, so signed-out pages never run its query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"shows_queue_link": False}
    return {"shows_queue_link": SimpleLazyObject(lambda: shows_queue_link(user))}
