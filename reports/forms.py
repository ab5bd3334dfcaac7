"""The reports' filters: a plain GET form (period, group, and for staff and leads who also
facilitate, their own groups only), the same for a page and its CSV files."""

import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from supportgroups.reporting import add_months, this_month

from .permissions import Reader, Scope
from .selectors import Period

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LAST_MONTHS = [
    (3, _("The last 3 months")),
    (6, _("The last 6 months")),
    (12, _("The last 12 months")),
]
DEFAULT_MONTHS = 12
# A period longer than this would be slow to count, and too long to read as a chart.
MOST_MONTHS = 24
EARLIEST = datetime.date(2000, 1, 1)
MONTH_FORMAT = "%Y-%m"
NOT_A_GROUP = _("Choose one of the groups listed.")
NOT_A_SAFE_PERIOD = _(
    "Where small numbers are withheld, figures cover the last 12 months or one whole past "
    "year (from January to December): other periods could be subtracted from each other to "
    "reveal them."
)


class MonthInput(forms.DateInput):
    """A month picker where the browser has one, else a text box taking "2026-04"."""

    input_type = "month"

    def __init__(self) -> None:
        super().__init__(format=MONTH_FORMAT, attrs={"class": "form-control"})


def _month_field(label: "StrOrPromise", help_text: "StrOrPromise" = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=False,
        input_formats=[MONTH_FORMAT],
        widget=MonthInput(),
        error_messages={"invalid": _("Enter a month as its year and number, like 2026-04.")},
    )


class ReportFilters(forms.Form):
    view = forms.ChoiceField(
        label=_("Groups counted"),
        required=False,
        choices=[("all", _("All groups")), ("mine", _("Groups I facilitate"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    group = forms.TypedChoiceField(
        label=_("Group"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": NOT_A_GROUP},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    last = forms.TypedChoiceField(
        label=_("Period"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=LAST_MONTHS,
        help_text=_("Counted back from the “To” month, or from this month."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = _month_field(_("From month"), _("Give one to count from that month instead."))
    end = _month_field(_("To month"))

    def __init__(
        self,
        data: Any,
        *,
        reader: Reader,
        names: dict[int, str],
        now: datetime.datetime,
    ) -> None:
        # What is not sent is the default, shown as chosen in the form.
        data = data.copy()
        data.setdefault("last", str(DEFAULT_MONTHS))
        data.setdefault("view", "all")
        super().__init__(data)
        self.reader = reader
        self.names = names
        self.now = now
        if not reader.may_narrow_to_own_groups:
            del self.fields["view"]
        group = cast(forms.TypedChoiceField, self.fields["group"])
        group.choices = [
            ("", _("All my groups") if self.own_only else _("All groups")),
            *sorted(names.items(), key=_by_name),
        ]

    @property
    def own_only(self) -> bool:
        return wants_own_groups(self.reader, self.data)

    @property
    def group_name(self) -> str:
        """The group chosen, or "" for all of them."""
        return self.names.get(self.cleaned_data["group"], "")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        latest = this_month(self.now)
        for name in ("start", "end"):
            month = data.get(name)
            if month is None:
                continue
            if month > latest:
                self.add_error(name, _("Choose this month or an earlier one."))
            elif month < EARLIEST:
                self.add_error(name, _("Choose January 2000 or a later month."))
        if self.errors:
            return data
        last = data.get("end") or latest
        first = data.get("start") or add_months(last, 1 - (data.get("last") or DEFAULT_MONTHS))
        first = max(first, EARLIEST)
        if first > last:
            self.add_error("start", _("The “From” month comes after the “To” month."))
        elif add_months(first, MOST_MONTHS) <= last:
            self.add_error("start", _("Choose at most %(count)d months.") % {"count": MOST_MONTHS})
        else:
            data["period"] = Period.between(first, last, now=self.now)
        # The group list holds only theirs; asked again so the rule stays in one place.
        data["scope"] = self.reader.scope(own_only=self.own_only, group_id=data.get("group"))
        if data["scope"] is None:
            self.add_error("group", NOT_A_GROUP)
        elif data["scope"].suppress_small_cells and not self._cannot_be_subtracted(latest):
            self.add_error("start" if data.get("start") else "last", NOT_A_SAFE_PERIOD)
        return data

    def _cannot_be_subtracted(self, latest: datetime.date) -> bool:
        """The periods that never overlap one another except the default's: two overlapping
        periods' totals, subtracted, would give a withheld month's count."""
        data = self.cleaned_data
        start, end, last = data.get("start"), data.get("end"), data.get("last")
        if start is None and end is None:
            return last in (None, DEFAULT_MONTHS)
        return (
            start is not None
            and end is not None
            and (start.month, end.month) == (1, 12)
            and start.year == end.year < latest.year
        )

    @property
    def period(self) -> Period:
        return cast(Period, self.cleaned_data["period"])

    @property
    def scope(self) -> Scope:
        return cast(Scope, self.cleaned_data["scope"])

    def query(self, *, group_id: int | None = None) -> str:
        """The filters chosen (defaults left out), for links to the CSV files and the other
        reports; with `group_id`, to one group's figures."""
        data = self.cleaned_data
        values = {
            "view": "mine" if self.own_only and self.reader.organisation else "",
            "group": group_id or data.get("group") or "",
            "last": data["last"] if data.get("last") not in (None, DEFAULT_MONTHS) else "",
            "start": _month(data.get("start")),
            "end": _month(data.get("end")),
        }
        return urlencode({key: value for key, value in values.items() if value})


def wants_own_groups(reader: Reader, data: Any) -> bool:
    """Only the groups they facilitate (a facilitator's only choice): read from what was sent
    before the form is made, as its list of groups depends on it."""
    if not reader.organisation:
        return True
    return reader.may_narrow_to_own_groups and data.get("view") == "mine"


def _by_name(item: tuple[int, str]) -> tuple[str, int]:
    return (item[1].casefold(), item[0])


def _month(value: datetime.date | None) -> str:
    return value.strftime(MONTH_FORMAT) if value else ""
