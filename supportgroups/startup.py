"""Checks the processes that serve people run before they start."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key(**_signal_kwargs) -> None:
    """Production refuses to start without SECRET_KEY (DEBUG=1 gets a demo key instead)."""
    try:
        settings.SECRET_KEY  # noqa: B018 - Django raises here when the key is empty
    except ImproperlyConfigured:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for a local demo).") from None
