"""Site-wide rules: who must have MFA before reaching sensitive pages."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from .models import User

_P = ParamSpec("_P")
View = Callable[Concatenate[HttpRequest, _P], HttpResponseBase]


def has_required_mfa(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and bool(is_mfa_enabled(user))


def mfa_required(view: View[_P]) -> View[_P]:
    """For pages only people with MFA may open (admin, the moderation dashboard)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: _P.args, **kwargs: _P.kwargs) -> HttpResponseBase:
        if not has_required_mfa(request.user):
            return redirect("mfa_required")
        return view(request, *args, **kwargs)

    return wrapper
