"""Thin views: the facilitators' dashboard and item page (MFA required), follow-ups, debriefs,
the facilitator's own load and the supervisor's page; a member's report and appeal forms,
safety plan and request to be contacted."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportgroups.permissions import mfa_required

from . import actions, aftercare, appeals, permissions, queue, selectors, services
from .adapters import adapter_class, adapter_for
from .errors import ActionRefused, ModerationError
from .forms import (
    ActionForm,
    AppealForm,
    ClaimForm,
    DebriefForm,
    FollowUpForm,
    MemberMessageForm,
    NoteForm,
    QueueFilterForm,
    ReportForm,
    SafetyPlanForm,
    SafetyPlanSectionsForm,
    ShiftForm,
)
from .models import PRIORITY_LABELS, ReviewItem, SafetyPlan
from .registry import scope


def moderator_required(view):
    """Moderators only (403 for anyone else), and then only with MFA.

    Who may moderate is asked first: a member who can moderate nothing is refused, rather than
    sent to set up two-factor authentication for pages they could never open.
    """
    with_mfa = mfa_required(view)

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.is_moderator(request.user):
            raise PermissionDenied
        return with_mfa(request, *args, **kwargs)

    return wrapper


def _visible_item(user, item_id: int) -> ReviewItem:
    """404 for items outside the moderator's groups: their existence is not revealed."""
    try:
        item = selectors.item_detail(item_id)
    except ReviewItem.DoesNotExist as exc:
        raise Http404 from exc
    if not permissions.can_view_item(user, item):
        raise Http404
    return item


@moderator_required
def dashboard(request):
    groups = selectors.group_choices(request.user)
    form = QueueFilterForm(request.GET or None, group_choices=groups)
    filters = form.cleaned_data if form.is_valid() else {}
    items = list(
        selectors.queue(request.user, **{k: v for k, v in filters.items() if v not in ("", None)})[
            :200
        ]
    )
    names: dict[int | None, str] = dict(groups)
    counts = selectors.counts_by_priority(request.user)
    context = {
        "form": form,
        "items": items,
        # Each item with its group's name (items of public content have no group).
        "rows": [(item, names.get(item.group_id, f"#{item.group_id}")) for item in items],
        "counts": [(label, counts.get(p, 0)) for p, label in sorted(PRIORITY_LABELS.items())],
        "follow_ups": selectors.follow_ups_for(request.user),
        "follow_up_form": FollowUpForm(),
        "now": timezone.now(),
    }
    return render(request, "moderation/dashboard.html", context)


@moderator_required
def item_view(request, item_id: int, *, form=None, action: str = "", status: int = 200):
    item = _visible_item(request.user, item_id)
    target = adapter_for(item.target) if item.target is not None else None
    refused = permissions.item_refusal(request.user, item)
    context = {
        "item": item,
        "target": target,
        "content_context": target.context() if target is not None else "",
        "history": selectors.author_history(item),
        "can_handle": refused is None,
        "refused": refused,
        "claimed_by_me": item.claimed_by_id == request.user.pk and queue.claim_is_live(item),
        "actions": actions.available(request.user, item, target) if refused is None else [],
        "action_form": form or ActionForm(initial={"version": item.version}),
        "failed_action": action,
        "note_form": NoteForm(),
        "claim_form": ClaimForm(initial={"version": item.version}),
    }
    return render(request, "moderation/item.html", context, status=status)


@moderator_required
@require_POST
def claim(request, item_id: int, release: bool = False):
    item = _visible_item(request.user, item_id)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return redirect(item)
    change = queue.release if release else queue.claim
    try:
        change(item_id=item.pk, user=request.user, version=form.cleaned_data["version"])
    except ActionRefused as exc:
        return _refused(request, item_id, exc)
    except ModerationError as exc:
        messages.error(request, str(exc))
    return redirect(item)


@moderator_required
@require_POST
def act(request, item_id: int, action: str):
    taken = actions.TABLE.get(action)
    if taken is None or taken.handler is None:
        raise Http404
    item = _visible_item(request.user, item_id)
    form = ActionForm(request.POST, needs=taken.fields)
    if form.is_valid():
        data = form.cleaned_data
        extra = {name: data[name] for name in taken.fields}
        try:
            taken.handler(
                item_id=item.pk,
                user=request.user,
                version=data["version"],
                reason=data["reason"],
                **extra,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except ActionRefused as exc:
            return _refused(request, item_id, exc)
        except ModerationError as exc:
            messages.error(request, str(exc))
            return item_view(request, item_id, status=409)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": taken.label})
            if item.crisis and taken.closes_as:
                return redirect("moderation:debrief", item_id=item.pk)
            return redirect(item)
    return item_view(request, item_id, form=form, action=action, status=400)


def _refused(request, item_id: int, exc: ActionRefused):
    """Not theirs to do: the item page again, saying why, with nothing changed."""
    messages.error(request, str(exc))
    return item_view(request, item_id, status=403)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@moderator_required
@require_POST
def add_note(request, item_id: int):
    item = _visible_item(request.user, item_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        queue.add_note(item=item, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Write a note first."))
    return redirect(item)


@login_required
def report(request, label: str, object_id: int):
    """Any signed-in member reports something they can see (404 for what they cannot)."""
    adapter = adapter_class(label)
    if adapter is None:
        raise Http404
    target = get_object_or_404(adapter.model, pk=object_id)
    reported = adapter(target)
    if not reported.can_report(request.user):
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
    excerpt = reported.excerpt()
    return render(request, "moderation/report.html", {"form": form, "excerpt": excerpt})


def support(request):
    """The crisis lines for the viewer, linked from the caring notification."""
    return render(request, "moderation/support.html", selectors.crisis_context(request.user))


def _member_form(request, action_id: int, form_class, *, appeal: bool):
    """The decision and the member's bound form, or 404 for any row that is not a decision
    about them (appeal: one they may appeal). Each view counts against the per-person limit;
    past it, the typed text comes back with a 429."""
    limited: ValidationError | None
    try:
        appeals.check_appeal_page_rate(request.user)
    except appeals.TooFast as exc:
        limited = exc
    else:
        limited = None
    action = selectors.decision_for(action_id=action_id, user=request.user)
    if action is None or (appeal and not appeals.is_appealable(action.action)):
        raise Http404
    form = form_class(request.POST or None)
    if limited is not None:
        form.is_valid()  # show the typed text as it was, with the reason it was not sent
        form.add_error(None, limited)
    return action, form, limited


def _member_page(request, template: str, context: dict, limited):
    response = render(request, template, context, status=429 if limited else 200)
    if limited:
        response["Retry-After"] = str(limited.retry_after)
    return response


@login_required
def appeal(request, action_id: int):
    action, form, limited = _member_form(request, action_id, AppealForm, appeal=True)
    already = hasattr(action, "appeal")
    if request.method == "POST" and not limited and not already and form.is_valid():
        try:
            appeals.appeal(action=action, user=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your appeal is with the facilitators."))
            return redirect("notifications")
    context = {"action": action, "form": form, "already": already}
    return _member_page(request, "moderation/appeal.html", context, limited)


@login_required
def write(request, action_id: int):
    """A member writes to the facilitators about a decision on them (silenced members too)."""
    action, form, limited = _member_form(request, action_id, MemberMessageForm, appeal=False)
    appealable = appeals.is_appealable(action.action)
    if request.method == "POST" and not limited and form.is_valid():
        try:
            appeals.write_to_facilitators(
                action=action, user=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your message is with the facilitators."))
            if appealable:
                return redirect("moderation:appeal", action_id=action.pk)
            return redirect("notifications")
    context = {"action": action, "form": form, "appealable": appealable}
    return _member_page(request, "moderation/write.html", context, limited)


def _plan_facilitators(user) -> list:
    """Whom a member may share their plan with: the facilitators of the groups they belong to."""
    people: dict[int, object] = {}
    for group_id in permissions.member_group_ids(user):
        for person in scope().group_facilitators(group_id):
            if person.pk != user.pk and person.is_active:
                people[person.pk] = person
    return list(people.values())


@login_required
def safety_plan(request):
    """The member's own plan: written alone here, or with a facilitator beside them in a
    private conversation; kept private unless they name one facilitator."""
    plan = SafetyPlan.objects.filter(owner=request.user).first()
    form = SafetyPlanForm(
        request.POST or None, instance=plan, facilitators=_plan_facilitators(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            aftercare.save_safety_plan(
                owner=request.user,
                sections={name: data[name] for name in SafetyPlan.SECTIONS},
                shared_with=data["shared_with"],
                seen=data["seen"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            if isinstance(exc, aftercare.PlanChanged):
                plan = SafetyPlan.objects.get(owner=request.user)
                form.take_present_version(plan)
        else:
            messages.success(request, _("Your safety plan is saved."))
            return redirect("moderation:safety_plan")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "plan": plan,
        "shared_with_me": selectors.plans_shared_with(request.user),
        "edits": selectors.plan_edits(plan),
    }
    return render(request, "moderation/safety_plan.html", context, status=status)


@login_required
@require_POST
def stop_sharing_plan(request):
    """The member takes their plan back from the facilitator they shared it with."""
    if aftercare.stop_sharing_plan(owner=request.user) is not None:
        messages.success(request, _("Only you can read your plan now."))
    return redirect("moderation:safety_plan")


@login_required
def shared_plan(request, plan_id: int):
    """A plan its owner shared with this facilitator (404 for anyone else); the facilitator
    they invited to write it with them edits it here."""
    plan = SafetyPlan.objects.select_related("owner").filter(pk=plan_id).first()
    if plan is None or not permissions.can_read_plan(request.user, plan):
        raise Http404
    editing = plan.owner_id != request.user.pk and permissions.can_edit_plan(request.user, plan)
    if request.method == "POST" and not editing:
        raise Http404
    form = SafetyPlanSectionsForm(request.POST or None, instance=plan) if editing else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            aftercare.edit_shared_plan(
                plan_id=plan.pk,
                editor=request.user,
                sections={name: form.cleaned_data[name] for name in SafetyPlan.SECTIONS},
                seen=form.cleaned_data["seen"],
            )
        except aftercare.PlanChanged as exc:
            _add_errors(form, exc)
            plan = SafetyPlan.objects.select_related("owner").get(pk=plan.pk)
            form.take_present_version(plan)
        else:
            messages.success(request, _("The plan is saved. Its owner sees that you changed it."))
            return redirect("moderation:shared_plan", plan_id=plan.pk)
    status = 400 if request.method == "POST" else 200
    context = {"plan": plan, "form": form, "edits": selectors.plan_edits(plan)}
    return render(request, "moderation/shared_plan.html", context, status=status)


@login_required
@require_POST
def contact_me(request):
    """ "Ask the on-duty facilitator to contact me", from the caring message."""
    try:
        group_id = int(request.POST.get("group", "") or 0) or None
    except ValueError:
        group_id = None
    if group_id is not None and not 0 < group_id < 2**63:
        group_id = None
    aftercare.request_contact(member=request.user, group_id=group_id)
    return render(
        request, "moderation/contact_requested.html", selectors.crisis_context(request.user)
    )


@moderator_required
@require_POST
def record_follow_up(request, follow_up_id: int):
    follow_up = selectors.follow_up_for(request.user, follow_up_id)
    if follow_up is None:
        raise Http404
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            aftercare.record_follow_up(
                follow_up_id=follow_up.pk,
                user=request.user,
                method=form.cleaned_data["contact_method"],
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Follow-up recorded. Thank you."))
            return redirect(reverse("moderation:dashboard") + "#follow-ups")
    context = {"follow_up": follow_up, "form": form}
    return render(request, "moderation/follow_up.html", context, status=400)


@moderator_required
def debrief(request, item_id: int | None = None):
    """Offered after a crisis item closes, or after a chat session that carried a crisis ends
    (no item then): a note for the facilitator alone, or skip it."""
    item = None if item_id is None else _visible_item(request.user, item_id)
    form = DebriefForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            aftercare.write_debrief(
                author=request.user,
                item_id=None if item is None else item.pk,
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your note is kept for you alone."))
            return redirect("moderation:my_load")
    status = 400 if request.method == "POST" else 200
    return render(request, "moderation/debrief.html", {"item": item, "form": form}, status=status)


@moderator_required
def my_load(request):
    """The facilitator's own load, and their debrief notes."""
    (load,) = selectors.load_for([request.user])
    context = {
        "load": load,
        "days": selectors.LOAD_DAYS,
        "notes": selectors.own_debriefs(request.user),
    }
    return render(request, "moderation/my_load.html", context)


@moderator_required
def supervision(request):
    """Staff: each facilitator's load (numbers, never content) and the rota to rebalance."""
    if not permissions.is_supervisor(request.user):
        raise PermissionDenied
    people = selectors.carers(request.user)
    shifts = list(selectors.rota())
    moderators = selectors.rota_candidates(request.user)
    failed_shift, failed_form = None, None
    if request.method == "POST":
        form = ShiftForm(request.POST, people=moderators)
        shift_id = request.POST.get("shift", "")
        shift = next((s for s in shifts if str(s.pk) == shift_id), None)
        if shift is None:
            raise Http404
        if form.is_valid():
            try:
                aftercare.reassign_shift(
                    shift_id=shift.pk, to=form.cleaned_data["user"], by=request.user
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The rota is changed."))
                return redirect("moderation:supervision")
        failed_shift, failed_form = shift.pk, form
    rows = [
        (
            shift,
            failed_form
            if shift.pk == failed_shift
            else ShiftForm(initial={"user": shift.user_id}, people=moderators),
        )
        for shift in shifts
    ]
    context = {
        "loads": selectors.load_for(people),
        "rows": rows,
        "days": selectors.LOAD_DAYS,
        "changes": selectors.rota_changes(),
    }
    return render(
        request, "moderation/supervision.html", context, status=400 if failed_form else 200
    )
