import io

import pytest

from groups import demo as groups_demo
from groups.mentoring import demo, selectors
from groups.mentoring.models import MentorApplication, MentorRequest
from groups.mentoring.permissions import is_coordinator
from supportgroups import demo as people_demo
from supportgroups.models import User


@pytest.mark.django_db
def test_demo_has_mentors_to_rank_for_one_waiting_request_and_is_idempotent():
    people_demo.load(io.StringIO())
    groups_demo.load(io.StringIO())
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    assert MentorApplication.objects.filter(state="approved").count() == 3
    waiting = MentorRequest.objects.get(state="waiting")
    ranked = [s.application.user.display_name for s in selectors.suggestions(waiting)]
    assert ranked[0] == "Kai"  # same cancer, same age band, English
    assert len(ranked) == 3
    admin = User.objects.get(email="admin@example.org")
    assert is_coordinator(admin)  # staff with MFA coordinate
