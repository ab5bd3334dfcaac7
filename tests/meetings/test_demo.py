import io

import pytest

from groups.meetings import demo
from groups.meetings.models import MeetingSeries, Occurrence
from tests.factories import FacilitatorMembershipFactory

pytestmark = pytest.mark.django_db


def test_demo_meetings_load_twice_without_duplicates():
    FacilitatorMembershipFactory()
    FacilitatorMembershipFactory()
    demo.load(io.StringIO())
    counts = (MeetingSeries.objects.count(), Occurrence.objects.count())
    demo.load(io.StringIO())
    assert counts[0] == 2 and counts[1] > 2
    assert (MeetingSeries.objects.count(), Occurrence.objects.count()) == counts
