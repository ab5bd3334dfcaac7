from .languages import site_name
from .selectors import unread_notification_count


def site(request):
    user = getattr(request, "user", None)
    unread = (
        unread_notification_count(user=user) if user is not None and user.is_authenticated else 0
    )
    return {"SITE_NAME": site_name(), "unread_notifications": unread}
