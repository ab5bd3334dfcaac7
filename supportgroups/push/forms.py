import base64
import binascii
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from supportgroups.models import PushSettings


def _decoded(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise forms.ValidationError(_("This device's keys are not valid.")) from error


class SubscriptionForm(forms.Form):
    """What the page's script hands over after the browser subscribed (PushSubscription.toJSON)."""

    endpoint = forms.URLField(max_length=2000, assume_scheme="https")
    p256dh = forms.CharField(max_length=200)
    auth = forms.CharField(max_length=100)

    def clean_endpoint(self) -> str:
        endpoint: str = self.cleaned_data["endpoint"]
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        # Only the browsers' push services: the worker posts to this address, so a made-up one
        # must never point it at anything else.
        known = any(
            host == service or host.endswith("." + service)
            for service in settings.PUSH_SERVICE_HOSTS
        )
        if parts.scheme != "https" or not known:
            raise forms.ValidationError(_("This browser's push service is not one we know."))
        return endpoint

    def clean_p256dh(self) -> str:
        value: str = self.cleaned_data["p256dh"]
        raw = _decoded(value)
        if len(raw) != 65 or raw[0] != 4:
            raise forms.ValidationError(_("This device's keys are not valid."))
        return value

    def clean_auth(self) -> str:
        value: str = self.cleaned_data["auth"]
        if len(_decoded(value)) != 16:
            raise forms.ValidationError(_("This device's keys are not valid."))
        return value


class EndpointForm(forms.Form):
    endpoint = forms.CharField(max_length=2000)


class DeviceForm(forms.Form):
    device = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class ChoicesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Notify me of"),
        choices=PushSettings.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    quiet_from = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_until = forms.TimeField(
        label=_("until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_(
            "In your own time zone. News waits until then; one notification tells you it came."
        ),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if (data.get("quiet_from") is None) != (data.get("quiet_until") is None):
            self.add_error("quiet_until", _("Give both ends of the quiet hours, or neither."))
        return data
