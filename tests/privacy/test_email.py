"""send_user_email: preferences, memorials, one-click unsubscribe and List-Unsubscribe."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from supportgroups.models import NotificationPreference
from supportgroups.privacy import services
from supportgroups.privacy.emails import send_user_email
from supportgroups.privacy.selectors import email_preferences

pytestmark = pytest.mark.django_db


def _send(user, kind="reply"):
    return send_user_email(
        user=user,
        kind=kind,
        subject="Someone replied",
        template="privacy/email/memorial_facilitator.txt",
        context={"body": "A reply to your post"},
    )


def test_every_email_carries_a_working_one_click_unsubscribe(user):
    assert _send(user)
    [message] = mail.outbox
    assert message.to == [user.email]
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(.+)>", header).group(1)
    assert url in message.body  # the same link is in the text
    path = url.split("://", 1)[1].split("/", 1)[1]

    client = Client(enforce_csrf_checks=True)  # mail clients post without a CSRF token
    page = client.get("/" + path)
    assert page.status_code == 200 and "Reply" in page.content.decode()
    assert email_preferences(user=user)["reply"] is True  # a GET (link scanner) changes nothing
    assert client.post("/" + path).status_code == 200
    assert email_preferences(user=user)["reply"] is False

    mail.outbox.clear()
    assert not _send(user)
    assert _send(user, kind="mention")  # other kinds still arrive
    assert NotificationPreference.objects.filter(user=user).count() == 1


def test_a_tampered_unsubscribe_token_is_not_found(client):
    assert client.get(reverse("privacy:unsubscribe", args=["1:bad"])).status_code == 404


def test_account_mail_has_no_unsubscribe_but_a_link_to_preferences(user):
    services.set_email_preference(user=user, kind="reply", email=False)
    assert _send(user, kind="account")
    [message] = mail.outbox
    assert "List-Unsubscribe" not in message.extra_headers
    assert reverse("privacy:email_preferences") in message.body


def test_unknown_kinds_are_refused(user):
    with pytest.raises(ValueError):
        _send(user, kind="newsletter")


def test_memorialised_accounts_get_no_email_at_all(user):
    services.memorialise(user=user, by=None)
    assert not _send(user)
    assert not _send(user, kind="account")
    assert mail.outbox == []


def test_preferences_page_saves_each_kind(member_client, user):
    url = reverse("privacy:email_preferences")
    assert member_client.get(url).status_code == 200
    member_client.post(url, {"reminder": "on", "group": "on"})
    prefs = email_preferences(user=user)
    assert prefs["reminder"] and prefs["group"]
    assert not prefs["reply"] and not prefs["mention"] and not prefs["moderation"]


def test_the_notification_list_and_profile_lead_to_the_privacy_choices(member_client):
    listing = member_client.get(reverse("notifications")).content.decode()
    assert reverse("privacy:email_preferences") in listing
    profile = member_client.get(reverse("profile")).content.decode()
    assert reverse("privacy:settings") in profile
    assert "nobody by default" in profile  # the role follows the privacy setting
