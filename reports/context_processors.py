from .links import reports_link


def reports(request):
    """`shows_reports_link` for the site header, worked out only if the header asks (a
    response that shows no header asks nothing), with the header's other kept facts."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"shows_reports_link": False}
    return {"shows_reports_link": reports_link(user)}
