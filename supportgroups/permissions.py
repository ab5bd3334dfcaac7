"""Site-wide rules: who must have MFA before reaching sensitive pages."""

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


def has_required_mfa(user) -> bool:
    return user.is_authenticated and is_mfa_enabled(user)


def mfa_required(view):
    """For pages only people with MFA may open (admin, the moderation dashboard)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_required_mfa(request.user):
            return redirect("mfa_required")
        return view(request, *args, **kwargs)

    return wrapper
