"""The reports area: who may open it, what each sees, the CSV files against the charts, the
query count whatever the number of groups, and no word anyone wrote on any report."""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.meetings.models import RSVP
from reports.permissions import scope_for
from reports.selectors import REPORTS, Period
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    OccurrenceFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
    with_mfa,
)

from .builders import (
    at,
    chat_message,
    crisis_item,
    follow_up,
    membership_event,
    organisation_lead,
    post,
    report,
)

pytestmark = pytest.mark.django_db

NOW = at("2026-04-15T12:00:00")
YEAR = Period.last_months(12, now=NOW)  # May 2025 to April 2026, as the pages show at first
CANARY = "marmalade-canary-7731"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def busy_group(name: str, *, people: int = 6):
    """A group with a little of everything the reports count, the canary in every text."""
    group = SupportGroupFactory(
        name=name,
        kind="cohort",  # so the cohort chart has a row too
        cohort_starts_on=dt.date(2026, 1, 5),
        cohort_ends_on=dt.date(2026, 3, 30),
    )
    moderator = UserFactory(display_name=f"Moderator of {name}")
    meeting = OccurrenceFactory(
        series__group=group, series__title=CANARY, starts_at=at("2026-04-07T18:00:00")
    )
    for n in range(people):
        membership = membership_event(group, "requested", at("2026-03-02T09:00:00"))
        membership_event(group, "approved", at(f"2026-03-02T1{n % 10}:00:00"), membership)
    for n in range(people):
        item = crisis_item(
            group,
            at(f"2026-04-0{n % 9 + 1}T09:00:00"),
            claimed_after=n + 1,
            closed_after=n + 30,
            by=moderator,
            excerpt=CANARY,
        )
        report(item, "harassment", at("2026-04-01T09:00:00"), note=CANARY)
        follow_up(item, at("2026-04-10T09:00:00"), at("2026-04-10T08:00:00"), outcome=CANARY)
        post(group, at("2026-03-01T09:00:00"), body=CANARY)
        chat_message(group, at("2026-04-01T09:00:00"), body=CANARY)
        RSVP.objects.create(
            occurrence=meeting,
            user=UserFactory(),
            status="going",
            status_changed_at=at("2026-04-06T09:00:00"),
            attended=n % 2 == 0,
        )
    return group


def facilitator_of(group):
    return FacilitatorMembershipFactory(group=group, user=UserFactory()).user


@pytest.mark.parametrize("slug", ["", *REPORTS])
def test_only_staff_leads_and_facilitators_may_open_the_reports(slug):
    group = SupportGroupFactory()
    path = reverse("reports:report", args=[slug]) if slug else reverse("reports:index")
    assert client_for(None).get(path).status_code == 302  # to sign in
    member = MembershipFactory(group=group).user
    assert client_for(member).get(path).status_code == 403
    assert client_for(facilitator_of(group)).get(path).status_code == 200
    assert client_for(organisation_lead()).get(path).status_code == 200
    assert client_for(with_mfa(UserFactory(is_staff=True))).get(path).status_code == 200


def test_staff_and_leads_need_mfa_for_the_organisations_figures_and_facilitators_do_not():
    group = busy_group("Tuesday circle")
    paths = [
        reverse("reports:index"),
        reverse("reports:report", args=["attendance"]),
        reverse("reports:csv", args=["attendance", "attendance-by-group"]),
    ]
    staff_facilitating = facilitator_of(group)
    staff_facilitating.is_staff = True
    staff_facilitating.save(update_fields=["is_staff"])
    for person in (
        organisation_lead(mfa=False),
        UserFactory(is_staff=True),
        staff_facilitating,  # the organisation's view is theirs, so MFA first
    ):
        client = client_for(person)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 302, path
            assert response["Location"] == reverse("mfa_required")
            assert b"Tuesday circle" not in response.content
    facilitator = client_for(facilitator_of(group))
    for path in paths:
        assert facilitator.get(path).status_code == 200


def test_unknown_reports_and_tables_are_not_found():
    lead = client_for(organisation_lead())
    assert lead.get("/reports/nothing/").status_code == 404
    assert lead.get(reverse("reports:csv", args=["reach", "nothing"])).status_code == 404
    assert lead.get(reverse("reports:csv", args=["nothing", "joining-by-group"])).status_code == 404


def test_a_facilitator_sees_their_own_groups_in_full_and_no_one_elses():
    mine, theirs = busy_group("Tuesday circle", people=3), busy_group("Friday circle")
    page = client_for(facilitator_of(mine)).get(reverse("reports:report", args=["reach"]))
    html = page.content.decode()
    assert "Tuesday circle" in html and "Friday circle" not in html
    assert "fewer than 5" not in html  # their own group: three people are shown as three
    lead_page = client_for(organisation_lead()).get(reverse("reports:report", args=["reach"]))
    assert "fewer than 5" in lead_page.content.decode()
    assert theirs.name in lead_page.content.decode()


def chart_figures(html: str, table: str) -> dict[str, list[str]]:
    svg = re.search(rf'<svg[^>]*>(?:(?!</svg>).)*id="chart-{table}-title".*?</svg>', html, re.S)
    assert svg, f"no chart for {table}"
    found: dict[str, list[str]] = {}
    for column, text in re.findall(
        r'<text class="chart-value" data-column="([^"]+)"[^>]*>([^<]*)</text>', svg.group(0)
    ):
        found.setdefault(column, []).append(text)
    return found


@pytest.mark.parametrize("who", ["facilitator", "lead"])
@pytest.mark.parametrize("slug", list(REPORTS))
def test_every_chart_shows_the_numbers_its_csv_holds(slug, who):
    group = busy_group("Tuesday circle", people=4)
    busy_group("Friday circle")
    user = facilitator_of(group) if who == "facilitator" else organisation_lead()
    client = client_for(user)
    html = client.get(reverse("reports:report", args=[slug])).content.decode()
    report = REPORTS[slug]
    charted = 0
    for table in report(scope_for(user), YEAR).tables:
        response = client.get(reverse("reports:csv", args=[slug, table.slug]))
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert len(rows) == len(table.rows) + 1
        if not table.charted or not table.rows:
            continue
        charted += 1
        drawn = chart_figures(html, table.slug)
        for index in table.charted:
            column = table.columns[index]
            written = [row[index + 1] for row in rows[1:]]
            shown = [
                {"&lt;5": "fewer than 5", "–": ""}.get(text, text) for text in drawn[column.key]
            ]
            assert shown == written, column.key
    assert charted


@pytest.mark.parametrize("slug", list(REPORTS))
def test_no_report_shows_a_word_anyone_wrote(slug):
    group = busy_group("Tuesday circle")
    for user in (facilitator_of(group), organisation_lead()):
        client = client_for(user)
        html = client.get(reverse("reports:report", args=[slug])).content.decode()
        assert CANARY not in html
        for table in REPORTS[slug](scope_for(user), YEAR).tables:
            csv_text = client.get(reverse("reports:csv", args=[slug, table.slug])).content
            assert CANARY.encode() not in csv_text


@pytest.mark.parametrize(
    "filters", ["", "?start=2025-01&end=2025-12", "?group=first&last=3&end=2026-03", "?view=mine"]
)
@pytest.mark.parametrize("slug", list(REPORTS))
def test_each_report_costs_the_same_queries_for_two_groups_or_six(slug, filters):
    """The organisation's view, a whole past year, one group and a period (for a staff
    member who facilitates it), and a staff member's own groups (they facilitate each group
    made)."""
    staff = with_mfa(UserFactory(is_staff=True))
    mine = filters in ("?view=mine", "?group=first&last=3&end=2026-03")

    def add(name: str):
        group = busy_group(name)
        if mine:
            FacilitatorMembershipFactory(group=group, user=staff)
        return group

    first = add("One")
    add("Two")
    lead = client_for(staff if mine else organisation_lead())
    path = reverse("reports:report", args=[slug]) + filters.replace("first", str(first.pk))
    lead.get(path)  # the session and the permission cache are warm from here
    with CaptureQueriesContext(connection) as few:
        assert lead.get(path).status_code == 200
    for name in ("Three", "Four", "Five", "Six"):
        add(name)
    with CaptureQueriesContext(connection) as many:
        response = lead.get(path)
        assert response.status_code == 200
    assert len(few) >= 4  # the figures are read, not skipped
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    if filters == "?view=mine":
        assert (
            "Six" in response.content.decode() and "fewer than 5" not in response.content.decode()
        )
