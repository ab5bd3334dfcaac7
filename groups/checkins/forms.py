from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PROBLEM_CHOICES, CheckInSetup

SCORES = [("", _("I'd rather not say"))] + [(str(n), str(n)) for n in range(11)]


class CheckInForm(forms.Form):
    """Every answer is optional; agreeing that the facilitators see them is not."""

    score = forms.TypedChoiceField(
        label=_("How much distress have you felt this past week, from 0 (none) to 10 (extreme)?"),
        choices=SCORES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    problems = forms.MultipleChoiceField(
        label=_("Has any of these been a problem? (optional)"),
        choices=PROBLEM_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that this group's facilitators see my answers, so that one of them can "
            "reach out if I would like support. I can stop answering at any time."
        ),
        required=False,
    )


class SetupForm(forms.ModelForm):
    class Meta:
        model = CheckInSetup
        fields = ["enabled", "cadence", "threshold"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["threshold"].help_text = _(
            "From 1 to 10. Four or more is the usual point to offer support."
        )


class TaskDoneForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
