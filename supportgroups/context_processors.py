from django.conf import settings

from .languages import site_name
from .selectors import kept_unread_notifications


def site(request):
    """`unread_notifications` for the site header, which reads it with its other kept facts
    (a response that shows no header asks nothing)."""
    user = getattr(request, "user", None)
    unread = (
        kept_unread_notifications(user=user) if user is not None and user.is_authenticated else 0
    )
    return {
        "SITE_NAME": site_name(),
        "THEME_COLOUR": settings.THEME_COLOUR,
        "unread_notifications": unread,
    }
