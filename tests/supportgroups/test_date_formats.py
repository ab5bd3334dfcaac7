"""One date format for the whole site, defined in supportgroups/formats/en/formats.py.

Django's English locale would otherwise win over settings and print "Nov. 25, 2026, 8:46 a.m.".
"""

import datetime as dt

from django.template import Context, Template
from django.utils import timezone, translation

WHEN = dt.datetime(2026, 11, 25, 8, 46, tzinfo=dt.UTC)


def render(source: str, **context) -> str:
    with translation.override("en"), timezone.override("UTC"):
        return Template(source).render(Context(context))


def test_a_datetime_reads_day_month_year_and_24_hour_time():
    assert render("{{ when }}", when=WHEN) == "25 Nov 2026, 08:46"
    assert render('{{ when|date:"DATETIME_FORMAT" }}', when=WHEN) == "25 Nov 2026, 08:46"


def test_dates_and_times_alone():
    assert render("{{ when|date }}", when=WHEN) == "25 Nov 2026"
    assert render("{{ day }}", day=WHEN.date()) == "25 Nov 2026"
    assert render("{{ when|time }}", when=WHEN) == "08:46"


def test_blocktranslate_values_use_it_too():
    source = "{% load i18n %}{% blocktranslate with w=when %}at {{ w }}{% endblocktranslate %}"
    assert render(source, when=WHEN) == "at 25 Nov 2026, 08:46"
