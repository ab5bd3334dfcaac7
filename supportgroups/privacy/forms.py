from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from supportgroups.forms import SignupForm
from supportgroups.models import Consent, Notification, PrivacySettings, User

from . import services
from .deletion import is_placeholder


def _age_label():
    return _("I am %(age)d or older") % {"age": settings.MINIMUM_AGE}


def _consent_help():
    return format_html(
        "{} <a href='{}'>{}</a>",
        _(
            "Posts, chat and your profile may include health information about you or your "
            "family. We use it only to run the groups. Public boards are not shown to search "
            "engines. You can download or delete everything at any time."
        ),
        reverse_lazy("privacy"),
        _("Read the privacy notice (version %(version)s).")
        % {"version": settings.PRIVACY_NOTICE_VERSION},
    )


class PrivacySignupForm(SignupForm):
    """The sign-up form with the minimum age and the explicit health-data consent.

    A confirmation checkbox rather than a date of birth: the site has no need to store one.
    """

    confirm_age = forms.BooleanField(
        label=lazy(_age_label, str)(),
        error_messages={"required": _("You must be at least the minimum age to join.")},
    )
    consent_health = forms.BooleanField(
        label=_("I agree that the site processes the health information I choose to share"),
        help_text=lazy(_consent_help, str)(),
        error_messages={"required": _("We can't run your account without this agreement.")},
    )

    def signup(self, request, user):
        super().signup(request, user)
        services.record_consents(
            user=user, kinds=[Consent.Kind.MINIMUM_AGE, Consent.Kind.HEALTH_DATA]
        )


class PrivacySettingsForm(forms.ModelForm):
    class Meta:
        model = PrivacySettings
        fields = ["profile_visibility", "about", "cancer_types"]
        widgets = {
            "profile_visibility": forms.RadioSelect,
            "about": forms.Textarea(attrs={"rows": 4}),
        }


class EmailPreferencesForm(forms.Form):
    """One checkbox per notification kind: email me about it, or only show it in the list."""

    def __init__(self, *args, preferences: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            self.fields[kind] = forms.BooleanField(
                label=label, required=False, initial=preferences.get(kind, True)
            )


class DeleteAccountForm(forms.Form):
    remove_content = forms.BooleanField(
        label=_("Also remove my posts and chat messages"),
        required=False,
        help_text=_(
            "If you leave this unticked, what you wrote stays in the conversations it belongs "
            "to, shown as written by “Former member”."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I understand that deleting my account cannot be undone"),
        error_messages={"required": _("Please tick this box to confirm.")},
    )


class BlockForm(forms.Form):
    display_name = forms.CharField(label=_("Display name of the person to block"), max_length=40)

    def __init__(self, *args, blocker: User, **kwargs):
        self.blocker = blocker
        super().__init__(*args, **kwargs)

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        other = User.objects.filter(display_name__iexact=name).first()
        if other is None or is_placeholder(other):
            raise forms.ValidationError(_("We couldn't find a member with that display name."))
        if other.pk == self.blocker.pk:
            raise forms.ValidationError(_("You can't block yourself."))
        self.blocked = other
        return name
