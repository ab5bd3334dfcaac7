import json

from allauth.account.decorators import reauthentication_required
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from supportgroups.models import Notification, User

from . import deletion, export, permissions, selectors, services
from .emails import read_unsubscribe_token
from .forms import BlockForm, DeleteAccountForm, EmailPreferencesForm, PrivacySettingsForm


def robots_txt(request):
    """Crawlers stay out unless the site allows indexing; private areas always stay out."""
    if settings.SEARCH_INDEXING_ALLOWED:
        lines = ["User-agent: *"] + [f"Disallow: {p}" for p in settings.ROBOTS_DISALLOW]
    else:
        lines = ["User-agent: *", "Disallow: /"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@login_required
def privacy_settings(request):
    instance = selectors.privacy_settings_for(user=request.user)
    form = PrivacySettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.update_privacy_settings(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your privacy settings are saved."))
        return redirect("privacy:settings")
    return render(request, "privacy/settings.html", {"form": form})


@login_required
def data_export(request):
    if request.method == "POST":
        export.request_export(user=request.user)
        messages.success(
            request, _("We're preparing your data and will email you a link when it's ready.")
        )
        return redirect("privacy:export")
    context = {"exports": selectors.recent_exports(user=request.user), "hours": export.link_hours()}
    return render(request, "privacy/export.html", context)


@login_required
def export_download(request, token: str, fmt: str):
    """Needs both the emailed link (unexpired) and the same person signed in."""
    found = export.export_for_token(
        token=token, user=request.user, max_age=settings.DATA_EXPORT_LINK_MAX_AGE
    )
    if found is None:
        return render(request, "privacy/export_link_invalid.html", status=404)
    if fmt == "json":
        response = HttpResponse(
            json.dumps(found.data, cls=DjangoJSONEncoder, indent=2),
            content_type="application/json",
        )
    else:
        response = render(request, "privacy/export_document.html", {"data": found.data})
    response["Content-Disposition"] = f'attachment; filename="my-data.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@reauthentication_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        deletion.delete_account(
            user=request.user, remove_content=form.cleaned_data["remove_content"]
        )
        logout(request)
        messages.success(request, _("Your account and personal data have been deleted."))
        return redirect("home")
    return render(request, "privacy/delete.html", {"form": form})


@login_required
def blocks(request):
    form = BlockForm(request.POST or None, blocker=request.user)
    if request.method == "POST" and form.is_valid():
        services.block(blocker=request.user, blocked=form.blocked)
        messages.success(request, _("You have blocked %(name)s.") % {"name": form.blocked})
        return redirect("privacy:blocks")
    items = selectors.blocks_made(user=request.user)
    return render(request, "privacy/blocks.html", {"form": form, "blocks": items})


@login_required
@require_POST
def block_member(request, pk: int):
    other = get_object_or_404(User, pk=pk, is_active=True)
    try:
        services.block(blocker=request.user, blocked=other)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("You have blocked %(name)s.") % {"name": other})
    return redirect("privacy:blocks")


@login_required
@require_POST
def unblock_member(request, pk: int):
    services.unblock(blocker=request.user, blocked_id=pk)
    messages.success(request, _("Unblocked."))
    return redirect("privacy:blocks")


@login_required
def security(request):
    context = {
        "sessions": UserSession.objects.purge_and_list(request.user),
        "current_session_key": request.session.session_key,
        "sign_ins": selectors.recent_sign_ins(user=request.user),
        "mfa_enabled": is_mfa_enabled(request.user),
    }
    return render(request, "privacy/security.html", context)


@login_required
@require_POST
def sign_out_everywhere(request):
    services.end_all_sessions(user=request.user)
    logout(request)
    messages.success(request, _("You are signed out on every device, including this one."))
    return redirect("account_login")


@login_required
def email_preferences(request):
    current = selectors.email_preferences(user=request.user)
    form = EmailPreferencesForm(request.POST or None, preferences=current)
    if request.method == "POST" and form.is_valid():
        services.set_email_preferences(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your email choices are saved."))
        return redirect("privacy:email_preferences")
    return render(request, "privacy/email_preferences.html", {"form": form})


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a CSRF token; the token decides.
def unsubscribe(request, token: str):
    found = read_unsubscribe_token(token)
    if found is None:
        raise Http404
    user_id, kind = found
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404
    kind_label = Notification.Kind(kind).label
    done = request.method == "POST"
    if done:
        services.set_email_preference(user=user, kind=kind, email=False)
    return render(request, "privacy/unsubscribe.html", {"kind_label": kind_label, "done": done})


@login_required
def member_profile(request, pk: int):
    member = selectors.member_for_profile(pk=pk)
    if member is None:
        raise Http404
    context = {
        "member": member,
        "memorial": getattr(member, "memorial", None),
        "show_details": permissions.can_view_profile(request.user, member),
        "details": selectors.privacy_settings_for(user=member),
        "is_blocked": member.pk in selectors.blocked_user_ids(request.user),
    }
    return render(request, "privacy/member_profile.html", context)
