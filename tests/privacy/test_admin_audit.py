"""Which staff member viewed a member's private data in admin is logged; the log is read-only."""

import pytest
from django.urls import reverse

from supportgroups.models import AdminAccessLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_opening_a_member_in_admin_is_logged(admin_client):
    member = UserFactory(display_name="Private Person")
    url = reverse("admin:supportgroups_user_change", args=[member.pk])
    assert admin_client.get(url).status_code == 200
    log = AdminAccessLog.objects.get()
    assert log.staff == admin_client.staff and log.subject == member
    assert log.subject_label == "Private Person" and log.method == "GET"
    assert admin_client.staff.email in log.staff_label

    # The list of people is not the private data, so it isn't logged.
    admin_client.get(reverse("admin:supportgroups_user_changelist"))
    assert AdminAccessLog.objects.count() == 1


def test_the_access_log_cannot_be_changed_from_the_site(admin_client):
    admin_client.get(reverse("admin:supportgroups_user_change", args=[UserFactory().pk]))
    log = AdminAccessLog.objects.get()
    listing = reverse("admin:supportgroups_adminaccesslog_changelist")
    assert admin_client.get(listing).status_code == 200
    assert admin_client.get(reverse("admin:supportgroups_adminaccesslog_add")).status_code == 403
    delete = reverse("admin:supportgroups_adminaccesslog_delete", args=[log.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:supportgroups_adminaccesslog_change", args=[log.pk])
    admin_client.post(change, {"staff_label": "someone else"})
    log.refresh_from_db()
    assert log.staff_label != "someone else"


def test_staff_without_two_factor_never_reach_the_data(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get(reverse("admin:supportgroups_user_change", args=[UserFactory().pk]))
    assert response.status_code == 302
    assert not AdminAccessLog.objects.exists()


def test_opening_a_membership_with_screening_answers_is_logged_against_the_member(admin_client):
    from tests.factories import MembershipFactory

    membership = MembershipFactory(join_note="Diagnosed last spring")
    url = reverse("admin:groups_membership_change", args=[membership.pk])
    assert admin_client.get(url).status_code == 200
    log = AdminAccessLog.objects.get()
    assert log.subject == membership.user and log.object_label.startswith("membership")
