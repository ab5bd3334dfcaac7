"""The four reports, each a few SQL queries whatever the number of groups: the apps' own
`reports.py` count (groups: reach, attendance, chat; forums: posts; moderation: safety) and
this module lays the counts out as tables for the person's scope."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from forums import reports as forums_reports
from groups import reports as groups_reports
from moderation import reports as moderation_reports
from moderation.models import Reason
from supportgroups.models import User
from supportgroups.reporting import (
    PeriodCount,
    Window,
    add_months,
    months_between,
    organisation_time_zone,
    this_month,
    weeks_within,
)

from .permissions import Scope
from .tables import Column, Table, build

WEEKS = 13
RECENT_MEETINGS = 12
# One group's meetings are listed each; a group meeting daily shows its latest so many.
MEETINGS_OF_A_GROUP = 100

TITLES: dict[str, Promise] = {
    "reach": _("Reach"),
    "attendance": _("Attendance"),
    "safety": _("Safety"),
    "content": _("Content health"),
}


@dataclass(frozen=True)
class Period:
    """The calendar months a report counts (the organisation's), and its window: from the
    first month's first midnight to the end of the last month, or now if that comes sooner."""

    window: Window
    months: tuple[datetime.date, ...]

    @classmethod
    def between(
        cls, first: datetime.date, last: datetime.date, *, now: datetime.datetime
    ) -> "Period":
        window, months = months_between(first, last, now=now)
        return cls(window=window, months=tuple(months))

    @classmethod
    def last_months(cls, count: int, *, now: datetime.datetime) -> "Period":
        """The last `count` months, this one included."""
        last = this_month(now)
        return cls.between(add_months(last, 1 - count), last, now=now)

    @property
    def label(self) -> str:
        return str(
            _("%(first)s to %(last)s")
            % {"first": _month_label(self.months[0]), "last": _month_label(self.months[-1])}
        )


@dataclass(frozen=True)
class Report:
    slug: str
    title: str | Promise
    summary: str | Promise
    tables: tuple[Table, ...]

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.slug == slug), None)


def _month_label(first: datetime.date) -> str:
    return formats.date_format(first, "YEAR_MONTH_FORMAT")


def _week_label(monday: datetime.date) -> str:
    # ISO dates: unambiguous in every language, and they sort in a spreadsheet.
    return str(_("Week of %(day)s") % {"day": monday.isoformat()})


def _meeting_label(group: str, starts_at: datetime.datetime) -> str:
    # The group and its local start, as an ISO date and time (unambiguous in every language).
    local = timezone.localtime(starts_at, organisation_time_zone())
    return str(
        _("%(group)s, %(when)s") % {"group": group, "when": local.strftime("%Y-%m-%d %H:%M")}
    )


def _sum_by_period(counts: Iterable[PeriodCount]) -> dict[datetime.date, int]:
    totals: dict[datetime.date, int] = defaultdict(int)
    for row in counts:
        totals[row.period] += row.count
    return totals


def _sum_by_group(counts: Iterable[PeriodCount]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for row in counts:
        totals[row.group_id] += row.count
    return totals


def _groups_by_name(names: dict[int, str]) -> list[tuple[int, str]]:
    return sorted(names.items(), key=lambda item: (item[1].casefold(), item[0]))


# --- Reach ----------------------------------------------------------------------------------
def reach(scope: Scope, period: Period) -> Report:
    window, months = period.window, period.months
    joined = groups_reports.new_members_by_month(scope.group_ids, window)
    decided = {d.group_id: d for d in groups_reports.decisions(scope.group_ids, window)}
    names = groups_reports.group_names(scope.group_ids)
    per_month = _sum_by_period(joined)
    per_group = _sum_by_group(joined)
    by_month = build(
        scope=scope,
        slug="new-members-by-month",
        title=_("New members by month"),
        description=_("People who became members of a group, each month."),
        row_heading=_("Month"),
        columns=[Column("joined", _("New members"), people=True, charted=True)],
        rows=[(_month_label(m), [per_month.get(m, 0)]) for m in months],
    )
    groups = _groups_by_name(names)
    rows: list[tuple[str, list[int | float | None]]] = []
    for group_id, name in groups:
        answer = decided.get(group_id)
        rows.append(
            (
                name,
                [
                    per_group.get(group_id, 0),
                    answer.requests if answer else 0,
                    answer.approved if answer else 0,
                    answer.declined if answer else 0,
                    answer.median_hours_to_decision if answer else None,
                ],
            )
        )
    by_group = build(
        scope=scope,
        slug="joining-by-group",
        title=_("Joining, by group"),
        description=_(
            "New members in the period, requests to join, how they were answered "
            "and the median time to an answer."
        ),
        row_heading=_("Group"),
        columns=[
            Column("joined", _("New members"), people=True),
            Column("requests", _("Requests"), people=True),
            Column("approved", _("Approved"), people=True),
            Column("declined", _("Declined"), people=True),
            Column("median", _("Median time to an answer"), sample="requests", unit=_("hours")),
        ],
        rows=rows,
        row_groups=[pk for pk, _name in groups],
    )
    by_term = tuple(
        _term_table(scope, window, dimension, title) for dimension, title in TERM_TABLES
    )
    return Report(
        slug="reach",
        title=TITLES["reach"],
        summary=_("How many people the groups reached, and how quickly requests were answered."),
        tables=(by_month, *by_term, by_group),
    )


TERM_TABLES: tuple[tuple[groups_reports.Dimension, Promise], ...] = (
    ("cancer_type", _("New members by cancer type")),
    ("audience", _("New members by audience")),
    ("language", _("New members by language of the group")),
)


def _term_table(
    scope: Scope,
    window: Window,
    dimension: groups_reports.Dimension,
    title: Promise,
) -> Table:
    counts = groups_reports.new_members_by_term(scope.group_ids, window, dimension)
    languages = dict(settings.LANGUAGES)
    rows = sorted(
        (
            (
                str(languages.get(c.term, c.term)) if dimension == "language" else c.term,
                c.count,
            )
            for c in counts
            if c.term
        ),
        key=lambda row: (-row[1], row[0].casefold()),
    )
    untagged = sum(c.count for c in counts if not c.term)
    if untagged:
        rows.append((str(_("Not given")), untagged))
    return build(
        scope=scope,
        slug=f"new-members-by-{dimension.replace('_', '-')}",
        title=title,
        description=_(
            "People who became members in the period, by what their group is about "
            "(a group with two tags counts its new members under both)."
        ),
        row_heading=_("Group's focus"),
        columns=[Column("joined", _("New members"), people=True, charted=True)],
        rows=[(label, [count]) for label, count in rows],
    )


ATTENDANCE_BANDS: tuple[tuple[Promise, int, float], ...] = (
    (_("1"), 1, 1),
    (_("2 or 3"), 2, 3),
    (_("4 to 7"), 4, 7),
    (_("8 to 15"), 8, 15),
    (_("16 or more"), 16, float("inf")),
)


# --- Attendance -----------------------------------------------------------------------------
def attendance(scope: Scope, period: Period) -> Report:
    window, months = period.window, period.months
    rows = groups_reports.attendance_by_month(scope.group_ids, window)
    names = groups_reports.group_names(scope.group_ids)
    groups = _groups_by_name(names)
    month_totals: dict[datetime.date, list[int]] = defaultdict(lambda: [0, 0, 0])
    group_totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        for totals in (month_totals[row.month], group_totals[row.group_id]):
            totals[0] += row.meetings
            totals[1] += row.going
            totals[2] += row.attended
    columns = [
        Column("meetings", _("Meetings held")),
        Column("going", _("Said they were going"), people=True, charted=True),
        Column("attended", _("Were there"), people=True, charted=True),
    ]
    by_month = build(
        scope=scope,
        slug="attendance-by-month",
        title=_("Attendance by month"),
        description=_(
            "Meetings held, the replies saying “going”, and the people the facilitators "
            "marked as there."
        ),
        row_heading=_("Month"),
        columns=columns,
        rows=[(_month_label(m), list(month_totals.get(m, [0, 0, 0]))) for m in months],
    )
    by_group = build(
        scope=scope,
        slug="attendance-by-group",
        title=_("Attendance, by group"),
        description=_("The same figures over the period, for each group."),
        row_heading=_("Group"),
        columns=[Column(c.key, c.label, people=c.people) for c in columns],
        rows=[(name, list(group_totals.get(group_id, [0, 0, 0]))) for group_id, name in groups],
        row_groups=[pk for pk, _name in groups],
    )
    by_meeting = _meetings_table(scope, window, names, columns[1:])
    per_member = groups_reports.meetings_attended_per_member(scope.group_ids, window)
    regulars = build(
        scope=scope,
        slug="members-by-meetings-attended",
        title=_("Members by meetings attended"),
        description=_("How many people were at 1 meeting, at 2 or 3, and so on, in the period."),
        row_heading=_("Meetings attended"),
        columns=[Column("people", _("People"), people=True, charted=True)],
        rows=[
            (str(label), [sum(1 for n in per_member if low <= n <= high)])
            for label, low, high in ATTENDANCE_BANDS
        ],
    )
    quiet = {q.group_id: q for q in groups_reports.quiet_members(scope.group_ids, window)}
    quiet_table = build(
        scope=scope,
        slug="members-gone-quiet",
        title=_("Members gone quiet, by group"),
        description=_(
            "Members today, those who have done nothing in the group for a week, and how many "
            "of those the facilitators have checked in with since."
        ),
        row_heading=_("Group"),
        columns=[
            Column("members", _("Members"), people=True),
            Column("quiet", _("Gone quiet"), people=True),
            Column("followed_up", _("Checked in with"), people=True),
        ],
        rows=[
            (name, [q.members, q.quiet, q.followed_up] if (q := quiet.get(pk)) else [0, 0, 0])
            for pk, name in groups
        ],
        row_groups=[pk for pk, _name in groups],
    )
    cohorts = groups_reports.cohort_completion(scope.group_ids, window)
    cohort_table = build(
        scope=scope,
        slug="cohort-completion",
        title=_("Cohorts: started and finished"),
        description=_(
            "Cohorts that ended in the period: members who started, and those who "
            "stayed to the last day."
        ),
        row_heading=_("Cohort"),
        columns=[
            Column("started", _("Started"), people=True, charted=True),
            Column("finished", _("Finished"), people=True, charted=True),
        ],
        rows=[
            (
                str(
                    _("%(group)s (ended %(day)s)")
                    % {"group": names.get(c.group_id, ""), "day": c.ended_on.isoformat()}
                ),
                [c.started, c.finished],
            )
            for c in cohorts
        ],
    )
    return Report(
        slug="attendance",
        title=TITLES["attendance"],
        summary=_("Who came to the meetings, from the replies and the attendance taken."),
        tables=(by_month, by_meeting, regulars, by_group, cohort_table, quiet_table),
    )


def _meetings_table(
    scope: Scope, window: Window, names: dict[int, str], columns: list[Column]
) -> Table:
    """One group's meetings, each held in the period; several groups' last few meetings."""
    one_group = scope.group_ids is not None and len(scope.group_ids) == 1
    count = MEETINGS_OF_A_GROUP if one_group else RECENT_MEETINGS
    meetings = groups_reports.recent_meetings(scope.group_ids, window, count)
    title: str | Promise
    description: str | Promise
    if one_group:
        title = _("Each meeting held")
        description = _(
            "Every meeting the group held in the period (the last %(count)d at most), oldest "
            "first: the replies saying “going”, and the people the facilitators marked as "
            "there."
        ) % {"count": count}
    else:
        title = _("The last %(count)d meetings") % {"count": count}
        description = _(
            "The most recent meetings held in the period, oldest first: the replies saying "
            "“going”, and the people the facilitators marked as there."
        )
    return build(
        scope=scope,
        slug="attendance-by-meeting",
        title=title,
        description=description,
        row_heading=_("Meeting"),
        columns=columns,
        rows=[
            (_meeting_label(names.get(m.group_id, ""), m.starts_at), [m.going, m.attended])
            for m in meetings
        ],
    )


# --- Safety ---------------------------------------------------------------------------------
_RESPONSE_COLUMNS = [
    Column("items", _("Crisis items"), people=True),
    Column("escalated", _("Escalated to backups"), people=True),
    Column("claim_median", _("Median to a person"), sample="items", unit=_("minutes")),
    Column("claim_p90", _("90th percentile to a person"), sample="items", unit=_("minutes")),
    Column("claim_worst", _("Longest to a person"), sample="items", unit=_("minutes")),
    Column("close_median", _("Median to closing"), sample="items", unit=_("minutes")),
    Column("close_p90", _("90th percentile to closing"), sample="items", unit=_("minutes")),
    Column("close_worst", _("Longest to closing"), sample="items", unit=_("minutes")),
]


def _response_cells(
    times: moderation_reports.ResponseTimes | None,
) -> list[int | float | None]:
    if times is None:
        return [0, 0, None, None, None, None, None, None]
    return [
        times.items,
        times.escalated,
        times.to_claim_median,
        times.to_claim_p90,
        times.to_claim_worst,
        times.to_close_median,
        times.to_close_p90,
        times.to_close_worst,
    ]


def _charting(columns: list[Column], keys: tuple[str, ...]) -> list[Column]:
    return [Column(c.key, c.label, c.people, c.sample, c.key in keys, c.unit) for c in columns]


def safety(scope: Scope, period: Period) -> Report:
    weeks_window, mondays = weeks_within(period.window, WEEKS)
    window = period.window
    weekly = {
        r.period: r
        for r in moderation_reports.crisis_response(scope.group_ids, weeks_window, by="week")
    }
    hourly = {
        r.period: r for r in moderation_reports.crisis_response(scope.group_ids, window, by="hour")
    }
    follow_ups = {
        f.week: f for f in moderation_reports.follow_ups_by_week(scope.group_ids, weeks_window)
    }
    reasons = moderation_reports.reports_by_reason(scope.group_ids, window)
    handled = moderation_reports.items_handled_by_person(scope.group_ids, window)
    people = dict(User.objects.filter(pk__in=list(handled)).values_list("pk", "display_name"))
    by_week = build(
        scope=scope,
        slug="crisis-response-by-week",
        title=_("Time to a person, by week"),
        description=_(
            "From a crisis flag to the first person who claimed it, and to its closing, for "
            "crisis items opened each week (the last 13 weeks of the period; a week cut by its "
            "start counts its days inside). An item still waiting counts until now."
        ),
        row_heading=_("Week"),
        columns=_charting(_RESPONSE_COLUMNS, ("claim_median", "claim_p90")),
        rows=[(_week_label(m), _response_cells(weekly.get(m))) for m in mondays],
    )
    by_hour = build(
        scope=scope,
        slug="crisis-response-by-hour",
        title=_("Time to a person, by hour of the day"),
        description=_(
            "The same times over the period, by the hour the crisis flag was raised "
            "(the organisation's clock)."
        ),
        row_heading=_("Hour"),
        columns=_charting(_RESPONSE_COLUMNS, ("claim_median", "claim_p90")),
        rows=[(f"{hour:02d}:00", _response_cells(hourly.get(hour))) for hour in range(24)],
    )
    follow_up_table = build(
        scope=scope,
        slug="follow-ups-by-week",
        title=_("Follow-ups after a crisis, by week due"),
        description=_(
            "Follow-ups falling due each week (the last 13 weeks of the period): recorded on "
            "time, late, or not yet."
        ),
        row_heading=_("Week"),
        columns=[
            Column("due", _("Due"), people=True),
            Column("on_time", _("On time"), people=True, charted=True),
            Column("late", _("Late"), people=True, charted=True),
            Column("not_done", _("Not recorded"), people=True, charted=True),
        ],
        rows=[
            (
                _week_label(m),
                [f.due, f.on_time, f.late, f.not_done]
                if (f := follow_ups.get(m))
                else [0, 0, 0, 0],
            )
            for m in mondays
        ],
    )
    reason_table = build(
        scope=scope,
        slug="reports-by-reason",
        title=_("Reports by reason"),
        description=_("Reports members made in the period, by the reason they gave."),
        row_heading=_("Reason"),
        columns=[Column("reports", _("Reports"), people=True, charted=True)],
        rows=[(str(reason.label), [reasons.get(reason.value, 0)]) for reason in Reason],
    )
    handled_table = build(
        scope=scope,
        slug="items-closed-by-person",
        title=_("Items closed, by facilitator or moderator"),
        description=_("How many review items each person closed in the period."),
        row_heading=_("Facilitator or moderator"),
        columns=[Column("closed", _("Items closed"))],
        rows=sorted(
            ((people.get(pk, ""), [count]) for pk, count in handled.items()),
            key=lambda row: row[0].casefold(),
        ),
    )
    return Report(
        slug="safety",
        title=TITLES["safety"],
        summary=_("How quickly a person in crisis reached a human, and what followed."),
        tables=(by_week, by_hour, follow_up_table, reason_table, handled_table),
    )


# --- Content health -------------------------------------------------------------------------
def content(scope: Scope, period: Period) -> Report:
    window, months = period.window, period.months
    posts = forums_reports.posts_by_month(scope.group_ids, window)
    chat = groups_reports.chat_messages_by_month(scope.group_ids, window)
    unanswered = forums_reports.unanswered_threads(scope.group_ids, window)
    groups = _groups_by_name(groups_reports.group_names(scope.group_ids))
    posts_month, chat_month = _sum_by_period(posts), _sum_by_period(chat)
    posts_group, chat_group = _sum_by_group(posts), _sum_by_group(chat)
    by_month = build(
        scope=scope,
        slug="activity-by-month",
        title=_("Posts and chat messages by month"),
        description=_("Posts on the groups' boards and messages in their chat rooms."),
        row_heading=_("Month"),
        columns=[
            Column("posts", _("Posts"), charted=True),
            Column("chat", _("Chat messages"), charted=True),
        ],
        rows=[(_month_label(m), [posts_month.get(m, 0), chat_month.get(m, 0)]) for m in months],
    )
    by_group = build(
        scope=scope,
        slug="activity-by-group",
        title=_("Activity, by group"),
        description=_(
            "Posts and chat messages in the period, and threads started in it that nobody "
            "answered within 48 hours."
        ),
        row_heading=_("Group"),
        columns=[
            Column("posts", _("Posts")),
            Column("chat", _("Chat messages")),
            Column("unanswered", _("Unanswered threads")),
        ],
        rows=[
            (name, [posts_group.get(pk, 0), chat_group.get(pk, 0), unanswered.get(pk, 0)])
            for pk, name in groups
        ],
        row_groups=[pk for pk, _name in groups],
    )
    return Report(
        slug="content",
        title=TITLES["content"],
        summary=_("How lively each group is, and where someone is waiting for an answer."),
        tables=(by_month, by_group),
    )


REPORTS: dict[str, Callable[[Scope, Period], Report]] = {
    "reach": reach,
    "attendance": attendance,
    "safety": safety,
    "content": content,
}
