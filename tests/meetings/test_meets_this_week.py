"""The directory's "Meets this week" filter, answered by meetings' selector in one SQL query."""

import datetime as dt

import pytest
from django.utils import timezone

from groups import selectors
from groups.meetings import services
from tests.factories import OccurrenceFactory

pytestmark = pytest.mark.django_db


def test_meets_this_week_lists_groups_with_a_meeting_in_the_next_seven_days(
    django_assert_num_queries,
):
    now = timezone.now()
    soon = OccurrenceFactory(starts_at=now + dt.timedelta(days=3), series__group__name="Soon")
    OccurrenceFactory(starts_at=now + dt.timedelta(days=9), series__group__name="Later")
    off = OccurrenceFactory(starts_at=now + dt.timedelta(days=2), series__group__name="Off")
    services.cancel_occurrence(occurrence=off)
    OccurrenceFactory(series=soon.series, local_date=dt.date(2099, 1, 1))  # two in one group

    filters = selectors.DirectoryFilters(meets_this_week=True)
    with django_assert_num_queries(1):  # the groups, with a subquery
        found = list(selectors.directory_groups(filters=filters))
    assert [g.name for g in found] == ["Soon"]
