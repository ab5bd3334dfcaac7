from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from supportgroups.models import User

from . import invitations, permissions, selectors
from .countries import is_country_code
from .models import SupportGroup

ANY = [("", _("Any"))]
_MAX_MEMO = 512


class MemoSelect(forms.Select):
    """A select list drawn once per process for each name, chosen value, attributes, choices
    and language, then reused: the directory shows the same five lists on every request, and
    Django renders every option through a template of its own. Only values among the choices
    are remembered, so what people type in the address cannot fill memory."""

    memo: dict[tuple, str] = {}

    def render(self, name, value, attrs=None, renderer=None):
        choices = tuple((str(key), str(label)) for key, label in self.choices)
        if str(value or "") not in {key for key, _label in choices}:
            return super().render(name, value, attrs, renderer)
        attributes = tuple(sorted(self.build_attrs(self.attrs, attrs).items()))
        key = (name, str(value or ""), attributes, choices, self.is_required, get_language())
        if key not in self.memo:
            if len(self.memo) >= _MAX_MEMO:
                self.memo.clear()
            self.memo[key] = super().render(name, value, attrs, renderer)
        return self.memo[key]


class DirectoryFilterForm(forms.Form):
    """The directory's GET form. A value we don't know is a field error and is ignored."""

    q = forms.CharField(
        label=_("Search names and summaries"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    cancer_type = forms.ChoiceField(label=_("Cancer type"), required=False, widget=MemoSelect)
    audience = forms.ChoiceField(label=_("For"), required=False, widget=MemoSelect)
    format = forms.ChoiceField(label=_("Format"), required=False, widget=MemoSelect)
    language = forms.ChoiceField(label=_("Language"), required=False, widget=MemoSelect)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=MemoSelect)
    meets_this_week = forms.BooleanField(
        label=_("Meets this week"), required=False, help_text=_("In the next seven days")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in selectors.directory_choices().items():
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = [*ANY, *choices]
            field.widget.attrs["class"] = "form-select"
        self.fields["meets_this_week"].widget.attrs.update(
            {"class": "form-check-input", "aria-describedby": "id_meets_this_week_help"}
        )

    def filters(self) -> selectors.DirectoryFilters:
        """The valid part of what was asked for; invalid fields count as "any"."""
        if not self.is_bound:
            return selectors.DirectoryFilters()
        self.is_valid()
        data = self.cleaned_data
        return selectors.DirectoryFilters(
            q=data.get("q", "").strip(),
            cancer_type=data.get("cancer_type", ""),
            audience=data.get("audience", ""),
            format=data.get("format", ""),
            language=data.get("language", ""),
            country=data.get("country", ""),
            meets_this_week=bool(data.get("meets_this_week")),
        )


class JoinForm(forms.Form):
    """A note to the facilitators, plus an answer to each of the group's screening questions."""

    note = forms.CharField(
        label=_("A note to the facilitators (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the group's facilitators read this."),
    )

    def __init__(self, *args, group: SupportGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = group.screening_question_list
        for index, question in enumerate(self.questions):
            self.fields[f"answer_{index}"] = forms.CharField(
                label=question, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def answers(self) -> dict[str, str]:
        return {q: self.cleaned_data[f"answer_{i}"] for i, q in enumerate(self.questions)}


class DecisionForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the person (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GroupForm(forms.ModelForm):
    """What a facilitator may change. Listing, archiving and the slug stay with site staff."""

    class Meta:
        model = SupportGroup
        fields = [
            "name",
            "summary",
            "description",
            "welcome_message",
            "check_in_template",
            "cancer_types",
            "audiences",
            "languages",
            "language",
            "format",
            "city",
            "country",
            "time_zone",
            "join_policy",
            "capacity",
            "premoderated_posts",
            "kind",
            "cohort_starts_on",
            "cohort_ends_on",
            "screening_questions",
            "alumni_group",
            "next_cohort",
        ]
        widgets = {
            "cancer_types": forms.CheckboxSelectMultiple,
            "audiences": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "cohort_starts_on": forms.DateInput(attrs={"type": "date"}),
            "cohort_ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "welcome_message": forms.Textarea(attrs={"rows": 6}),
            "check_in_template": forms.Textarea(attrs={"rows": 4}),
            "screening_questions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Handing members on adds them to the alumni group directly, so it must be one this
        # person runs too (staff may choose any).
        alumni = SupportGroup.objects.filter(is_archived=False).exclude(pk=self.instance.pk)
        if not user.is_staff:
            alumni = alumni.filter(pk__in=permissions.facilitated_group_ids(user))
        cast(forms.ModelChoiceField, self.fields["alumni_group"]).queryset = alumni
        # Opening the next cohort offers its places, so it too must be one this person runs.
        cast(forms.ModelChoiceField, self.fields["next_cohort"]).queryset = alumni.filter(
            kind=SupportGroup.Kind.COHORT
        )
        self.fields["language"].required = False  # left out, the group keeps its own

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or self.instance.language

    def clean_country(self) -> str:
        code = self.cleaned_data["country"].strip().upper()
        if code and not is_country_code(code):
            raise forms.ValidationError(_("Enter a two-letter country code such as GB or ES."))
        return code

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == SupportGroup.Kind.COHORT and not data.get("cohort_starts_on"):
            self.add_error("cohort_starts_on", _("A cohort needs a start date."))
        return data


class InvitationForm(forms.Form):
    """Invite one member by display name, or (name left empty) make a single-use link."""

    invitee = None

    display_name = forms.CharField(
        label=_("Member's display name (optional)"),
        required=False,
        max_length=40,
        help_text=_("Leave empty to make a link you can send to someone yourself."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=invitations.MAX_DAYS,
        initial=invitations.DEFAULT_DAYS,
    )

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if name:
            self.invitee = User.objects.filter(display_name__iexact=name, is_active=True).first()
            if self.invitee is None:
                raise forms.ValidationError(_("No member has that display name."))
        return name


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown works. Members get it in-app and by email, as each has chosen."),
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at (optional: now if empty)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    expires_at = forms.DateTimeField(
        label=_("Pinned until (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class GroupEmailForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("Message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Sent by email to every member, except those who switched announcement emails off."
        ),
    )


class CohortOfferForm(forms.Form):
    share_answers = forms.BooleanField(
        label=_("Share my answers to the screening questions with the new cohort's facilitators"),
        required=False,
    )


class QuietNoteForm(forms.Form):
    body = forms.CharField(max_length=2000)
