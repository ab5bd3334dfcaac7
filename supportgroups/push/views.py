"""The installable app's files and a person's notification settings for their devices."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from . import app, selectors, services
from .forms import ChoicesForm, DeviceForm, EndpointForm, SubscriptionForm


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request):
    return JsonResponse(app.manifest(), content_type="application/manifest+json")


@require_GET
@cache_control(no_cache=True)  # browsers check for a new worker at every visit
def service_worker(request):
    response = HttpResponse(app.worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


def _page(request, choices_form: ChoicesForm | None = None, status: int = 200):
    if choices_form is None:
        saved = selectors.choices_of(user=request.user)
        choices_form = ChoicesForm(
            initial={
                "kinds": saved.kinds,
                "quiet_from": saved.quiet_from,
                "quiet_until": saved.quiet_until,
            }
        )
    context = {
        "choices_form": choices_form,
        "devices": selectors.devices_of(user=request.user),
        "vapid_public_key": settings.VAPID_PUBLIC_KEY,
        "available": bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY),
    }
    return render(request, "push/settings.html", context, status=status)


@login_required
def push_settings(request):
    if request.method != "POST":
        return _page(request)
    form = ChoicesForm(request.POST)
    if form.is_valid():
        services.save_choices(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification choices are saved."))
        return redirect("push:settings")
    return _page(request, choices_form=form, status=400)


@login_required
@require_POST
def subscribe(request):
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Notifications could not be turned on for this device."))
        return redirect("push:settings")
    try:
        services.subscribe(
            user=request.user,
            user_agent=request.headers.get("User-Agent", ""),
            **form.cleaned_data,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Notifications are on for this device."))
    return redirect("push:settings")


@login_required
@require_POST
def unsubscribe(request):
    """The page's script, after the browser dropped this device's subscription."""
    form = EndpointForm(request.POST)
    if form.is_valid():
        services.unsubscribe_endpoint(user=request.user, endpoint=form.cleaned_data["endpoint"])
    messages.success(request, _("Notifications are off for this device."))
    return redirect("push:settings")


@login_required
@require_POST
def remove_device(request):
    form = DeviceForm(request.POST)
    if form.is_valid() and services.remove_device(
        user=request.user, device_id=form.cleaned_data["device"]
    ):
        messages.success(request, _("The device will get no more notifications."))
    else:
        messages.error(request, _("That device was already removed."))
    return redirect("push:settings")
