from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .selectors import blocked_user_ids


def privacy(request):
    """`blocked_ids` for templates that collapse blocked people's posts and messages (lazy: the
    query runs only on pages whose templates use it), and the site-wide indexing switch for
    pages that may override `{% block robots %}`."""
    user = getattr(request, "user", None)
    blocked = frozenset()
    if user is not None and user.is_authenticated:
        blocked = SimpleLazyObject(lambda: frozenset(blocked_user_ids(user)))
    return {"blocked_ids": blocked, "SEARCH_INDEXING_ALLOWED": settings.SEARCH_INDEXING_ALLOWED}
