from django.utils.functional import SimpleLazyObject

from .links import shows_reports_link


def reports(request):
    """`shows_reports_link` for the site header, worked out only if the header asks (a
    response that shows no header asks nothing)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"shows_reports_link": False}
    return {"shows_reports_link": SimpleLazyObject(lambda: shows_reports_link(user))}
