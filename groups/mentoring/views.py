"""Thin views for mentoring. A match, request or application the person may not read is a
404, like one that does not exist. Refused writes come back with what was typed and the
reason (403 for a rule, 429 for a rate limit, 400 for text that cannot be taken)."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups.policy import WriteRefused, act
from supportgroups.models import User

from . import permissions, selectors, services
from .forms import (
    ApplicationForm,
    CheckInAnswerForm,
    ChecklistForm,
    HelpForm,
    IntroductionForm,
    MentorStateForm,
    ProposeForm,
    RequestForm,
    RespondForm,
)
from .models import HelpRequest, Match, MatchCheckIn, MentorApplication, MentorRequest

BAD_TEXT = {"empty", "bad_text", "too_long", "bad_request"}


def _status(refused: WriteRefused) -> int:
    code = refused.verdict.code
    return 429 if code == "rate_limited" else 400 if code in BAD_TEXT else 403


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


def _coordinator(request: HttpRequest) -> User:
    user = _user(request)
    if not permissions.is_coordinator(user):
        raise Http404
    return user


def _object_or_404(model: Any, pk: int) -> Any:
    if pk > 2**31 - 1:
        raise Http404
    return get_object_or_404(model, pk=pk)


def _add_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {**selectors.mine(user), "coordinator": permissions.is_coordinator(user)}
    return render(request, "mentoring/home.html", context)


def _form_page(
    request: HttpRequest, template: str, form: Any, save: Any, done: str
) -> HttpResponse:
    """A details form (applying, asking): saved through `save`, or shown again as typed."""
    status = 200
    refusal = ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "languages"}
            try:
                save(data, form.cleaned_data["languages"])
            except ValidationError as exc:
                _add_errors(form, exc)
            except WriteRefused as refused:
                refusal, status = refused.verdict.reason, _status(refused)
            else:
                messages.success(request, done)
                return redirect("mentoring:home")
    return render(request, template, {"form": form, "refusal": refusal}, status=status)


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    current = MentorApplication.objects.filter(user=user).first()
    initial = {} if current else {"time_zone": user.time_zone}
    form = ApplicationForm(request.POST or None, instance=current, initial=initial)
    return _form_page(
        request,
        "mentoring/apply.html",
        form,
        lambda data, languages: services.apply(user=user, data=data, languages=languages),
        _("Thank you. A coordinator will be in touch about the next steps."),
    )


@login_required
def ask(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = RequestForm(request.POST or None, initial={"time_zone": user.time_zone})
    return _form_page(
        request,
        "mentoring/ask.html",
        form,
        lambda data, languages: services.ask(mentee=user, data=data, languages=languages),
        _(
            "Thank you. A coordinator will look for a mentor for you; "
            "nobody is matched without a person checking."
        ),
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    mentor_request = _object_or_404(MentorRequest, pk)
    return act(
        request,
        lambda: services.withdraw(request=mentor_request, by=_user(request)),
        then="mentoring:home",
        done=_("Your request is withdrawn."),
    )


def _match_for(request: HttpRequest, pk: int) -> Match:
    match: Match = _object_or_404(Match, pk)
    if not permissions.can_read_match(request.user, match):
        raise Http404
    return match


def _match_page(
    request: HttpRequest, match: Match, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    match = Match.objects.select_related(
        "mentor", "mentee", "request__cancer_type", "conversation", "coordinator"
    ).get(pk=match.pk)
    is_coordinator = permissions.is_coordinator(user)
    application = None
    if match.state == Match.State.ACTIVE or is_coordinator or match.mentor_id == user.pk:
        application = (
            MentorApplication.objects.select_related("cancer_type")
            .prefetch_related("languages")
            .filter(user_id=match.mentor_id)
            .first()
        )
    if application is not None and not permissions.can_read_application(user, application):
        application = None
    intro = forms.pop("intro_form", None)
    if intro is None and is_coordinator and match.state == Match.State.ACCEPTED:
        intro = IntroductionForm(
            initial={"body": services.default_introduction(match), "client_msg_id": uuid.uuid4()}
        )
    context = {
        "match": match,
        "is_mentor": match.mentor_id == user.pk,
        "is_mentee": match.mentee_id == user.pk,
        "is_coordinator": is_coordinator,
        "details": match.request if permissions.sees_request_details(user, match) else None,
        "application": application,
        "can_end": permissions.can_end(user, match),
        "intro_form": intro,
        "help_form": forms.pop("help_form", None) or HelpForm(),
        **forms,
    }
    return render(request, "mentoring/match.html", context, status=status)


@login_required
def match(request: HttpRequest, pk: int) -> HttpResponse:
    return _match_page(request, _match_for(request, pk))


@login_required
@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    found = _match_for(request, pk)
    form = RespondForm(request.POST)
    if not form.is_valid():
        return _match_page(request, found, status=400)
    accept = form.cleaned_data["answer"] == "accept"
    return act(
        request,
        lambda: services.respond(match=found, by=_user(request), accept=accept),
        then=reverse("mentoring:match", args=[found.pk]),
        done=_("Thank you for answering. The coordinator is told."),
    )


def _written_on_match_page(
    request: HttpRequest,
    found: Match,
    form: Any,
    write: Callable[[dict[str, Any]], object],
    *,
    done: str,
    shown_as: str,
    error_field: str | None = None,
) -> HttpResponse:
    """A form of the match page through its service: on a refusal (or a form error) the page
    again with what was typed and why, as the form `shown_as`; else back to it, with `done`."""
    if not form.is_valid():
        return _match_page(request, found, status=400, **{shown_as: form})
    try:
        write(form.cleaned_data)
    except WriteRefused as refused:
        form.add_error(error_field, refused.verdict.reason)
        return _match_page(request, found, status=_status(refused), **{shown_as: form})
    messages.success(request, done)
    return redirect("mentoring:match", pk=found.pk)


@login_required
@require_POST
def introduce(request: HttpRequest, pk: int) -> HttpResponse:
    found = _match_for(request, pk)
    user = _coordinator(request)
    form = IntroductionForm(request.POST)
    return _written_on_match_page(
        request,
        found,
        form,
        lambda data: services.introduce(
            match=found, by=user, body=data["body"], client_msg_id=form.client_id()
        ),
        done=_("They are introduced."),
        shown_as="intro_form",
    )


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    found = _match_for(request, pk)
    return act(
        request,
        lambda: services.end(match=found, by=_user(request)),
        then=reverse("mentoring:match", args=[found.pk]),
        done=_("The match has ended. The conversation stays readable."),
    )


@login_required
@require_POST
def ask_for_help(request: HttpRequest, pk: int) -> HttpResponse:
    found = _match_for(request, pk)
    return _written_on_match_page(
        request,
        found,
        HelpForm(request.POST),
        lambda data: services.ask_for_help(match=found, by=_user(request), note=data["note"]),
        done=_("The coordinator has your message and will be in touch."),
        shown_as="help_form",
        error_field="note",
    )


@login_required
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    found: MatchCheckIn = _object_or_404(MatchCheckIn, pk)
    user = _user(request)
    if found.person_id != user.pk:
        raise Http404
    initial = {"answer": found.answer, "note": found.note} if found.answered_at else {}
    form = CheckInAnswerForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.answer_check_in(
                    check_in=found,
                    by=user,
                    answer=form.cleaned_data["answer"],
                    note=form.cleaned_data["note"],
                )
            except WriteRefused as refused:
                form.add_error(None, refused.verdict.reason)
                status = _status(refused)
            else:
                messages.success(request, _("Thank you. Only the coordinator reads your answer."))
                return redirect("mentoring:home")
    return render(
        request, "mentoring/check_in.html", {"check_in": found, "form": form}, status=status
    )


@login_required
def coordinate(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    not_working, help_wanted = selectors.needs_attention()
    context = {
        "requests": list(selectors.waiting_requests()),
        "applications": list(selectors.applications_to_screen()),
        "matches": list(selectors.open_matches()),
        "not_working": list(not_working),
        "help_wanted": list(help_wanted),
    }
    return render(request, "mentoring/coordinate.html", context)


@login_required
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    found: MentorRequest = _object_or_404(MentorRequest, pk)
    refusal, status = "", 200
    if request.method == "POST":
        form = ProposeForm(request.POST)
        mentor = (
            User.objects.filter(pk=form.cleaned_data["mentor"]).first() if form.is_valid() else None
        )
        if mentor is None:
            refusal, status = _("Choose a mentor from the list."), 400
        else:
            try:
                proposed = services.propose(request=found, mentor=mentor, by=user)
            except WriteRefused as refused:
                refusal, status = refused.verdict.reason, _status(refused)
            else:
                messages.success(
                    request, _("Offered to the mentor. They are asked to answer in time.")
                )
                return redirect("mentoring:match", pk=proposed.pk)
    context = {
        "mentor_request": found,
        "languages": list(found.languages.all()),
        "suggestions": selectors.suggestions(found),
        "matches": list(found.matches.select_related("mentor")),
        "refusal": refusal,
    }
    return render(request, "mentoring/request.html", context, status=status)


@login_required
def application_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    found: MentorApplication = _object_or_404(MentorApplication, pk)
    refusal, status = "", 200
    if request.method == "POST":
        try:
            if "state" in request.POST:
                state_form = MentorStateForm(request.POST)
                if not state_form.is_valid():
                    raise Http404
                services.set_mentor_state(
                    application=found, by=user, state=state_form.cleaned_data["state"]
                )
            else:
                checklist = ChecklistForm(request.POST)
                checklist.is_valid()  # booleans: always valid
                services.record_checklist(application=found, by=user, **checklist.cleaned_data)
        except WriteRefused as refused:
            refusal, status = refused.verdict.reason, _status(refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("mentoring:application", pk=found.pk)
        found.refresh_from_db()
    checklist = ChecklistForm(
        initial={
            "interview": found.interview_done_at is not None,
            "training": found.training_done_at is not None,
            "agreement": found.agreement_signed_at is not None,
        }
    )
    context = {
        "application": found,
        "languages": list(found.languages.all()),
        "checklist": checklist,
        "refusal": refusal,
    }
    return render(request, "mentoring/application.html", context, status=status)


@login_required
@require_POST
def resolve_help(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    services.resolve_help(help_request=_object_or_404(HelpRequest, pk), by=user)
    messages.success(request, _("Marked as resolved."))
    return redirect("mentoring:coordinate")
