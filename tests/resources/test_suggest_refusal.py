"""Suggesting a resource asks the one write policy (a public place: no group), says why it is
refused beside what was typed, and saves nothing."""

import pytest
from django.urls import reverse

from resources import services
from resources.models import Resource
from tests.factories import sanction
from tests.resources.test_suggestions import suggestion

pytestmark = pytest.mark.django_db
SUGGEST = reverse("resources:suggest")


def test_a_silenced_member_is_told_why_and_keeps_the_text(member_client, user):
    sanction(user, "silence")
    assert "A moderator has paused your posting" in member_client.get(SUGGEST).content.decode()
    response = member_client.post(SUGGEST, suggestion(summary="My careful summary"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "A moderator has paused your posting" in html and "My careful summary" in html
    assert not Resource.objects.exists()


def test_a_group_mute_does_not_stop_suggestions(member_client, user):
    from tests.factories import MembershipFactory

    group = MembershipFactory(user=user).group
    sanction(user, "mute", group=group)
    assert member_client.post(SUGGEST, suggestion()).status_code == 302
    assert Resource.objects.count() == 1


def test_the_service_refuses_too(user):
    from groups.policy import WriteRefused

    sanction(user, "silence")
    with pytest.raises(WriteRefused):
        services.suggest_resource(by=user, **suggestion())
    assert not Resource.objects.exists()
