from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import Audience, CancerType, Language

from .models import Country, Resource, Topic
from .selectors import LibraryFilters
from .services import RESERVED_SLUGS, unique_slug


class LibraryFilterForm(forms.Form):
    """The library's GET form. Unknown values are reported on their field and ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *Resource.Kind.choices]
    )
    cancer_type = forms.ModelChoiceField(
        CancerType.objects.all(),
        label=_("Cancer type"),
        required=False,
        to_field_name="slug",
        empty_label=_("Any cancer type"),
    )
    topic = forms.ModelChoiceField(
        Topic.objects.all(),
        label=_("Topic"),
        required=False,
        to_field_name="slug",
        empty_label=_("Any topic"),
    )
    audience = forms.ModelChoiceField(
        Audience.objects.all(),
        label=_("For"),
        required=False,
        to_field_name="slug",
        empty_label=_("Anyone"),
    )
    language = forms.ModelChoiceField(
        Language.objects.all(),
        label=_("Language"),
        required=False,
        to_field_name="code",
        empty_label=_("Any language"),
    )
    country = forms.ModelChoiceField(
        Country.objects.all(),
        label=_("Available in"),
        required=False,
        to_field_name="code",
        empty_label=_("Any country"),
    )

    def filters(self) -> LibraryFilters:
        self.is_valid()
        data = self.cleaned_data
        return LibraryFilters(
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            cancer_type=data.get("cancer_type"),
            topic=data.get("topic"),
            audience=data.get("audience"),
            language=data.get("language"),
            country=data.get("country"),
        )


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("Name of the resource"), max_length=200)
    url = forms.URLField(
        label=_("Web address"), max_length=500, assume_scheme="https", help_text="https://…"
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Choose a type")), *Resource.Kind.choices]
    )
    summary = forms.CharField(
        label=_("What it offers"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences for other members."),
    )
    cancer_types = forms.ModelMultipleChoiceField(
        CancerType.objects.all(),
        label=_("Cancer types it is about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty if it is for everyone."),
    )
    note = forms.CharField(
        label=_("Why it helped you (optional, only curators see this)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


M2M_FIELDS = ("cancer_types", "topics", "audiences", "languages", "countries")


class ResourceForm(forms.ModelForm):
    """What curators edit. Publishing is a separate, explicit step (see views.edit)."""

    url = forms.URLField(
        label=_("Web address"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Resource
        fields = [
            "title",
            "slug",
            "kind",
            "summary",
            "url",
            "body",
            "cancer_types",
            "topics",
            "audiences",
            "languages",
            "language",
            "countries",
            "curator_note",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 10}),
            "curator_note": forms.Textarea(attrs={"rows": 2}),
            **dict.fromkeys(M2M_FIELDS, forms.CheckboxSelectMultiple),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Left empty, it is made from the title.")
        self.fields["language"].required = False  # left out, the resource keeps its own

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or self.instance.language

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is used by the library itself."))
        return slug or unique_slug(self.cleaned_data.get("title", ""), exclude_pk=self.instance.pk)

    def m2m(self) -> dict:
        return {name: self.cleaned_data[name] for name in M2M_FIELDS}


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is declined (sent to the member who suggested it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
