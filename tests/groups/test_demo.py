import io

import pytest

from groups import demo as groups_demo
from groups.models import Membership, MembershipEvent, SupportGroup
from supportgroups import demo as people_demo


@pytest.mark.django_db
def test_demo_data_is_rich_enough_and_idempotent():
    def load():
        people_demo.load(io.StringIO())
        groups_demo.load(io.StringIO())
        return (
            SupportGroup.objects.count(),
            Membership.objects.count(),
            MembershipEvent.objects.count(),
        )

    first = load()
    assert load() == first
    assert first[0] >= 20
    listed = SupportGroup.objects.listed()
    assert listed.values("format").distinct().count() == 3
    assert listed.values("time_zone").distinct().count() >= 5
    assert listed.filter(languages__code="es").exists()
    assert SupportGroup.objects.filter(kind="cohort").count() == 2
    for email in ("sam@example.org", "ana@example.org"):
        assert Membership.objects.filter(user__email=email, role="facilitator").exists()
    for name in ("robin", "kai", "mei", "lucia", "jo"):
        assert Membership.objects.filter(user__email=f"{name}@example.org").exists()
