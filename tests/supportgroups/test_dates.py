"""Dates formatted the cheap way read exactly as Django's own formatting would show them."""

import zoneinfo
from datetime import UTC, datetime, timedelta

from django.template import Context, Template
from django.utils import timezone, translation

from supportgroups.dates import DateTimeLabels

TEMPLATE = Template("{{ value }}|{{ value|date:'c' }}")


def _django(value: datetime) -> str:
    return TEMPLATE.render(Context({"value": value}))


def test_the_site_format_matches_django_in_every_month_and_zone(settings):
    moments = [datetime(2026, 1, 1, 0, 5, tzinfo=UTC) + timedelta(days=31 * i, hours=7 * i)
               for i in range(14)]  # fmt: skip
    for zone in ("UTC", "Europe/London", "America/New_York", "Asia/Kolkata"):
        with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override("en"):
            labels = DateTimeLabels()
            for moment in moments:
                assert f"{labels.text(moment)}|{labels.iso(moment)}" == _django(moment)


def test_formats_it_cannot_shortcut_fall_back_to_django(settings):
    """With translation off, settings.DATETIME_FORMAT is the format (supportgroups/settings.py)."""
    settings.DATETIME_FORMAT = r"D, jS F Y \a\t P"  # day names, suffixes, escapes, a.m./p.m.
    moment = datetime(2026, 3, 2, 15, 4, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("Europe/Paris")), translation.override(None):
        labels = DateTimeLabels()
        assert f"{labels.text(moment)}|{labels.iso(moment)}" == _django(moment)
        assert labels.text(moment) == "Mon, 2nd March 2026 at 4:04 p.m."
