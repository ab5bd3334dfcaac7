"""Forms for the conversation pages. They check shape only (lengths, choices, a client id);
what may be written where is the services' (and groups.policy's) to say."""

import uuid
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import MAX_PEOPLE, ContactSetting


class _MessageFields(forms.Form):
    # A fresh id on every page: a form sent twice (a double click, a reload) is stored once.
    client_msg_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=settings.CONVERSATIONS_MAX_MESSAGE_LENGTH,
        strip=False,
    )

    def client_id(self) -> uuid.UUID:
        """The page's id, or a new one when it is missing or garbled (never a refusal)."""
        try:
            return uuid.UUID(self.cleaned_data.get("client_msg_id", ""))
        except ValueError:
            return uuid.uuid4()


class MessageForm(_MessageFields):
    pass


class AskForm(_MessageFields):
    subject = forms.CharField(
        label=_("Subject (optional)"),
        required=False,
        max_length=120,
        help_text=_("A few words the facilitators see in their list."),
    )
    field_order = ["subject", "body", "client_msg_id"]


class CheckInForm(AskForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"subject": _("Checking in")})
        super().__init__(*args, **kwargs)
        self.fields["subject"].help_text = _("A few words the member sees in their list.")


class StartForm(AskForm):
    people = forms.TypedMultipleChoiceField(
        label=_("Who to write to"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Up to %(count)d people, you included.") % {"count": MAX_PEOPLE},
    )
    field_order = ["people", "subject", "body", "client_msg_id"]

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["people"]).choices = choices
        self.fields["subject"].help_text = ""


class ContactSettingForm(forms.ModelForm):
    class Meta:
        model = ContactSetting
        fields = ["who_may_start"]
        widgets = {"who_may_start": forms.RadioSelect}


class AssignForm(forms.Form):
    to = forms.TypedChoiceField(label=_("Who answers it"), coerce=int, empty_value=None)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to"]).choices = [("", _("Nobody in particular"))] + [
            (person.pk, person.display_name) for person in team
        ]
        self.fields["to"].required = False


class PlanTogetherForm(forms.Form):
    """The member names one of the group's facilitators to write their safety plan with them."""

    with_whom = forms.TypedChoiceField(
        label=_("Write my safety plan together with"), coerce=int, empty_value=None
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(person.pk, person.display_name) for person in team]
        cast(forms.ChoiceField, self.fields["with_whom"]).choices = choices
