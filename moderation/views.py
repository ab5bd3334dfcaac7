"""Thin views: the facilitators' dashboard and item page (MFA required), a member's report and
appeal forms."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportgroups.permissions import mfa_required

from . import actions, permissions, selectors, services
from .forms import (
    ActionForm,
    AppealForm,
    ClaimForm,
    MemberMessageForm,
    NoteForm,
    QueueFilterForm,
    ReportForm,
)
from .models import PRIORITY_LABELS, ReviewItem
from .registry import as_moderatable, reportable_for

ACTION_LABELS = {
    "approve": _("Approve"),
    "dismiss": _("Close, no action"),
    "hide": _("Hide"),
    "remove": _("Remove"),
    "restore": _("Restore"),
    "edit": _("Edit"),
    "message": _("Message the author"),
    "warn": _("Warn"),
    "silence": _("Silence"),
    "mute": _("Mute in group"),
    "suspend": _("Suspend account"),
    "escalate": _("Escalate to site staff"),
}
CONTENT_ACTIONS = {"hide", "remove", "restore", "edit"}


def _require_moderator(user) -> None:
    if not permissions.is_moderator(user):
        raise PermissionDenied


def _visible_item(user, item_id: int) -> ReviewItem:
    """404 for items outside the moderator's groups: their existence is not revealed."""
    try:
        item = selectors.item_detail(item_id)
    except ReviewItem.DoesNotExist as exc:
        raise Http404 from exc
    if not permissions.can_view_item(user, item):
        raise Http404
    return item


@mfa_required
def dashboard(request):
    _require_moderator(request.user)
    groups = selectors.group_choices(request.user)
    form = QueueFilterForm(request.GET or None, group_choices=groups)
    filters = form.cleaned_data if form.is_valid() else {}
    items = list(
        selectors.queue(request.user, **{k: v for k, v in filters.items() if v not in ("", None)})[
            :200
        ]
    )
    names = dict(groups)
    for item in items:
        item.group_name = names.get(item.group_id, f"#{item.group_id}")
    counts = selectors.counts_by_priority(request.user)
    context = {
        "form": form,
        "items": items,
        "counts": [(label, counts.get(p, 0)) for p, label in sorted(PRIORITY_LABELS.items())],
    }
    return render(request, "moderation/dashboard.html", context)


def _context_of(target) -> str:
    provider = getattr(target, "moderation_context", None)
    return provider() if callable(provider) else ""


@mfa_required
def item_view(request, item_id: int, *, form=None, action: str = "", status: int = 200):
    _require_moderator(request.user)
    item = _visible_item(request.user, item_id)
    target = as_moderatable(item.target) if item.target is not None else None
    content_actions = target is not None and getattr(target, "content_actions", True)
    available = [
        (name, label)
        for name, label in ACTION_LABELS.items()
        if (content_actions or name not in CONTENT_ACTIONS)
        and (item.group_id is not None or name != "mute")
    ]
    context = {
        "item": item,
        "target": target,
        "content_context": _context_of(target) if target is not None else "",
        "history": selectors.author_history(item),
        "can_handle": permissions.can_handle(request.user, item),
        "claimed_by_me": item.claimed_by_id == request.user.pk and services.claim_is_live(item),
        "actions": available,
        "action_form": form or ActionForm(initial={"version": item.version}),
        "failed_action": action,
        "note_form": NoteForm(),
        "claim_form": ClaimForm(initial={"version": item.version}),
    }
    return render(request, "moderation/item.html", context, status=status)


@mfa_required
@require_POST
def claim(request, item_id: int, release: bool = False):
    _require_moderator(request.user)
    item = _visible_item(request.user, item_id)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return redirect(item)
    service = services.release if release else services.claim
    try:
        service(item_id=item.pk, user=request.user, version=form.cleaned_data["version"])
    except services.ModerationError as exc:
        messages.error(request, str(exc))
    return redirect(item)


@mfa_required
@require_POST
def act(request, item_id: int, action: str):
    _require_moderator(request.user)
    if action not in actions.ACTIONS:
        raise Http404
    item = _visible_item(request.user, item_id)
    form = ActionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        kwargs = {"reason": data["reason"], "version": data["version"]}
        if action == "silence":
            kwargs["until"] = data["until"]
            if data["until"] is None:
                form.add_error("until", _("Choose until when."))
        if action == "edit":
            kwargs["text"] = data["text"]
    if form.is_valid():
        try:
            actions.ACTIONS[action](item_id=item.pk, user=request.user, **kwargs)
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.ModerationError as exc:
            messages.error(request, str(exc))
            return item_view(request, item_id, status=409)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
            return redirect(item)
    return item_view(request, item_id, form=form, action=action, status=400)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@mfa_required
@require_POST
def add_note(request, item_id: int):
    _require_moderator(request.user)
    item = _visible_item(request.user, item_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(item=item, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Write a note first."))
    return redirect(item)


@login_required
def report(request, label: str, object_id: int):
    """Any signed-in member reports something they can see (404 for what they cannot)."""
    entry = reportable_for(label)
    if entry is None:
        raise Http404
    model = apps.get_model(label)
    target = get_object_or_404(model, pk=object_id)
    if not entry.can_report(request.user, target):
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_review(target=target, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Thank you. A facilitator will look at this soon."))
            show_crisis = form.cleaned_data["reason"] == "at_risk"
            if not show_crisis:
                return redirect("home")
            crisis_lines = selectors.crisis_lines_for(request.user)
            return render(request, "moderation/reported.html", {"crisis_lines": crisis_lines})
    excerpt = as_moderatable(target).excerpt()
    return render(request, "moderation/report.html", {"form": form, "excerpt": excerpt})


def support(request):
    """The crisis lines for the viewer, linked from the caring notification."""
    lines = selectors.crisis_lines_for(request.user)
    return render(request, "moderation/support.html", {"crisis_lines": lines})


@login_required
def appeal(request, action_id: int):
    action = selectors.action_for_appeal(action_id=action_id, user=request.user)
    if action is None or action.action not in services.APPEALABLE:
        raise Http404
    already = hasattr(action, "appeal")
    form = AppealForm(request.POST or None)
    if request.method == "POST" and not already and form.is_valid():
        try:
            services.appeal(action=action, user=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your appeal is with the facilitators."))
            return redirect("notifications")
    context = {"action": action, "form": form, "already": already}
    return render(request, "moderation/appeal.html", context)


@login_required
def write(request, action_id: int):
    """A member writes to the facilitators about a decision on them (silenced members too)."""
    action = selectors.action_for_appeal(action_id=action_id, user=request.user)
    if action is None:
        raise Http404
    form = MemberMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_to_facilitators(
                action=action, user=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your message is with the facilitators."))
            return redirect("moderation:appeal", action_id=action.pk)
    return render(request, "moderation/write.html", {"action": action, "form": form})
