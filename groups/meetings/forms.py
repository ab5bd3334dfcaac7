"""Forms for facilitators and members. Errors name the field and keep what was typed."""

import datetime as dt
import zoneinfo
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from supportgroups.forms import TIME_ZONE_CHOICES

from .models import MeetingSeries, ReminderPreference, validate_web_link
from .services import EDITABLE

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def minutes_between(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


class TimeRangeMixin(forms.BaseForm):
    """A start and an end time on the same day; the end must come after the start."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and minutes_between(start, end) <= 0:
            self.add_error("end_time", _("The meeting must end after it starts."))
        return cleaned


class SeriesForm(TimeRangeMixin, forms.ModelForm):
    end_time = forms.TimeField(label=_("Ends at (local time)"), widget=TIME_INPUT)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=TIME_ZONE_CHOICES,
        error_messages={"invalid_choice": _("“%(value)s” is not a time zone we know.")},
    )
    join_url = forms.CharField(
        label=_("Online join link"),
        required=False,
        max_length=500,
        validators=[validate_web_link],
        help_text=_("Shown only to the group's active members."),
    )

    class Meta:
        model = MeetingSeries
        # The service's fields, asking for an end time where the service takes a duration.
        fields = ["end_time" if name == "duration_minutes" else name for name in EDITABLE]
        widgets = {"starts_on": DATE_INPUT, "ended_on": DATE_INPUT, "start_time": TIME_INPUT}
        help_texts = {
            "ended_on": _("Optional: the last date this meeting repeats."),
            "capacity": _("Optional: leave empty for no limit. Extra people join a waitlist."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            start = dt.datetime.combine(dt.date.min, self.instance.start_time)
            end = start + dt.timedelta(minutes=self.instance.duration_minutes)
            self.initial.setdefault("end_time", end.time())
        for name in ("starts_on", "ended_on"):
            cast(forms.DateField, self.fields[name]).input_formats = ["%Y-%m-%d"]

    def clean_join_url(self):
        return self.cleaned_data["join_url"].strip()

    def clean(self):
        cleaned = super().clean()
        starts_on, ended_on = cleaned.get("starts_on"), cleaned.get("ended_on")
        if starts_on and ended_on and ended_on < starts_on:
            self.add_error("ended_on", _("The last date cannot be before the first date."))
        no_link = not cleaned.get("join_url") and not self.has_error("join_url")
        if no_link and not cleaned.get("place"):
            self.add_error("place", _("Give a place, an online join link, or both."))
        return cleaned

    def service_fields(self) -> dict:
        """What services.create_series / update_series take: a duration instead of an end."""
        data = dict(self.cleaned_data)
        data["duration_minutes"] = minutes_between(data["start_time"], data.pop("end_time"))
        return data


class MoveForm(TimeRangeMixin, forms.Form):
    new_date = forms.DateField(label=_("New date"), widget=DATE_INPUT, input_formats=["%Y-%m-%d"])
    start_time = forms.TimeField(label=_("Starts at (local time)"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Ends at (local time)"), widget=TIME_INPUT)

    @staticmethod
    def initial_for(occurrence) -> dict:
        """The current date and times in the series' zone, the zone the form asks in."""
        zone = zoneinfo.ZoneInfo(occurrence.series.time_zone)
        starts, ends = occurrence.starts_at.astimezone(zone), occurrence.ends_at.astimezone(zone)
        return {"new_date": starts.date(), "start_time": starts.time(), "end_time": ends.time()}


class EndSeriesForm(forms.Form):
    last_date = forms.DateField(
        label=_("Last meeting date"), widget=DATE_INPUT, input_formats=["%Y-%m-%d"]
    )


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label=_("Who came"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["attended"]).choices = [
            (str(p.pk), p.display_name) for p in people
        ]


class ReminderPreferenceForm(forms.ModelForm):
    class Meta:
        model = ReminderPreference
        fields = ["remind_24h", "remind_1h", "by_email", "in_app"]
