import zoneinfo

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect
from django.utils import timezone, translation

from .languages import supported


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


class UserLanguageMiddleware:
    """A signed-in person reads the site in the language their account remembers, whatever
    the browser says (LocaleMiddleware has already followed the cookie or Accept-Language for
    everyone else). The cookie is brought in line, so the page stays in that language after
    signing out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = supported(user.language) if user is not None and user.is_authenticated else None
        if chosen and chosen != request.LANGUAGE_CODE:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        if user is not None and chosen:  # read again: the profile page may have changed it
            chosen = supported(user.language)
        cookie = settings.LANGUAGE_COOKIE_NAME
        # Not over a cookie the view has just set (the switcher: a new choice).
        if chosen and cookie not in response.cookies and request.COOKIES.get(cookie) != chosen:
            remember_language(response, chosen)
        return response


def remember_language(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
