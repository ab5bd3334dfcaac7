"""Meeting pages for facilitators and members. Thin: permission, selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from groups import policy
from groups.models import SupportGroup
from moderation.selectors import crisis_lines_for

from . import permissions, selectors, services
from .calendar import occurrence_calendar
from .forms import AttendanceForm, EndSeriesForm, MoveForm, SeriesForm
from .models import MeetingSeries, Occurrence


def _occurrence(pk: int) -> Occurrence:
    try:
        return selectors.occurrence_with_group(pk)
    except Occurrence.DoesNotExist as exc:
        raise Http404 from exc


def _series(pk: int) -> MeetingSeries:
    try:
        return selectors.series_with_group(pk)
    except MeetingSeries.DoesNotExist as exc:
        raise Http404 from exc


def _save_or_errors(form, call):
    """Run a service; its ValidationErrors become form errors (the typed input is kept)."""
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


OFFLINE_MEETINGS = 10


@require_GET
@never_cache
def offline(request):
    """What the installed app shows with no network: the service worker keeps a copy of this
    page from the last time the person was online. A visitor's copy has the crisis lines only;
    signing out replaces the copy at the next page."""
    occurrences = (
        list(selectors.upcoming_for_user(user=request.user)[:OFFLINE_MEETINGS])
        if request.user.is_authenticated
        else []
    )
    context = {
        "occurrences": occurrences,
        "crisis_lines": crisis_lines_for(request.user),
        "saved_at": timezone.now(),
    }
    return render(request, "meetings/offline.html", context)


@login_required
def my_meetings(request):
    occurrences = list(selectors.upcoming_for_user(user=request.user))
    return render(
        request,
        "meetings/my_meetings.html",
        {"occurrences": occurrences, "viewer_zone": request.user.time_zone},
    )


@login_required
def series_create(request, slug):
    group = get_object_or_404(SupportGroup, slug=slug)
    permissions.require_manage(request.user, group)
    form = SeriesForm(request.POST or None, initial={"time_zone": group.time_zone})
    if request.method == "POST" and form.is_valid():
        series = _save_or_errors(
            form,
            lambda: services.create_series(
                group=group, created_by=request.user, **form.service_fields()
            ),
        )
        if series:
            messages.success(request, _("The meeting is planned."))
            return redirect(series)
    return render(request, "meetings/series_form.html", {"form": form, "group": group})


@login_required
def series_edit(request, pk):
    series = _series(pk)
    permissions.require_manage(request.user, series.group)
    form = SeriesForm(request.POST or None, instance=series)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_or_errors(
            form, lambda: services.update_series(series=series, **form.service_fields())
        )
    ):
        messages.success(request, _("The meeting is saved."))
        return redirect(series)
    context = {"form": form, "group": series.group, "series": series}
    return render(request, "meetings/series_form.html", context)


@login_required
def series_manage(request, pk):
    series = _series(pk)
    permissions.require_manage(request.user, series.group)
    end_form = EndSeriesForm(request.POST or None, initial={"last_date": timezone.localdate()})
    if request.method == "POST" and end_form.is_valid():
        last_date = end_form.cleaned_data["last_date"]
        if _save_or_errors(
            end_form, lambda: services.end_series(series=series, last_date=last_date)
        ):
            messages.success(request, _("The meeting series ends on that date."))
            return redirect(series)
    occurrences = list(selectors.series_occurrences(series=series))
    return render(
        request,
        "meetings/series_manage.html",
        {"series": series, "group": series.group, "occurrences": occurrences, "end_form": end_form},
    )


def occurrence_detail(request, pk, *, refusal: str = "", status: int = 200):
    occurrence = _occurrence(pk)
    group = occurrence.series.group
    access = permissions.require_meeting(request.user, group)
    manager = access.can_manage
    return render(
        request,
        "meetings/occurrence_detail.html",
        {
            "occurrence": occurrence,
            "series": occurrence.series,
            "group": group,
            "show_link": access.can_view_private,
            "can_rsvp": access.is_active_member and not group.is_read_only,
            "can_manage": manager,
            "my_answer": selectors.my_answer(occurrence=occurrence, user=request.user),
            "answers": list(selectors.answers(occurrence=occurrence)) if manager else [],
            "is_future": occurrence.starts_at > timezone.now(),
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@require_POST
def rsvp(request, pk):
    occurrence = _occurrence(pk)
    group = occurrence.series.group
    access = permissions.require_meeting(request.user, group)
    going = request.POST.get("going") == "yes"
    try:
        policy.require(permissions.rsvp_verdict(request.user, group, going=going, access=access))
        answer = services.set_rsvp(occurrence=occurrence, user=request.user, going=going)
    except policy.WriteRefused as exc:
        return occurrence_detail(request, pk, refusal=exc.verdict.reason, status=403)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        status = answer.get_status_display()
        messages.success(request, _("Your answer is saved: %(status)s.") % {"status": status})
    return redirect(occurrence)


@login_required
def occurrence_cancel(request, pk):
    occurrence = _occurrence(pk)
    permissions.require_manage(request.user, occurrence.series.group)
    if request.method == "POST":
        services.cancel_occurrence(occurrence=occurrence)
        messages.success(request, _("The meeting is cancelled; people going are told by email."))
        return redirect(occurrence.series)
    return render(request, "meetings/occurrence_cancel.html", {"occurrence": occurrence})


@login_required
def occurrence_move(request, pk):
    occurrence = _occurrence(pk)
    series = occurrence.series
    permissions.require_manage(request.user, series.group)
    form = MoveForm(request.POST or None, initial=MoveForm.initial_for(occurrence))
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_or_errors(
            form, lambda: services.move_occurrence(occurrence=occurrence, **form.cleaned_data)
        )
    ):
        messages.success(request, _("The meeting is moved; people going are told by email."))
        return redirect(series)
    return render(
        request, "meetings/occurrence_move.html", {"occurrence": occurrence, "form": form}
    )


@login_required
def attendance(request, pk):
    occurrence = _occurrence(pk)
    group = occurrence.series.group
    permissions.require_manage(request.user, group)
    people = list(selectors.active_members(group=group))
    form = AttendanceForm(
        request.POST or None,
        people=people,
        initial={"attended": [str(i) for i in selectors.attended_ids(occurrence=occurrence)]},
    )
    if request.method == "POST" and form.is_valid():
        ids = {int(i) for i in form.cleaned_data["attended"]}
        if _save_or_errors(
            form,
            lambda: services.record_attendance(occurrence=occurrence, attended_user_ids=ids),
        ):
            messages.success(request, _("Attendance is recorded."))
            return redirect(occurrence)
    return render(request, "meetings/attendance.html", {"occurrence": occurrence, "form": form})


def occurrence_ics(request, pk):
    occurrence = _occurrence(pk)
    show_link = permissions.require_meeting(request.user, occurrence.series.group).can_view_private
    response = HttpResponse(
        occurrence_calendar(occurrence, show_link=show_link), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{occurrence.pk}.ics"'
    return response
