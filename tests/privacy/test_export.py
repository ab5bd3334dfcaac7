"""Data export: complete against the registry, built by a real Celery worker, link expires."""

import json
import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from supportgroups.models import DataExport
from supportgroups.privacy import export, registry
from tests.factories import MembershipFactory, UserFactory
from tests.privacy.everything import SECRET_SEED, give_everything


@pytest.mark.django_db
def test_export_holds_a_row_for_every_registered_model_and_no_secrets(user):
    other = give_everything(user)
    data = json.loads(json.dumps(export.collect(user=user), default=str))

    assert data["account"]["email"] == user.email
    assert "password" not in data["account"]
    for entry in registry.entries():
        if entry.on_delete == "account":
            continue
        if entry.export is None:
            assert entry.label in data["not_exported"]
            continue
        if entry.label == "supportgroups.Memorial":  # only memorials of the person themselves
            continue
        assert data["records"][entry.label]["rows"], f"{entry.label} missing from the export"

    text = json.dumps(data)
    assert SECRET_SEED not in text
    for words in [
        "My mum has lymphoma",
        "Scared of the results",
        "See you all on Tuesday",
        "Claims a miracle cure",
        "I was quoting someone",
        "Sorry, I was upset",
        "Helped my sister",
        "Walk by the river",
        "A hard evening",
    ]:
        assert words in text
    blocks = data["records"]["supportgroups.Block"]["rows"]
    assert [row["blocked"] for row in blocks] == [other.display_name]
    # The person may know staff looked, not which staff member.
    assert "Staff" not in json.dumps(data["records"]["supportgroups.AdminAccessLog"])


@pytest.mark.django_db
def test_a_second_request_while_one_is_pending_adds_nothing(member_client, user):
    member_client.post(reverse("privacy:export"))
    member_client.post(reverse("privacy:export"))
    assert DataExport.objects.filter(user=user).count() == 1


@pytest.mark.slow
def test_export_is_built_by_the_worker_and_emailed_as_a_link_for_that_person_only(
    celery_worker, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner = UserFactory()
    MembershipFactory(user=owner, join_note="Newly diagnosed")
    client = Client()
    client.force_login(owner)

    response = client.post(reverse("privacy:export"), follow=True)
    assert "email you a link" in response.content.decode()

    exported = DataExport.objects.get(user=owner)
    for _ in range(100):
        exported.refresh_from_db()
        if exported.state == DataExport.State.READY and mail.outbox:
            break
        time.sleep(0.1)
    assert exported.state == DataExport.State.READY
    [message] = mail.outbox
    assert message.to == [owner.email]
    links = re.findall(r"http://\S+/(account/privacy/export/\S+/(?:json|html)/)", message.body)
    assert len(links) == 2
    json_link, html_link = "/" + links[1], "/" + links[0]

    download = client.get(json_link)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "Newly diagnosed" in download.content.decode()
    page = client.get(html_link)
    assert page.status_code == 200 and "Newly diagnosed" in page.content.decode()

    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(json_link).status_code == 404
    assert Client().get(json_link).status_code == 302  # must sign in first

    settings.DATA_EXPORT_LINK_MAX_AGE = -1  # every link is now too old
    assert client.get(json_link).status_code == 404


@pytest.mark.django_db
def test_expired_exports_are_purged(user, settings):
    DataExport.objects.create(user=user)
    assert export.purge_expired(max_age=-1) == 1
    assert not DataExport.objects.exists()
