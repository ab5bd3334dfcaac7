"""The reports' filters: a period and one group, on every report and its CSV files; a group
that is not the person's, or a month that makes no sense, gets a message and nothing else; and
staff or leads who facilitate can see their own groups as their facilitators do."""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from groups.meetings.models import RSVP
from reports.permissions import Scope
from reports.selectors import REPORTS, Period
from tests.factories import (
    FacilitatorMembershipFactory,
    OccurrenceFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
    with_mfa,
)

from .builders import at, membership_event, organisation_lead
from .test_pages import busy_group, chart_figures

pytestmark = pytest.mark.django_db

NOW = at("2026-04-15T12:00:00")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def group_meeting(name: str, *, going: int, when: str = "2026-02-10T18:00:00"):
    """A group with one meeting held, `going` people at it, and `going` new members in
    January."""
    group = SupportGroupFactory(name=name)
    meeting = OccurrenceFactory(series__group=group, starts_at=at(when))
    for _ in range(going):
        RSVP.objects.create(
            occurrence=meeting,
            user=UserFactory(),
            status="going",
            status_changed_at=at("2026-02-01T09:00:00"),
            attended=True,
        )
        membership_event(group, "joined", at("2026-01-20T09:00:00"))
    return group


def facilitator_of(*groups):
    user = UserFactory()
    for group in groups:
        FacilitatorMembershipFactory(group=group, user=user)
    return user


def table_rows(html: str, table: str) -> list[list[str]]:
    body = re.search(rf'data-table="{table}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, f"no table {table}"
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def test_the_form_has_labels_and_the_defaults_chosen_and_works_without_a_script():
    group = group_meeting("Tuesday circle", going=6)
    html = client_for(facilitator_of(group)).get(reverse("reports:report", args=["reach"]))
    page = html.content.decode()
    form = re.search(r'<form method="get" action="/reports/reach/".*?</form>', page, re.S)
    assert form, "a plain GET form"
    for field in ("group", "last", "start", "end"):
        assert re.search(rf'<label class="form-label" for="id_{field}">', form.group(0)), field
    assert '<option value="12" selected>' in form.group(0)
    assert 'type="month"' in form.group(0)
    assert "Counted:</strong>\n  May 2025 to April 2026;" in page
    assert 'name="view"' not in page  # a facilitator only ever sees their own groups


def test_a_period_and_a_group_reach_every_figure_the_page_and_its_csv():
    mine = group_meeting("Tuesday circle", going=6)
    group_meeting("Friday circle", going=8)
    lead = client_for(facilitator_of(mine))
    query = f"?group={mine.pk}&start=2026-01&end=2026-02"
    html = lead.get(reverse("reports:report", args=["attendance"]) + query).content.decode()
    assert "Counted:</strong>\n  January 2026 to February 2026;\n  Tuesday circle." in html
    assert table_rows(html, "attendance-by-month") == [
        ["January 2026", "0", "0", "0"],
        ["February 2026", "1", "6", "6"],
    ]
    assert "Each meeting held" in html
    assert table_rows(html, "attendance-by-meeting") == [
        ["Tuesday circle, 2026-02-10 18:00", "6", "6"]
    ]
    assert "Friday circle" not in re.sub(r"<select.*?</select>", "", html, flags=re.S)
    # The CSV link carries the same filters, and the file holds the same figures.
    link = re.search(r'href="(/reports/attendance/attendance-by-meeting\.csv\?[^"]+)"', html)
    assert link
    response = lead.get(link.group(1).replace("&amp;", "&"))
    assert response["Content-Disposition"] == (
        'attachment; filename="attendance-attendance-by-meeting-2026-01-to-2026-02.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == [["Tuesday circle, 2026-02-10 18:00", "6", "6"]]
    # The other reports keep the filters in their links.
    assert f'href="/reports/reach/{query.replace("&", "&amp;")}"' in html


def test_the_last_three_months_and_a_month_with_nothing():
    group = group_meeting("Tuesday circle", going=6, when="2026-03-10T18:00:00")
    client = client_for(facilitator_of(group))
    html = client.get(reverse("reports:report", args=["attendance"]) + "?last=3").content.decode()
    assert table_rows(html, "attendance-by-month") == [
        ["February 2026", "0", "0", "0"],
        ["March 2026", "1", "6", "6"],
        ["April 2026", "0", "0", "0"],
    ]
    # "Last 3 months" counts back from the "To" month when one is given.
    html = client.get(
        reverse("reports:report", args=["reach"]) + "?last=3&end=2026-01"
    ).content.decode()
    assert [row[0] for row in table_rows(html, "new-members-by-month")] == [
        "November 2025",
        "December 2025",
        "January 2026",
    ]
    assert table_rows(html, "new-members-by-month")[-1] == ["January 2026", "6"]


BAD_FILTERS = [
    ("start=2026-13", "Enter a month as its year and number, like 2026-04."),
    ("start=April", "Enter a month as its year and number, like 2026-04."),
    ("end=2026-05", "Choose this month or an earlier one."),
    ("start=1999-12", "Choose January 2000 or a later month."),
    ("end=0001-01", "Choose January 2000 or a later month."),
    ("start=2026-03&end=2026-01", "The “From” month comes after the “To” month."),
    ("start=2024-04&end=2026-04", "Choose at most 24 months."),
    ("last=5", "Select a valid choice. 5 is not one of the available choices."),
    ("group=abc", "Choose one of the groups listed."),
    ("group=999999", "Choose one of the groups listed."),
]


@pytest.mark.parametrize(("query", "message"), BAD_FILTERS)
def test_a_bad_filter_gets_a_clear_message_and_keeps_what_was_typed(query, message):
    group = group_meeting("Tuesday circle", going=6)
    client = client_for(facilitator_of(group))
    response = client.get(reverse("reports:report", args=["reach"]) + "?" + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message.replace("“", "&ldquo;").replace("”", "&rdquo;") in html or message in html
    assert 'aria-invalid="true"' in html
    assert "data-table=" not in html  # no figures for filters that make no sense
    typed = query.split("&")[0].split("=")[1]
    if not query.startswith(("group", "last")):
        assert f'value="{typed}"' in html
    csv_response = client.get(
        reverse("reports:csv", args=["reach", "joining-by-group"]) + "?" + query
    )
    assert csv_response.status_code == 400
    assert csv_response["Content-Type"].startswith("text/plain")
    assert message in csv_response.content.decode()


A_TABLE = {
    "reach": "joining-by-group",
    "attendance": "attendance-by-group",
    "safety": "reports-by-reason",
    "content": "activity-by-group",
}


@pytest.mark.parametrize("slug", list(REPORTS))
def test_a_facilitator_cannot_pick_another_facilitators_group(slug):
    mine = group_meeting("Tuesday circle", going=6)
    theirs = group_meeting("Friday circle", going=8)
    client = client_for(facilitator_of(mine))
    response = client.get(reverse("reports:report", args=[slug]) + f"?group={theirs.pk}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose one of the groups listed." in html
    assert "Friday circle" not in html
    csv_response = client.get(
        reverse("reports:csv", args=[slug, A_TABLE[slug]]) + f"?group={theirs.pk}"
    )
    assert csv_response.status_code == 400
    assert b"Friday circle" not in csv_response.content


def test_staff_who_facilitate_switch_between_all_groups_and_their_own_in_full():
    mine = group_meeting("Tuesday circle", going=3)
    group_meeting("Friday circle", going=8)
    staff = with_mfa(facilitator_of(mine))
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client = client_for(staff)
    path = reverse("reports:report", args=["attendance"])

    everyone = client.get(path).content.decode()
    assert re.search(r'<input type="radio" name="view" value="all"[^>]*checked', everyone)
    assert "Friday circle" in everyone
    assert ["Tuesday circle", "1", "fewer than 5", "fewer than 5"] in table_rows(
        everyone, "attendance-by-group"
    )

    own = client.get(path + "?view=mine").content.decode()
    assert re.search(r'<input type="radio" name="view" value="mine"[^>]*checked', own)
    assert table_rows(own, "attendance-by-group") == [["Tuesday circle", "1", "3", "3"]]
    assert "Friday circle" not in own  # not even in the list of groups
    assert "the groups you facilitate" in own
    # In their own view, only their groups may be chosen.
    friday = SupportGroupFactory._meta.model.objects.get(name="Friday circle")
    assert client.get(path + f"?view=mine&group={friday.pk}").status_code == 400
    # Choosing their own group in the organisation's view shows it in full too.
    chosen = client.get(path + f"?group={mine.pk}").content.decode()
    assert table_rows(chosen, "attendance-by-group") == [["Tuesday circle", "1", "3", "3"]]


def test_staff_who_facilitate_nothing_have_no_toggle_and_asking_for_it_changes_nothing():
    group_meeting("Tuesday circle", going=3)
    staff = with_mfa(UserFactory(is_staff=True))
    html = client_for(staff).get(reverse("reports:report", args=["attendance"]) + "?view=mine")
    assert html.status_code == 200
    page = html.content.decode()
    assert 'name="view"' not in page
    assert ["Tuesday circle", "1", "fewer than 5", "fewer than 5"] in table_rows(
        page, "attendance-by-group"
    )


@pytest.mark.parametrize("slug", list(REPORTS))
def test_with_filters_every_chart_shows_the_numbers_its_csv_holds(slug):
    tuesday = busy_group("Tuesday circle", people=4)
    busy_group("Friday circle")
    lead = client_for(facilitator_of(tuesday))
    query = f"?group={tuesday.pk}&start=2026-02&end=2026-04"
    html = lead.get(reverse("reports:report", args=[slug]) + query).content.decode()
    period = Period.between(dt.date(2026, 2, 1), dt.date(2026, 4, 1), now=NOW)
    built = REPORTS[slug](Scope(group_ids=(tuesday.pk,), suppress_small_cells=False), period)
    charted = 0
    for table in built.tables:
        response = lead.get(reverse("reports:csv", args=[slug, table.slug]) + query)
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert [row[0] for row in rows[1:]] == [row.label for row in table.rows]
        if not table.charted or not table.rows:
            continue
        charted += 1
        drawn = chart_figures(html, table.slug)
        for index in table.charted:
            shown = [
                {"&lt;5": "fewer than 5", "–": ""}.get(text, text)
                for text in drawn[table.columns[index].key]
            ]
            assert shown == [row[index + 1] for row in rows[1:]], table.slug
    assert charted


def test_a_groups_name_opens_its_own_figures_with_the_same_period():
    tuesday = group_meeting("Tuesday circle", going=6)
    group_meeting("Friday circle", going=8)
    lead = client_for(facilitator_of(tuesday))
    html = lead.get(reverse("reports:report", args=["attendance"]) + "?last=6").content.decode()
    link = f"/reports/attendance/?group={tuesday.pk}&amp;last=6"
    assert f'<a href="{link}">Tuesday circle</a>' in html
    one = lead.get(link.replace("&amp;", "&")).content.decode()
    assert "Each meeting held" in one
    assert table_rows(one, "attendance-by-meeting") == [
        ["Tuesday circle, 2026-02-10 18:00", "6", "6"]
    ]
    assert '<a href="/reports/attendance/?group=' not in one  # one group: nowhere further


def test_no_filter_anyone_can_type_breaks_a_page_or_a_file():
    mine = group_meeting("Tuesday circle", going=3)
    staff = with_mfa(facilitator_of(mine))
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client = client_for(staff)
    months = st.one_of(
        st.from_regex(r"\A-?[0-9]{1,6}-[0-9]{1,3}\Z"), st.text(max_size=12), st.just("2026-04")
    )
    values = {
        "view": st.one_of(st.sampled_from(["all", "mine", ""]), st.text(max_size=8)),
        "group": st.one_of(st.just(str(mine.pk)), st.integers().map(str), st.text(max_size=8)),
        "last": st.one_of(st.sampled_from(["3", "6", "12"]), st.text(max_size=8)),
        "start": months,
        "end": months,
    }

    @hypothesis_settings(max_examples=60, deadline=None)
    @given(st.fixed_dictionaries({}, optional=values))
    def check(params):
        page = client.get(reverse("reports:report", args=["attendance"]), params)
        assert page.status_code in (200, 400), params
        csv_file = client.get(reverse("reports:csv", args=["reach", "joining-by-group"]), params)
        assert csv_file.status_code == page.status_code, params

    check()


def _joins(group, months: dict[str, int]) -> None:
    for month, count in months.items():
        for _ in range(count):
            membership_event(group, "joined", at(f"{month}-10T09:00:00"))


@pytest.mark.parametrize(
    "query", ["start=2026-01&end=2026-02", "start=2026-03&end=2026-03", "last=3", "last=6"]
)
def test_where_small_numbers_are_withheld_no_two_periods_can_be_subtracted(query):
    """Alpha had 5 joins in January and 2 in March: January to March (7) less January to
    February (5) would give March's withheld 2. Beyond their own groups, a lead may count the
    last 12 months or one whole past year, which never overlap but at the default's edge."""
    alpha = busy_group("Alpha")
    _joins(alpha, {"2026-01": 5, "2026-03": 2})
    lead = client_for(organisation_lead())
    response = lead.get(reverse("reports:report", args=["reach"]) + "?" + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "could be subtracted from each other" in html
    assert "data-table=" not in html
    assert f'value="{query.split("=")[1].split("&")[0]}"' in html or query.startswith("last")
    csv_response = lead.get(
        reverse("reports:csv", args=["reach", "joining-by-group"]) + "?" + query
    )
    assert csv_response.status_code == 400


def test_a_lead_counts_the_last_twelve_months_or_a_whole_past_year():
    alpha = busy_group("Alpha")
    _joins(alpha, {"2025-03": 6, "2026-01": 5})
    lead = client_for(organisation_lead())
    for query in ("", "?start=2025-01&end=2025-12", "?last=12"):
        assert lead.get(reverse("reports:report", args=["reach"]) + query).status_code == 200
    this_year = lead.get(reverse("reports:report", args=["reach"]) + "?start=2026-01&end=2026-12")
    assert this_year.status_code == 400  # not over yet: it would grow month by month


def test_one_groups_own_figures_are_for_its_facilitators_even_beside_a_lead():
    """A lead sees each group as a row of the organisation's tables, withheld where small;
    one group's own table (every meeting, every month) only for a group they facilitate."""
    theirs = group_meeting("Friday circle", going=8)
    mine = group_meeting("Tuesday circle", going=6)
    user = organisation_lead()
    FacilitatorMembershipFactory(group=mine, user=user)
    lead = client_for(user)
    html = lead.get(reverse("reports:report", args=["attendance"])).content.decode()
    assert f'<option value="{mine.pk}">Tuesday circle</option>' in html
    assert "Friday circle</option>" not in html
    assert re.search(rf"\?group={mine.pk}\b", html)
    assert not re.search(rf"\?group={theirs.pk}\b", html)
    refused = lead.get(reverse("reports:report", args=["attendance"]) + f"?group={theirs.pk}")
    assert refused.status_code == 400
    assert "Choose one of the groups listed." in refused.content.decode()
    own = lead.get(reverse("reports:report", args=["attendance"]) + f"?group={mine.pk}&last=3")
    assert own.status_code == 200
    assert table_rows(own.content.decode(), "attendance-by-meeting") == [
        ["Tuesday circle, 2026-02-10 18:00", "6", "6"]
    ]
