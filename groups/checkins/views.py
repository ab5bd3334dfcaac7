"""Thin views: a member's check-in with their own trend, and the facilitators' page (set-up,
and who would like someone to reach out)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from groups.models import SupportGroup

from . import permissions, selectors, services
from .forms import CheckInForm, SetupForm, TaskDoneForm


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def check_in(request, slug: str):
    group = get_object_or_404(SupportGroup, slug=slug)
    setup = selectors.enabled_setup(group)
    if setup is None or not permissions.can_check_in(request.user, group):
        raise Http404
    period = services.period_for(setup)
    current = selectors.this_period(member=request.user, group=group, period=period)
    initial = (
        {"score": current.score, "problems": current.problems, "consent": True} if current else {}
    )
    form = CheckInForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit(
                member=request.user,
                group=group,
                score=data["score"],
                problems=data["problems"],
                consent=data["consent"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Thank you for checking in."))
            return redirect("checkins:check_in", slug=group.slug)
    context = {
        "group": group,
        "form": form,
        "current": current,
        "trend": selectors.own_trend(member=request.user, group=group, threshold=setup.threshold),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "checkins/check_in.html", context, status=status)


@login_required
def facilitators(request, slug: str):
    group = get_object_or_404(SupportGroup, slug=slug)
    if not permissions.sees_check_ins(request.user, group):
        raise PermissionDenied
    setup = services.setup_for(group)
    form = SetupForm(request.POST if "setup" in request.POST else None, instance=setup)
    if request.method == "POST":
        if "setup" in request.POST and form.is_valid():
            services.save_setup(group=group, by=request.user, **form.cleaned_data)
            messages.success(request, _("Check-in settings saved."))
            return redirect("checkins:facilitators", slug=group.slug)
        done = TaskDoneForm(request.POST)
        if "setup" not in request.POST:
            if not done.is_valid():
                raise Http404
            services.complete_task(task_id=done.cleaned_data["task"], by=request.user)
            messages.success(request, _("Marked as done."))
            return redirect("checkins:facilitators", slug=group.slug)
    context = {"group": group, "form": form, "tasks": selectors.tasks_for(group=group)}
    status = 400 if request.method == "POST" else 200
    return render(request, "checkins/facilitators.html", context, status=status)
