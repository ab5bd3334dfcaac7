import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .languages import language_choices
from .models import User
from .names import TOO_CLOSE, claims_a_role, name_key
from .selectors import display_name_in_use

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class DisplayNameMixin:
    cleaned_data: dict[str, Any]
    instance_pk: int | None

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if "@" in name:
            raise forms.ValidationError(_("Please don't use an email address as a display name."))
        if not name_key(name):
            raise forms.ValidationError(_("Please use at least one letter or number."))
        if claims_a_role(name):
            raise forms.ValidationError(
                _(
                    "Please choose a name without a role word such as facilitator, moderator, "
                    "staff, nurse or doctor: the site shows real roles with a badge of its own."
                )
            )
        if display_name_in_use(name, exclude_pk=self.instance_pk):
            raise forms.ValidationError(TOO_CLOSE)
        return name


class SignupForm(DisplayNameMixin, forms.Form):
    """Extra fields on allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    instance_pk: int | None = None
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=40,
        help_text=_("Shown to others instead of your real name. Your email is never shown."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="UTC")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # static/js/site.js preselects the browser's own zone; never over a person's choice.
            self.fields["time_zone"].widget.attrs["data-detect-time-zone"] = ""

    def signup(self, request, user):
        """Required by allauth; AccountAdapter.save_user has already stored these fields."""


class ProfileForm(DisplayNameMixin, forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=40)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    about_role = forms.ChoiceField(
        label=_("About me"),
        choices=[("", _("Prefer not to say"))] + list(User.AboutRole.choices),
        required=False,
        # Privacy settings decide who else sees it (nobody, by default).
        help_text=_("Shown only to people you choose in your privacy settings; nobody by default."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("As my browser asks")), *language_choices()],
        required=False,
        help_text=_("Pages and emails are written in this language."),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.instance_pk = user.pk
        kwargs.setdefault(
            "initial",
            {
                "display_name": user.display_name,
                "time_zone": user.time_zone,
                "about_role": user.about_role,
                "language": user.language,
            },
        )
        super().__init__(*args, **kwargs)
