"""Sign-up: minimum age, explicit consent with its version, and the no-index promise."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from supportgroups.models import Consent

pytestmark = pytest.mark.django_db


def _form(**extra):
    data = {
        "email": "new@example.org",
        "password1": "a-long-test-password-42",
        "password2": "a-long-test-password-42",
        "display_name": "Gentle Otter",
        "time_zone": "Europe/Paris",
    }
    data.update(extra)
    return data


def test_signup_page_states_the_age_consent_and_search_engines(client, settings):
    settings.MINIMUM_AGE = 18
    body = client.get(reverse("account_signup")).content.decode()
    assert "I am 18 or older" in body
    assert "not shown to search engines" in body
    assert settings.PRIVACY_NOTICE_VERSION in body


def test_signup_without_age_or_consent_is_refused_and_keeps_what_was_typed(client):
    response = client.post(reverse("account_signup"), _form())
    assert response.status_code == 200
    body = response.content.decode()
    assert "at least the minimum age" in body
    assert "without this agreement" in body
    assert 'value="Gentle Otter"' in body
    assert not get_user_model().objects.filter(email="new@example.org").exists()


def test_signup_records_consent_with_date_and_notice_version(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2026-07"
    response = client.post(reverse("account_signup"), _form(confirm_age="on", consent_health="on"))
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new@example.org")
    consents = {c.kind: c for c in Consent.objects.filter(user=user)}
    assert set(consents) == {"minimum_age", "health_data"}
    assert all(c.notice_version == "2026-07" and c.given_at for c in consents.values())
