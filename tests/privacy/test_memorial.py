"""In memoriam: staff action stops sign-in and email, shows a memorial, tells facilitators."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from supportgroups.models import Memorial, Notification
from supportgroups.privacy import services
from tests.factories import (
    PASSWORD,
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)

User = get_user_model()


def _memorialise_in_admin(admin_client, user):
    return admin_client.post(
        reverse("admin:supportgroups_user_changelist"),
        {"action": "memorialise", "_selected_action": [user.pk]},
    )


@pytest.mark.slow
def test_memorialising_stops_sign_in_and_tells_the_facilitators(
    celery_worker, admin_client, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    group = SupportGroupFactory(name="Tuesday Evening Circle")
    member = MembershipFactory(group=group, user=UserFactory(display_name="Robin")).user
    facilitator = FacilitatorMembershipFactory(group=group).user
    elsewhere = FacilitatorMembershipFactory().user
    member_browser = Client()
    member_browser.force_login(member)

    assert _memorialise_in_admin(admin_client, member).status_code == 302

    member.refresh_from_db()
    assert not member.is_active
    assert Memorial.objects.get(user=member).created_by == admin_client.staff
    assert member_browser.get(reverse("privacy:security")).status_code == 302  # signed out
    assert not Client().login(email=member.email, password=PASSWORD)

    for _ in range(100):
        if Notification.objects.filter(user=facilitator).exists() and mail.outbox:
            break
        time.sleep(0.1)
    note = Notification.objects.get(user=facilitator)
    assert "Robin" in note.title and "Tuesday Evening Circle" in note.body
    assert not Notification.objects.filter(user=elsewhere).exists()
    assert [m.to for m in mail.outbox] == [[facilitator.email]]


@pytest.mark.django_db
def test_the_profile_shows_a_quiet_memorial_and_no_details(user):
    member = UserFactory(display_name="Robin", about_role="patient")
    services.memorialise(user=member, by=None)
    services.memorialise(user=member, by=None)  # twice changes nothing
    assert Memorial.objects.filter(user=member).count() == 1
    client = Client()
    client.force_login(user)
    body = client.get(reverse("privacy:member", args=[member.pk])).content.decode()
    assert "Remembering Robin" in body
    assert "Living with cancer" not in body and "Block" not in body


@pytest.mark.django_db
def test_allauth_sends_no_password_reset_or_unknown_account_email_to_a_memorial(client):
    """Through allauth's real view: a memorialised (inactive) account's address would otherwise
    get allauth's "unknown account" email, an active one its reset link."""
    remembered = UserFactory(email="remembered@example.org")
    services.memorialise(user=remembered, by=None)
    living = UserFactory(email="living@example.org")

    for address in ("remembered@example.org", "REMEMBERED@example.org"):
        response = client.post(reverse("account_reset_password"), {"email": address})
        assert response.status_code == 302
    assert mail.outbox == []

    client.post(reverse("account_reset_password"), {"email": living.email})
    assert [message.to for message in mail.outbox] == [["living@example.org"]]


@pytest.mark.django_db
def test_allauth_mail_is_refused_for_a_memorial_still_marked_active(client):
    """The memorial alone decides, even if the account was reactivated by hand in the admin."""
    remembered = UserFactory(email="kept@example.org")
    Memorial.objects.create(user=remembered)
    response = client.post(reverse("account_reset_password"), {"email": "kept@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
