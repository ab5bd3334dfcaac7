import zoneinfo

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect
from django.utils import timezone


class UserTimezoneMiddleware:
    """Show every time in the viewer's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class StaffMFAMiddleware:
    """Staff reach admin (and other MFA_REQUIRED_PATH_PREFIXES) only with MFA enabled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(tuple(settings.MFA_REQUIRED_PATH_PREFIXES))
            and not is_mfa_enabled(user)
        ):
            return redirect("mfa_required")
        return self.get_response(request)
