"""The group page below its header is kept whole (supportgroups.versions) for everyone who stands
where the reader does: it is the same page as rendered, and a change shows at the next request."""

import os
import subprocess
import sys

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups import services
from groups.models import Membership
from tests.factories import (
    CancerTypeFactory,
    FacilitatorMembershipFactory,
    MembershipFactory,
    OccurrenceFactory,
    ResourceFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    group = SupportGroupFactory(name="Sarcoma circle", description="We meet **weekly**.")
    group.cancer_types.add(CancerTypeFactory(name="Sarcoma"))
    FacilitatorMembershipFactory(group=group, user=UserFactory(display_name="Fay"))
    return group


def page(user, group) -> str:
    return client_for(user).get(group.get_absolute_url()).content.decode()


def main_part(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def member_of(group, **kwargs) -> Membership:
    return MembershipFactory(group=group, user=UserFactory(**kwargs))


def test_members_in_the_same_place_share_the_kept_part(group):
    ann, bob = member_of(group).user, member_of(group).user
    # Within one minute: a kept part is never given after the next.
    with time_machine.travel(timezone.now(), tick=False):
        first = page(ann, group)
        with CaptureQueriesContext(connection) as queries:
            second = page(bob, group)
    assert "Sarcoma" in second and "Fay" in second and "<strong>weekly</strong>" in second
    assert main_part(second) == main_part(first)
    shown = " ".join(q["sql"] for q in queries.captured_queries)
    assert "groups_cancertype" not in shown and "resources_resource" not in shown


def test_each_place_has_its_own_page(group):
    member = member_of(group).user
    assert "See who is in this group" in page(member, group)
    assert "See who is in this group" not in page(None, group)
    assert "Facilitator tools" not in page(member, group)
    assert "Facilitator tools" in page(group.memberships.get(role="facilitator").user, group)


def test_changes_show_at_the_next_request(group):
    membership = member_of(group, display_name="Ottoline")
    ann, fay = membership.user, group.memberships.get(role="facilitator").user
    assert "<li>Ottoline</li>" not in page(None, group)
    group.description = "We meet **monthly**."
    group.save()
    assert "<strong>monthly</strong>" in page(ann, group)
    group.cancer_types.add(CancerTypeFactory(name="Bone cancer"))
    assert "Bone cancer" in page(ann, group)
    services.promote(membership=membership, by=fay)
    html = page(None, group)
    assert "<li>Ottoline</li>" in html, "a new facilitator is listed"
    assert "Facilitator tools" in page(ann, group)
    ann.display_name = "Ottilie"
    ann.save()
    assert "<li>Ottilie</li>" in page(None, group)
    OccurrenceFactory(series__group=group, series__title="Evening circle")
    assert "Evening circle" in page(ann, group)
    ResourceFactory(title="Sarcoma UK", tags={"cancer_types": [group.cancer_types.first()]})
    assert "Sarcoma UK" in page(ann, group)


def test_each_reader_sees_meetings_in_their_own_time_zone(group):
    OccurrenceFactory(series__group=group)
    tokyo = member_of(group, time_zone="Asia/Tokyo").user
    utc = member_of(group, time_zone="UTC").user
    assert "(Asia/Tokyo)" in page(tokyo, group)
    assert "(UTC)" in page(utc, group) and "(Asia/Tokyo)" not in page(utc, group)


def test_the_group_page_answers_while_the_cache_is_down(settings, group):
    live = settings.CACHES["default"]
    settings.CACHES = {"default": {**live, "LOCATION": "redis://127.0.0.1:1/0"}}  # refused
    try:
        member = member_of(group).user
        for _ in range(2):
            html = page(member, group)
            assert "Sarcoma" in html and "Fay" in html and "<strong>weekly</strong>" in html
    finally:
        settings.CACHES = {"default": live}


def test_a_worker_s_writes_move_the_kept_parts_versions_too():
    """A Celery worker or a shell never imports the views: set up as one, the process still
    knows which versions a write to a meeting's occurrences moves."""
    script = (
        "import django; django.setup(); from supportgroups.versions import versions_of; "
        "print(sorted(v.key for v in versions_of('meetings_occurrence')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "supportgroups.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert "tables-version:groups-directory" in done.stdout
    assert "tables-version:groups-page" in done.stdout
