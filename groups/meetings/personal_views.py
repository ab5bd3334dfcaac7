"""A person's own meeting settings: calendar feed, reminder choices, and the signed email links.

The signed links work without signing in (they come from an email); the signature names the person.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import emails, selectors, services
from .calendar import feed_calendar
from .forms import ReminderPreferenceForm
from .models import CalendarFeed, Occurrence
from .reminders import preferences_for

FEED_ACTIONS = {"regenerate": services.regenerate_feed, "revoke": services.revoke_feed}


@login_required
def feed_settings(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = (
        request.build_absolute_uri(reverse("meetings:feed", kwargs={"token": feed.token}))
        if feed
        else ""
    )
    return render(request, "meetings/feed_settings.html", {"feed_url": feed_url})


@login_required
@require_POST
def feed_change(request):
    action = FEED_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return redirect("meetings:feed_settings")
    action(user=request.user)
    messages.success(
        request,
        _("Your calendar address is turned off.")
        if action is services.revoke_feed
        else _("You have a new calendar address; the old one no longer works."),
    )
    return redirect("meetings:feed_settings")


@never_cache
def feed(request, token):
    found = selectors.feed_by_token(token)
    if found is None:
        raise Http404
    occurrences = selectors.feed_occurrences(user=found.user)
    return HttpResponse(
        feed_calendar(occurrences, name=_("My support group meetings")),
        content_type="text/calendar; charset=utf-8",
    )


def _preferences_page(request, user, action_url):
    form = ReminderPreferenceForm(request.POST or None, instance=preferences_for(user))
    if request.method == "POST" and form.is_valid():
        services.update_reminder_preferences(user=user, **form.cleaned_data)
        messages.success(request, _("Your reminder settings are saved."))
        return redirect(action_url)
    return render(
        request, "meetings/reminder_settings.html", {"form": form, "action_url": action_url}
    )


@login_required
def reminder_settings(request):
    return _preferences_page(request, request.user, reverse("meetings:reminder_settings"))


@never_cache
def reminder_settings_signed(request, token):
    try:
        user_id = emails.read_preferences_token(token)
    except signing.BadSignature as exc:
        raise Http404 from exc
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Http404
    return _preferences_page(request, user, request.path)


@never_cache
def cant_make_it(request, token):
    """From the reminder email: confirm, then withdraw the answer and free the place.

    The link shows one button rather than acting on GET, because mail scanners open links.
    """
    try:
        occurrence_id, user_id = emails.read_cant_make_it(token)
    except signing.BadSignature as exc:
        raise Http404 from exc
    occurrence = Occurrence.objects.select_related("series__group").filter(pk=occurrence_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if occurrence is None or user is None:
        raise Http404
    done = request.method == "POST"
    if done:
        services.set_rsvp(occurrence=occurrence, user=user, going=False)
    return render(request, "meetings/cant_make_it.html", {"occurrence": occurrence, "done": done})
