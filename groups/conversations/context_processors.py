from .live import unread_count


def conversations(request):
    """`unread_conversations` for the site header, which reads it with the header's other kept
    facts (a response that shows no header asks nothing): from the cache, worked out again
    after a change (see live.unread_count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_conversations": 0}
    return {"unread_conversations": unread_count(user)}
