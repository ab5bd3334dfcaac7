"""Every way an account's access changes tells the person's open sockets, once it has committed:
the admin's forms, the password pages, sanctions (from the admin too). Heard on the real channel
layer; what the sockets then do is tests/chat/test_live_revocation.py."""

import pytest
from django.db import transaction
from django.urls import reverse

from moderation.models import Sanction
from supportgroups import services
from tests.factories import PASSWORD, UserFactory, sanction
from tests.live import ACCESS_CHANGED, listen_to_person

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a quiet walk by the river"


def _account_form(person, **changes) -> dict:
    form = {
        "email": person.email,
        "display_name": person.display_name,
        "time_zone": person.time_zone,
        "about_role": person.about_role,
        "is_active": "on",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def test_deactivating_someone_in_the_admin_tells_their_sockets(
    admin_client, django_capture_on_commit_callbacks
):
    person = UserFactory()
    ears = listen_to_person(person)
    url = reverse("admin:supportgroups_user_change", args=[person.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, _account_form(person, is_active=None))
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert ears.heard() == [ACCESS_CHANGED]


def test_a_profile_edit_in_the_admin_tells_nobody(admin_client, django_capture_on_commit_callbacks):
    person = UserFactory()
    ears = listen_to_person(person)
    url = reverse("admin:supportgroups_user_change", args=[person.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, _account_form(person, display_name="Quiet Robin"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.display_name == "Quiet Robin"
    assert ears.heard() == []


def test_a_password_set_in_the_admin_tells_their_sockets(
    admin_client, django_capture_on_commit_callbacks
):
    person = UserFactory()
    ears = listen_to_person(person)
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    form = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert ears.heard() == [ACCESS_CHANGED]


def test_changing_ones_own_password_tells_ones_other_sockets(
    client, django_capture_on_commit_callbacks
):
    person = UserFactory()
    client.force_login(person)
    ears = listen_to_person(person)
    form = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_change_password"), form)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert ears.heard() == [ACCESS_CHANGED]


def test_a_sanction_and_its_change_in_the_admin_tell_the_person(
    admin_client, django_capture_on_commit_callbacks
):
    person = UserFactory()
    ears = listen_to_person(person)
    with django_capture_on_commit_callbacks(execute=True):
        silence = sanction(person, "silence")
    url = reverse("admin:moderation_sanction_change", args=[silence.pk])
    form = {
        "user": person.pk,
        "kind": "silence",
        "reason": "Lifted after a talk",
        "action": silence.action_id,
        "lifted_at_0": "2025-01-01",
        "lifted_at_1": "10:00:00",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)
    assert response.status_code == 302
    assert Sanction.objects.get().lifted_at is not None
    assert ears.heard() == [ACCESS_CHANGED, ACCESS_CHANGED]


def test_deleting_a_sanction_in_the_admin_tells_the_person(
    admin_client, django_capture_on_commit_callbacks
):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        silence = sanction(person, "silence")
    ears = listen_to_person(person)
    url = reverse("admin:moderation_sanction_delete", args=[silence.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Sanction.objects.exists()
    assert ears.heard() == [ACCESS_CHANGED]


def test_deleting_sanctions_from_the_admin_list_tells_each_person(
    admin_client, django_capture_on_commit_callbacks
):
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sanctions = [sanction(first, "silence"), sanction(second, "warn")]
    ears = [listen_to_person(first), listen_to_person(second)]
    form = {
        "action": "delete_selected",
        "_selected_action": [s.pk for s in sanctions],
        "post": "yes",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:moderation_sanction_changelist"), form)
    assert response.status_code == 302
    assert not Sanction.objects.exists()
    assert [e.heard() for e in ears] == [[ACCESS_CHANGED], [ACCESS_CHANGED]]


def test_a_change_rolled_back_tells_nobody(django_capture_on_commit_callbacks):
    person = UserFactory()
    ears = listen_to_person(person)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        person.is_active = False
        services.save_account(user=person, changed=["is_active"])
        raise RuntimeError("something later in the same change failed")
    assert ears.heard() == []
