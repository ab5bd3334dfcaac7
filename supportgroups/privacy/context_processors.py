from django.utils.functional import SimpleLazyObject

from .selectors import blocked_user_ids


def privacy(request):
    """`blocked_ids` for templates that collapse blocked people's posts and messages.

    Lazy: the query runs only on pages whose templates use it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"blocked_ids": frozenset()}
    return {"blocked_ids": SimpleLazyObject(lambda: frozenset(blocked_user_ids(user)))}
