"""Profile visibility: nobody (default), fellow group members, or all members."""

import pytest
from django.urls import reverse

from supportgroups.models import PrivacySettings
from supportgroups.privacy.permissions import can_view_profile
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory, client_for

pytestmark = pytest.mark.django_db


def _profile(viewer, subject):
    return client_for(viewer).get(reverse("privacy:member", args=[subject.pk])).content.decode()


def test_the_default_is_the_most_private(user):
    user.about_role = "caregiver"
    user.save()
    PrivacySettings.objects.create(user=user, cancer_types="bowel")
    stranger = UserFactory()
    assert PrivacySettings().profile_visibility == PrivacySettings.Visibility.NOBODY
    body = _profile(stranger, user)
    assert "bowel" not in body and "Caregiver" not in body
    assert "keeps their profile private" in body
    assert "bowel" in _profile(user, user)  # people see their own
    assert "bowel" in _profile(UserFactory(is_staff=True), user)


def test_group_members_see_it_and_others_do_not(user):
    PrivacySettings.objects.create(
        user=user, profile_visibility="group_members", about="Diagnosed in May"
    )
    group = SupportGroupFactory()
    MembershipFactory(user=user, group=group)
    fellow = MembershipFactory(group=group).user
    pending = MembershipFactory(group=group, state="pending").user
    assert can_view_profile(fellow, user)
    assert not can_view_profile(pending, user)
    assert not can_view_profile(UserFactory(), user)
    assert "Diagnosed in May" in _profile(fellow, user)


def test_all_members_but_never_anonymous(user, client):
    PrivacySettings.objects.create(user=user, profile_visibility="members", about="Hello all")
    assert "Hello all" in _profile(UserFactory(), user)
    response = client.get(reverse("privacy:member", args=[user.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_saving_settings_and_bad_input(member_client, user):
    url = reverse("privacy:settings")
    response = member_client.post(url, {"profile_visibility": "everyone", "about": "typed"})
    assert response.status_code == 200
    assert "typed" in response.content.decode()
    assert not PrivacySettings.objects.filter(user=user).exists()

    data = {"profile_visibility": "members", "about": "Me", "cancer_types": "skin"}
    member_client.post(url, data)
    member_client.post(url, data)
    saved = PrivacySettings.objects.get(user=user)
    assert (saved.profile_visibility, saved.about, saved.cancer_types) == ("members", "Me", "skin")


def test_profile_page_query_count(user, django_assert_max_num_queries):
    PrivacySettings.objects.create(user=user, profile_visibility="members")
    viewer = client_for(UserFactory())
    # session, viewer, unread count, member with settings and memorial, blocked ids, the
    # viewer's facilitated groups (the header's moderation link, moderation.context_processors)
    with django_assert_max_num_queries(6):
        assert viewer.get(reverse("privacy:member", args=[user.pk])).status_code == 200
