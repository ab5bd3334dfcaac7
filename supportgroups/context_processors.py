from django.conf import settings

from .selectors import unread_notification_count


def site(request):
    user = getattr(request, "user", None)
    unread = (
        unread_notification_count(user=user) if user is not None and user.is_authenticated else 0
    )
    return {
        "SITE_NAME": settings.SITE_NAME,
        "THEME_COLOUR": settings.THEME_COLOUR,
        "unread_notifications": unread,
    }
