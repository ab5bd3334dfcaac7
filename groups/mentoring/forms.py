"""Forms for mentoring. They check shape only (choices, lengths); who may do what is the
services' to say."""

import uuid
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from groups.models import Language

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from .models import Avoid, MatchCheckIn, MentorApplication, MentorRequest, Treatment
from .services import APPLICATION_FIELDS, REQUEST_FIELDS


def _with_languages(fields: tuple[str, ...]) -> list[str]:
    """The services' fields in order, with the languages asked right after the age."""
    after = fields.index("age_range") + 1
    return [*fields[:after], "languages", *fields[after:]]


def _choices_field(
    label: "StrOrPromise", choices: Any, help_text: "StrOrPromise" = ""
) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def _languages_field(label: "StrOrPromise") -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label, queryset=Language.objects.all(), widget=forms.CheckboxSelectMultiple
    )


class ApplicationForm(forms.ModelForm):
    treatments = _choices_field(_("Treatments"), Treatment.choices)
    languages = _languages_field(_("Languages I can mentor in"))

    class Meta:
        model = MentorApplication
        fields = _with_languages(APPLICATION_FIELDS)
        widgets = {
            "comfortable_topics": forms.Textarea(attrs={"rows": 3}),
            "uncomfortable_topics": forms.Textarea(attrs={"rows": 3}),
        }


class RequestForm(forms.ModelForm):
    treatments = _choices_field(_("Treatments"), Treatment.choices)
    languages = _languages_field(_("Languages I speak"))
    avoid = _choices_field(
        _("I would rather not be matched with"),
        Avoid.choices,
        help_text=_("Optional. A mentor who matches any of these is never suggested to you."),
    )

    class Meta:
        model = MentorRequest
        fields = _with_languages(REQUEST_FIELDS)
        widgets = {"topics": forms.Textarea(attrs={"rows": 4})}


class ChecklistForm(forms.Form):
    interview = forms.BooleanField(label=_("Interview done"), required=False)
    training = forms.BooleanField(label=_("Training done"), required=False)
    agreement = forms.BooleanField(label=_("Agreement signed"), required=False)


class MentorStateForm(forms.Form):
    state = forms.ChoiceField(
        choices=[
            (MentorApplication.State.APPROVED, _("Approve")),
            (MentorApplication.State.PAUSED, _("Pause")),
            (MentorApplication.State.RETIRED, _("Retire")),
        ]
    )


class ProposeForm(forms.Form):
    mentor = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class RespondForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class IntroductionForm(forms.Form):
    client_msg_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    body = forms.CharField(
        label=_("First message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=settings.CONVERSATIONS_MAX_MESSAGE_LENGTH,
        help_text=_("Both of them read it first. Edit it as you like."),
    )

    def client_id(self) -> uuid.UUID:
        try:
            return uuid.UUID(self.cleaned_data.get("client_msg_id", ""))
        except ValueError:
            return uuid.uuid4()


class HelpForm(forms.Form):
    note = forms.CharField(
        label=_("What would help?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Only the coordinator reads this. Your mentee is not told."),
    )


class CheckInAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("How is it going?"),
        choices=MatchCheckIn.Answer.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything you would like the coordinator to know (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Only the coordinator reads your answer. The other person is not told."),
    )
