"""The beat tasks, run as plain functions (their delivery through a worker is tested elsewhere)."""

import datetime as dt

import pytest
from django.utils import timezone

from groups.meetings import tasks
from tests.factories import MeetingSeriesFactory

pytestmark = pytest.mark.django_db


def test_hourly_materialising_fills_running_series_and_skips_ended_ones():
    today = timezone.localdate()
    running = MeetingSeriesFactory(starts_on=today + dt.timedelta(days=1))
    ended = MeetingSeriesFactory(
        starts_on=today - dt.timedelta(days=60), ended_on=today - dt.timedelta(days=30)
    )
    assert tasks.materialise_all() == 1
    made = running.occurrences.count()
    assert 12 <= made <= 13
    assert not ended.occurrences.exists()
    assert tasks.materialise_all() == 1
    assert running.occurrences.count() == made  # running it again adds nothing
