from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from supportgroups.models import User

from .models import FollowUp, Reason, ReviewItem, SafetyPlan
from .selectors import AGES


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything the facilitators should know (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QueueFilterForm(forms.Form):
    """A plain GET form: every filter is optional and bad values are simply ignored."""

    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)
    reason = forms.ChoiceField(
        label=_("Reason"), required=False, choices=[("", _("Any"))] + Reason.choices
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Not resolved"))] + ReviewItem.State.choices,
    )
    age = forms.ChoiceField(
        label=_("Waiting longer than"),
        required=False,
        choices=[("", _("Any time"))] + [(k, k) for k in AGES],
    )

    def __init__(self, *args, group_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        group = cast(forms.ChoiceField, self.fields["group"])
        group.choices = [("", _("All my groups")), *group_choices]


class ActionForm(forms.Form):
    """Every action needs a reason; `needs` names the other fields an action asks for (its row
    in the action table), which are then required."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (kept in the audit log; the author sees it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    until = forms.DateTimeField(
        label=_("Silenced until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": _("Choose until when.")},
    )
    text = forms.CharField(
        label=_("Edited text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("The edited text cannot be empty.")},
    )

    def __init__(self, *args: Any, needs: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in needs:
            self.fields[name].required = True


class ClaimForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note for the other facilitators"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AppealForm(forms.Form):
    body = forms.CharField(
        label=_("Why should the facilitators look again?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MemberMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message to the facilitators"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# What a form opened before the member had a plan says it saw (aftercare.PlanChanged).
NO_PLAN_YET = "none"


class SafetyPlanSectionsForm(forms.ModelForm):
    """The plan's Stanley-Brown sections, every one optional: what the facilitator the member
    invited to write it with them edits."""

    # The version the writer started from: a save over a newer change by the other person is
    # refused, with the words kept (aftercare.PlanChanged).
    seen = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen"].initial = self.instance.updated_at.isoformat()
        else:
            self.fields["seen"].initial = NO_PLAN_YET

    def take_present_version(self, plan: SafetyPlan) -> None:
        """After a refused save: keep what they typed, and carry the plan's present version,
        so that saving again (having compared) is accepted."""
        data = cast(QueryDict, self.data).copy()
        data["seen"] = plan.updated_at.isoformat()
        self.data = data

    class Meta:
        model = SafetyPlan
        fields: list[str] = list(SafetyPlan.SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in SafetyPlan.SECTIONS}
        help_texts = {
            "warning_signs": _(
                "Thoughts, moods or situations that tell me a crisis may be coming."
            ),
        }


class SafetyPlanForm(SafetyPlanSectionsForm):
    """The member's own plan, and whom they share it with."""

    class Meta(SafetyPlanSectionsForm.Meta):
        fields = [*SafetyPlan.SECTIONS, "shared_with"]
        help_texts = {
            **SafetyPlanSectionsForm.Meta.help_texts,
            "shared_with": _(
                "Only you can read your plan unless you choose one facilitator of your groups here."
            ),
        }

    def __init__(self, *args: Any, facilitators: Iterable[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["shared_with"])
        field.queryset = User.objects.filter(pk__in=[u.pk for u in facilitators])
        field.empty_label = _("Nobody: only me")


class FollowUpForm(forms.Form):
    contact_method = forms.ChoiceField(
        label=_("How contact was made"), choices=FollowUp.Method.choices
    )
    outcome = forms.CharField(
        label=_("Outcome (kept in the audit log)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DebriefForm(forms.Form):
    body = forms.CharField(
        label=_("Your debrief note (only you will read it)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ShiftForm(forms.Form):
    """A supervisor hands a rota shift to someone else."""

    user = forms.ModelChoiceField(label=_("Who covers it"), queryset=User.objects.none())

    def __init__(self, *args: Any, people: Iterable[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["user"])
        field.queryset = User.objects.filter(pk__in=[u.pk for u in people]).order_by("display_name")
