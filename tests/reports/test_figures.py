"""The reports' figures against hand-built rows: months and weeks in the organisation's time zone
(Europe/London; the clocks went forward on 29 March 2026), empty months as zeros, medians and
90th percentiles from PostgreSQL, small cells suppressed beyond a group's own facilitators."""

import datetime as dt
import uuid

import pytest
import time_machine

from groups import quiet as quiet_members
from groups.conversations import services as conversations
from groups.conversations.models import Conversation, Participant
from groups.meetings.models import RSVP
from groups.models import Membership
from reports import selectors
from reports.permissions import Scope
from reports.selectors import Period
from reports.tables import SUPPRESSED, Column, build
from supportgroups.models import Notification
from tests.factories import (
    AudienceFactory,
    CancerTypeFactory,
    FacilitatorMembershipFactory,
    MembershipFactory,
    OccurrenceFactory,
    SupportGroupFactory,
    UserFactory,
)

from .builders import at, chat_message, crisis_item, follow_up, membership_event, post, report

pytestmark = pytest.mark.django_db

NOW = at("2026-04-15T12:00:00")
YEAR = Period.last_months(12, now=NOW)  # May 2025 to April 2026, as the pages show at first
ORGANISATION = Scope(group_ids=None, suppress_small_cells=True)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def london(settings):
    settings.ORGANISATION_TIME_ZONE = "Europe/London"


def own(*groups) -> Scope:
    return Scope(group_ids=tuple(g.pk for g in groups), suppress_small_cells=False)


def figures(table, column: str) -> dict[str, object]:
    index = table.column(column)
    return {row.label: row.cells[index] for row in table.rows}


def test_new_members_fall_in_the_organisations_months_and_empty_months_are_zero():
    group = SupportGroupFactory(name="Circle")
    for _ in range(6):
        membership_event(group, "joined", at("2026-01-10T10:00:00"))
    # 23:30 UTC on 31 March is 00:30 on 1 April in London (summer time).
    membership_event(group, "approved", at("2026-03-31T23:30:00"))
    # 23:30 UTC on 28 February is still February in London (winter time).
    membership_event(group, "admitted", at("2026-02-28T23:30:00"))
    membership_event(group, "left", at("2026-03-10T10:00:00"))  # leaving is not joining
    membership_event(group, "joined", at("2025-04-30T10:00:00"))  # before the 12 months

    table = selectors.reach(own(group), YEAR).tables[0]
    months = figures(table, "joined")
    assert list(months)[0] == "May 2025" and list(months)[-1] == "April 2026"
    assert len(months) == 12
    assert months["January 2026"] == 6
    assert months["February 2026"] == 1
    assert months["March 2026"] == 0
    assert months["April 2026"] == 1
    assert months["December 2025"] == 0

    organisation = figures(selectors.reach(ORGANISATION, YEAR).tables[0], "joined")
    assert organisation["January 2026"] == 6
    assert organisation["February 2026"] is SUPPRESSED
    assert organisation["April 2026"] is SUPPRESSED
    assert organisation["March 2026"] == 0  # nobody is pointed at by a zero


def test_requests_answers_and_the_median_time_to_an_answer():
    group = SupportGroupFactory(name="Circle")
    for hours, answer in ((2, "approved"), (4, "declined"), (9, "approved"), (None, None)):
        asked = at("2026-03-02T09:00:00")
        membership = membership_event(group, "requested", asked)
        if answer:
            membership_event(group, answer, asked + dt.timedelta(hours=hours), membership)
    (row,) = selectors.reach(own(group), YEAR).table("joining-by-group").rows
    assert row.label == "Circle"
    # new members, requests, approved, declined, median hours (of 2, 4 and 9: the unanswered
    # request has no time yet)
    assert row.cells == (2, 4, 2, 1, 4.0)

    (shown,) = selectors.reach(ORGANISATION, YEAR).table("joining-by-group").rows
    assert shown.cells == (SUPPRESSED,) * 5  # four requests: too few to show, their time too


def test_crisis_response_by_week_counts_a_monday_after_midnight_in_summer_time():
    group = SupportGroupFactory()
    moderator = UserFactory()
    # 23:30 UTC on Sunday 29 March is 00:30 on Monday 30 March in London.
    crisis_item(group, at("2026-03-29T23:30:00"), claimed_after=10, closed_after=30, by=moderator)
    crisis_item(group, at("2026-03-30T10:00:00"), claimed_after=20, closed_after=60, by=moderator)
    # never closed: waits until now (15 April 12:00 UTC), 15 days and 3 hours
    crisis_item(group, at("2026-03-31T09:00:00"), claimed_after=30, by=moderator, escalated=True)
    # claimed by nobody yet: counts until now too
    crisis_item(group, at("2026-03-24T12:00:00"))

    table = selectors.safety(own(group), YEAR).tables[0]
    rows = {row.label: row.cells for row in table.rows}
    assert len(rows) == 13
    items, escalated, median, p90, worst, close_median, close_p90, close_worst = rows[
        "Week of 2026-03-30"
    ]
    assert (items, escalated, median, p90, worst) == (3, 1, 20.0, 28.0, 30.0)
    waited = (NOW - at("2026-03-31T09:00:00")).total_seconds() / 60
    assert (close_median, close_worst) == (60.0, pytest.approx(waited))
    week_before = rows["Week of 2026-03-23"]
    assert week_before[0] == 1 and week_before[2] == pytest.approx(
        (NOW - at("2026-03-24T12:00:00")).total_seconds() / 60
    )
    assert rows["Week of 2026-03-16"] == (0, 0, None, None, None, None, None, None)

    by_hour = {row.label: row.cells for row in selectors.safety(own(group), YEAR).tables[1].rows}
    assert by_hour["00:00"][:3] == (1, 0, 10.0)  # 00:30 in London, not 23:00
    assert by_hour["11:00"][:3] == (1, 0, 20.0)  # 10:00 UTC is 11:00 in summer
    assert by_hour["12:00"][0] == 1  # 12:00 UTC on 24 March is 12:00 in winter
    assert len(by_hour) == 24

    organisation = {
        row.label: row.cells for row in selectors.safety(ORGANISATION, YEAR).tables[0].rows
    }
    assert organisation["Week of 2026-03-30"] == (SUPPRESSED,) * 8


def test_follow_ups_reasons_and_items_closed_by_person():
    group = SupportGroupFactory()
    moderator = UserFactory(display_name="Mo Derator")
    item = crisis_item(
        group, at("2026-04-06T09:00:00"), claimed_after=5, closed_after=9, by=moderator
    )
    follow_up(item, at("2026-04-07T09:00:00"), at("2026-04-07T08:00:00"))
    follow_up(item, at("2026-04-08T09:00:00"), at("2026-04-09T08:00:00"))
    follow_up(item, at("2026-04-09T09:00:00"), None)
    follow_up(item, at("2026-04-20T09:00:00"), None)  # not due yet
    for _ in range(3):
        report(item, "harassment", at("2026-04-01T09:00:00"))
    report(item, "spam", at("2024-04-01T09:00:00"))  # before the 12 months

    safety = selectors.safety(own(group), YEAR)
    follow_ups = {row.label: row.cells for row in safety.table("follow-ups-by-week").rows}
    assert follow_ups["Week of 2026-04-06"] == (3, 1, 1, 1)
    reasons = figures(safety.table("reports-by-reason"), "reports")
    assert reasons["Harassment"] == 3 and reasons["Spam"] == 0
    assert [(row.label, row.cells) for row in safety.table("items-closed-by-person").rows] == [
        ("Mo Derator", (1,))
    ]


def test_content_health_counts_posts_chat_and_threads_nobody_answered():
    group = SupportGroupFactory(name="Circle")
    post(group, at("2026-04-14T09:00:00"))  # unanswered, but only 27 hours old
    post(group, at("2026-03-01T09:00:00"))  # unanswered for weeks
    post(group, at("2026-03-01T09:00:00"), replies=2)
    chat_message(group, at("2026-04-14T20:00:00"))
    chat_message(group, at("2026-01-14T20:00:00"))

    content = selectors.content(own(group), YEAR)
    months = {row.label: row.cells for row in content.tables[0].rows}
    assert months["April 2026"] == (1, 1)
    assert months["March 2026"] == (2, 0)
    assert months["January 2026"] == (0, 1)
    ((label, cells),) = [(row.label, row.cells) for row in content.tables[1].rows]
    assert (label, cells) == ("Circle", (3, 2, 1))


def test_a_facilitator_scope_counts_only_its_groups():
    mine, theirs = SupportGroupFactory(name="Mine"), SupportGroupFactory(name="Theirs")
    membership_event(mine, "joined", at("2026-04-02T09:00:00"))
    for _ in range(7):
        membership_event(theirs, "joined", at("2026-04-02T09:00:00"))
    reach = selectors.reach(own(mine), YEAR)
    assert figures(reach.tables[0], "joined")["April 2026"] == 1
    assert [row.label for row in reach.table("joining-by-group").rows] == ["Mine"]
    everyone = selectors.reach(ORGANISATION, YEAR)
    assert figures(everyone.tables[0], "joined")["April 2026"] == 8
    # Mine's 1 is withheld, and so is Theirs' 7 beside it: else 8 - 7 would give Mine away.
    assert figures(everyone.table("joining-by-group"), "joined") == {
        "Mine": SUPPRESSED,
        "Theirs": SUPPRESSED,
    }


def test_new_members_by_cancer_type_audience_and_language():
    breast, bowel = CancerTypeFactory(name="Breast"), CancerTypeFactory(name="Bowel")
    carers = AudienceFactory(name="Carers")
    both = SupportGroupFactory(language="es")
    both.cancer_types.set([breast, bowel])
    both.audiences.set([carers])
    untagged = SupportGroupFactory()
    for _ in range(5):
        membership_event(both, "joined", at("2026-04-02T09:00:00"))
    membership_event(untagged, "joined", at("2026-04-02T09:00:00"))
    reach = selectors.reach(own(both, untagged), YEAR)
    assert figures(reach.table("new-members-by-cancer-type"), "joined") == {
        "Bowel": 5,
        "Breast": 5,
        "Not given": 1,
    }
    assert figures(reach.table("new-members-by-audience"), "joined") == {
        "Carers": 5,
        "Not given": 1,
    }
    assert figures(reach.table("new-members-by-language"), "joined") == {
        "Español": 5,
        "English": 1,
    }
    organisation = selectors.reach(ORGANISATION, YEAR)
    assert figures(organisation.table("new-members-by-audience"), "joined") == {
        "Carers": SUPPRESSED,  # beside the one hidden cell: the total less 5 would show it
        "Not given": SUPPRESSED,
    }


def test_cohort_completion_and_members_gone_quiet():
    cohort = SupportGroupFactory(
        name="Spring cohort",
        kind="cohort",
        cohort_starts_on=dt.date(2026, 1, 5),
        cohort_ends_on=dt.date(2026, 3, 30),
    )
    stayed = [membership_event(cohort, "joined", at("2026-01-02T09:00:00")) for _ in range(4)]
    went = membership_event(cohort, "joined", at("2026-01-02T09:00:00"))
    membership_event(cohort, "left", at("2026-02-10T09:00:00"), went)
    late = membership_event(cohort, "joined", at("2026-01-02T09:00:00"))
    membership_event(cohort, "left", at("2026-04-10T09:00:00"), late)  # after its last day
    Membership.objects.filter(pk__in=[m.pk for m in stayed[:3]]).update(
        last_active_at=at("2026-04-14T09:00:00")
    )
    Membership.objects.filter(pk=stayed[3].pk).update(last_active_at=at("2026-03-01T09:00:00"))
    Membership.objects.filter(pk__in=[went.pk, late.pk]).update(state="left")

    attendance = selectors.attendance(own(cohort), YEAR)
    (row,) = attendance.table("cohort-completion").rows
    assert row.label == "Spring cohort (ended 2026-03-30)"
    assert row.cells == (6, 5)
    (quiet,) = attendance.table("members-gone-quiet").rows
    assert quiet.cells == (4, 1, 0)


def test_quiet_members_followed_up_count_only_a_check_in_from_the_team_since_going_quiet():
    group = SupportGroupFactory(name="Circle")
    elsewhere = SupportGroupFactory(name="Other circle")
    facilitator = FacilitatorMembershipFactory(group=group).user
    other_facilitator = FacilitatorMembershipFactory(group=elsewhere).user
    people = {}
    for name, last_active in [
        ("active", "2026-04-14T09:00:00"),
        ("conversation", "2026-03-01T09:00:00"),
        ("note", "2026-03-01T09:00:00"),
        ("asked the team", "2026-03-01T09:00:00"),
        ("checked in before quiet", "2026-04-01T09:00:00"),
        ("checked in elsewhere", "2026-03-01T09:00:00"),
    ]:
        membership = MembershipFactory(group=group, last_active_at=at(last_active))
        MembershipFactory(group=elsewhere, user=membership.user)
        people[name] = membership.user

    def check_in(by, where, member, when):
        with time_machine.travel(when, tick=False):
            conversations.start_from_team(
                facilitator=by,
                group=where,
                member=member,
                subject="",
                body="Thinking of you",
                client_msg_id=uuid.uuid4(),
            )

    check_in(facilitator, group, people["active"], at("2026-04-14T10:00:00"))  # not quiet
    check_in(facilitator, group, people["conversation"], at("2026-04-10T10:00:00"))
    with time_machine.travel(at("2026-04-12T10:00:00"), tick=False):
        quiet_members.send_note(by=facilitator, group=group, member=people["note"], body="Hi")
        # A member's own question to the team is not a check-in.
        asked = Conversation.objects.create(
            kind=Conversation.Kind.FACILITATORS, group=group, started_by=people["asked the team"]
        )
        Participant.objects.create(conversation=asked, user=people["asked the team"])
    # Quiet from 8 April; a check-in on 5 April came before.
    check_in(facilitator, group, people["checked in before quiet"], at("2026-04-05T10:00:00"))
    check_in(
        other_facilitator, elsewhere, people["checked in elsewhere"], at("2026-04-10T10:00:00")
    )
    with time_machine.travel(at("2026-04-10T10:00:00"), tick=False):
        quiet_members.send_note(
            by=other_facilitator, group=elsewhere, member=people["checked in elsewhere"], body="Hi"
        )
    assert Notification.objects.filter(user=people["note"], kind="group").count() == 1

    attendance = selectors.attendance(own(group), YEAR)
    (row,) = attendance.table("members-gone-quiet").rows
    assert row.cells == (6, 5, 2)


def test_attendance_counts_meetings_held_replies_and_people_there():
    group = SupportGroupFactory(name="Circle")
    held = OccurrenceFactory(series__group=group, starts_at=at("2026-03-31T23:30:00"))
    cancelled = OccurrenceFactory(
        series__group=group, starts_at=at("2026-03-10T18:00:00"), is_cancelled=True
    )
    coming = OccurrenceFactory(series__group=group, starts_at=at("2026-04-20T18:00:00"))
    for occurrence in (held, cancelled, coming):
        for n in range(3):
            RSVP.objects.create(
                occurrence=occurrence,
                user=UserFactory(),
                status="going" if n < 2 else "not_going",
                status_changed_at=NOW,
                attended=n == 0,
            )
    attendance = selectors.attendance(own(group), YEAR)
    months = {row.label: row.cells for row in attendance.tables[0].rows}
    assert months["April 2026"] == (1, 2, 1)  # 00:30 on 1 April in London
    assert months["March 2026"] == (0, 0, 0)
    assert [row.cells for row in attendance.table("attendance-by-group").rows] == [(1, 2, 1)]


def test_the_last_twelve_meetings_held_oldest_first_with_replies_and_people_there():
    group = SupportGroupFactory(name="Circle")
    weekly = [
        OccurrenceFactory(
            series__group=group, starts_at=at("2026-01-13T18:00:00") + dt.timedelta(weeks=n)
        )
        for n in range(14)  # Tuesdays, 13 January to 14 April
    ]
    OccurrenceFactory(series__group=group, starts_at=at("2026-04-13T18:00:00"), is_cancelled=True)
    OccurrenceFactory(series__group=group, starts_at=at("2026-04-15T18:00:00"))  # tonight
    OccurrenceFactory(starts_at=at("2026-04-15T10:00:00"))  # another group's

    def replies(occurrence, going: int, there: int, not_going: int = 0):
        for n in range(going + not_going):
            RSVP.objects.create(
                occurrence=occurrence,
                user=UserFactory(),
                status="going" if n < going else "not_going",
                status_changed_at=NOW,
                attended=n < there,
            )

    replies(weekly[-1], going=6, there=5, not_going=1)
    replies(weekly[-2], going=2, there=1)

    # Two groups (the other held no meeting): the last twelve across them.
    both = own(group, SupportGroupFactory(name="Quiet circle"))
    table = selectors.attendance(both, YEAR).table("attendance-by-meeting")
    rows = [(row.label, row.cells) for row in table.rows]
    assert len(rows) == 12
    # London time: 18:00 UTC is 18:00 in winter and 19:00 after the clocks went forward.
    assert rows[0] == ("Circle, 2026-01-27 18:00", (0, 0))  # nobody answered: 0, not missing
    assert rows[-2] == ("Circle, 2026-04-07 19:00", (2, 1))
    assert rows[-1] == ("Circle, 2026-04-14 19:00", (6, 5))

    organisation = selectors.attendance(ORGANISATION, YEAR).table("attendance-by-meeting")
    last_two = [row.cells for row in organisation.rows][-3:-1]
    # The 2 and 1 are withheld, and the smallest other counts in their columns with them.
    assert last_two == [(SUPPRESSED, SUPPRESSED), (SUPPRESSED, SUPPRESSED)]


def test_members_by_the_number_of_meetings_they_were_at():
    group = SupportGroupFactory()
    people = [UserFactory() for _ in range(4)]
    for week in range(9):
        occurrence = OccurrenceFactory(
            series__group=group, starts_at=at("2026-01-05T18:00:00") + dt.timedelta(weeks=week)
        )
        # the first person came every week, the second twice, the third once, the fourth never
        for person, came in zip(people, (True, week < 2, week == 0, False), strict=True):
            RSVP.objects.create(
                occurrence=occurrence,
                user=person,
                status="going",
                status_changed_at=NOW,
                attended=came,
            )
    table = selectors.attendance(own(group), YEAR).table("members-by-meetings-attended")
    assert figures(table, "people") == {
        "1": 1,
        "2 or 3": 1,
        "4 to 7": 0,
        "8 to 15": 1,
        "16 or more": 0,
    }
    organisation = selectors.attendance(ORGANISATION, YEAR)
    assert set(figures(organisation.table("members-by-meetings-attended"), "people").values()) == {
        SUPPRESSED,
        0,
    }


def test_no_withheld_cell_can_be_worked_out_from_its_row_or_column():
    """Follow-ups due 6 = 5 on time + 0 late + 1 not recorded: hiding the 1 alone would leave
    it at 6 - 5 - 0. The smallest other count beside it goes too, in its row and its column."""
    columns = [
        Column("due", "Due", people=True),
        Column("on_time", "On time", people=True),
        Column("late", "Late", people=True),
        Column("missing", "Not recorded", people=True),
        Column("median", "Median", sample="due"),
    ]
    table = build(
        scope=ORGANISATION,
        slug="t",
        title="t",
        description="",
        row_heading="Week",
        columns=columns,
        rows=[("w1", [6, 5, 0, 1, 3.0]), ("w2", [20, 12, 0, 8, 2.0])],
    )
    first, second = (row.cells for row in table.rows)
    assert first == (6, SUPPRESSED, 0, SUPPRESSED, 3.0)
    # Column "missing" had one hidden cell, so 8 goes with it; then that row has one hidden
    # cell, so its smallest other count (12) goes too.
    assert second == (20, SUPPRESSED, 0, SUPPRESSED, 2.0)
    unsuppressed = build(
        scope=own(SupportGroupFactory()),
        slug="t",
        title="t",
        description="",
        row_heading="Week",
        columns=columns,
        rows=[("w1", [6, 5, 0, 1, 3.0])],
    )
    assert unsuppressed.rows[0].cells == (6, 5, 0, 1, 3.0)


def test_one_groups_every_meeting_in_a_chosen_period_with_an_empty_month():
    group = SupportGroupFactory(name="Circle")
    other = SupportGroupFactory(name="Other circle")
    meetings = {
        when: OccurrenceFactory(series__group=group, starts_at=at(when))
        for when in (
            "2025-12-30T18:00:00",  # before the period
            "2026-01-13T18:00:00",
            "2026-01-20T18:00:00",
            "2026-03-03T18:00:00",
            "2026-03-31T23:30:00",  # 00:30 on 1 April in London: after the period
        )
    }
    OccurrenceFactory(series__group=other, starts_at=at("2026-01-14T18:00:00"))
    for when, going, there in (
        ("2026-01-13T18:00:00", 6, 5),
        ("2026-01-20T18:00:00", 2, 1),
        ("2026-03-03T18:00:00", 7, 7),
        ("2026-03-31T23:30:00", 9, 9),
    ):
        for n in range(going):
            RSVP.objects.create(
                occurrence=meetings[when],
                user=UserFactory(),
                status="going",
                status_changed_at=NOW,
                attended=n < there,
            )
    winter = Period.between(dt.date(2026, 1, 1), dt.date(2026, 3, 1), now=NOW)
    assert winter.label == "January 2026 to March 2026"

    attendance = selectors.attendance(own(group), winter)
    months = {row.label: row.cells for row in attendance.table("attendance-by-month").rows}
    assert months == {
        "January 2026": (2, 8, 6),
        "February 2026": (0, 0, 0),  # no meeting: a row of zeros, not a gap
        "March 2026": (1, 7, 7),
    }
    table = attendance.table("attendance-by-meeting")
    assert table.title == "Each meeting held"
    assert [(row.label, row.cells) for row in table.rows] == [
        ("Circle, 2026-01-13 18:00", (6, 5)),
        ("Circle, 2026-01-20 18:00", (2, 1)),
        ("Circle, 2026-03-03 18:00", (7, 7)),
    ]
    # An organisation lead choosing the group: the 2 and 1 withheld, and beside them the
    # smallest other counts in their columns (6 and 5), so 15 - 6 - 7 gives nothing away.
    as_lead = Scope(group_ids=(group.pk,), suppress_small_cells=True)
    shown = selectors.attendance(as_lead, winter).table("attendance-by-meeting")
    assert [row.cells for row in shown.rows] == [
        (SUPPRESSED, SUPPRESSED),
        (SUPPRESSED, SUPPRESSED),
        (7, 7),
    ]


def test_a_chosen_period_counts_only_its_months_in_the_organisations_calendar():
    group = SupportGroupFactory(name="Circle")
    for _ in range(6):
        membership_event(group, "joined", at("2026-01-10T10:00:00"))  # before the period
    membership_event(group, "admitted", at("2026-02-28T23:30:00"))  # still February in London
    membership_event(group, "approved", at("2026-03-31T23:30:00"))  # 1 April in London
    moderator = UserFactory()
    # Saturday 31 January, before the period; Sunday 1 February, in its first (cut) week.
    crisis_item(group, at("2026-01-31T12:00:00"), claimed_after=3, by=moderator)
    item = crisis_item(group, at("2026-02-01T12:00:00"), claimed_after=7, by=moderator)
    follow_up(item, at("2026-02-20T09:00:00"), None)
    follow_up(item, at("2026-04-01T09:00:00"), None)  # due after the period
    period = Period.between(dt.date(2026, 2, 1), dt.date(2026, 3, 1), now=NOW)

    reach = selectors.reach(own(group), period)
    assert figures(reach.tables[0], "joined") == {"February 2026": 1, "March 2026": 0}
    assert figures(reach.table("joining-by-group"), "joined") == {"Circle": 1}

    safety = selectors.safety(own(group), period)
    weeks = {row.label: row.cells for row in safety.table("crisis-response-by-week").rows}
    # The weeks of February and March: the first begins in January, cut by the period.
    mondays = [dt.date(2026, 1, 26) + dt.timedelta(weeks=n) for n in range(10)]
    assert list(weeks) == [f"Week of {monday.isoformat()}" for monday in mondays]
    assert weeks["Week of 2026-01-26"][:3] == (1, 0, 7.0)  # the Sunday only
    follow_ups = {row.label: row.cells for row in safety.table("follow-ups-by-week").rows}
    assert follow_ups["Week of 2026-02-16"] == (1, 0, 0, 1)
    assert sum(cells[0] for cells in follow_ups.values()) == 1
