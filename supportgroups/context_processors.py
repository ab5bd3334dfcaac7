from functools import partial

from .languages import site_name
from .selectors import unread_notification_count


def site(request):
    """`unread_notifications` for the site header, as a function the header calls: a response
    that shows no header (an htmx fragment) asks nothing."""
    user = getattr(request, "user", None)
    unread = (
        partial(unread_notification_count, user=user)
        if user is not None and user.is_authenticated
        else 0
    )
    return {"SITE_NAME": site_name(), "unread_notifications": unread}
