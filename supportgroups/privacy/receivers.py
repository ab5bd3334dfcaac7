"""Signal receivers: thin calls into services, nothing else."""

from allauth.account.adapter import get_adapter
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from . import services


def _client_ip(request) -> str | None:
    # allauth's reading honours the trusted proxy settings; a bare test request has no address.
    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:
        return None


@receiver(user_logged_in, dispatch_uid="privacy_record_sign_in")
def record_sign_in(sender, request, user, **kwargs):
    if request is None:
        return
    services.record_sign_in(
        user=user, ip=_client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
    )
