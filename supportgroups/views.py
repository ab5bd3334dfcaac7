from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import JavaScriptCatalog
from django.views.i18n import set_language as set_cookie_language

from . import selectors, services
from .forms import ProfileForm
from .fragments import render_each
from .languages import site_name, supported


def home(request):
    return render(request, "home.html")


def privacy(request):
    return render(request, "pages/privacy.html")


def terms(request):
    return render(request, "pages/terms.html")


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico where a page links no icon (admin, error pages).

    A temporary redirect: with STATIC_MANIFEST the file's name carries a hash that changes.
    """
    return redirect(static("favicon.svg"))


def mfa_required(request):
    """Explains why staff are sent to set up two-factor authentication."""
    return render(request, "account/mfa_required.html")


@csrf_exempt
@require_POST
def set_language(request):
    """The language switcher (a plain form on every page): Django's view checks the language
    and the address to go back to and sets the cookie; an account also remembers the choice,
    for its emails and its other browsers. An unknown language changes nothing.

    A visitor's switch only sets a cookie in their own browser, so visitors' forms carry no
    token and their pages stay free of per-person parts (kept whole: supportgroups.visitor_pages);
    a signed-in person's choice is saved on the account, so theirs is checked like any form."""
    if request.user.is_authenticated:

        def checked(request: HttpRequest) -> HttpResponse:
            return HttpResponse()

        refused = CsrfViewMiddleware(checked).process_view(request, checked, (), {})
        if refused is not None:
            return refused
    response = set_cookie_language(request)
    language = supported(request.POST.get("language"))
    if language and request.user.is_authenticated:
        services.set_language(user=request.user, language=language)
    return response


@require_GET
@cache_control(max_age=3600, public=True)
def javascript_catalog(request, language):
    """The scripts' words (the djangojs catalogues) as a script from this site, which the CSP
    allows. The address names the language, so a browser's cached copy is never another
    language's; pages link the one they are written in (base.html)."""
    if supported(language) != language:
        raise Http404
    with translation.override(language):
        return JavaScriptCatalog.as_view()(request)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
    return render(request, "account/profile.html", {"form": form})


NOTIFICATION_TEMPLATES = ("_notification_list.html",)


@login_required
def notifications(request):
    items = selectors.notifications_for(user=request.user)
    # The lines are plain values, shown in the reader's time zone: rendered once for a list that
    # has not changed since (supportgroups.fragments), so their dates are formatted only then.
    context = {"notifications": items, "zone": timezone.get_current_timezone_name()}
    lines = render_each(NOTIFICATION_TEMPLATES, [context]) if items else ""
    return render(request, "notifications.html", {"notifications": items, "lines": lines})


@login_required
@require_POST
def notifications_mark_read(request):
    services.mark_notifications_read(user=request.user)
    return redirect("notifications")


def error_400(request, exception=None):
    return render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    """Rendered without the request context: it must work even when the database is down."""
    html = loader.get_template("errors/500.html").render({"SITE_NAME": site_name()})
    return HttpResponseServerError(html)


def csrf_failure(request, reason=""):
    """A form sent after its page went stale (or from elsewhere): say so in the site's style."""
    return render(request, "errors/403.html", {"csrf_failure": True}, status=403)
