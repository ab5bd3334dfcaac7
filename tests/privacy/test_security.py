"""Sessions and security page: sessions, sign out everywhere, recent sign-ins."""

import datetime as dt

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from supportgroups.models import DataExport, SignInRecord
from supportgroups.privacy import services
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(user, agent):
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_sign_ins_and_sessions_are_listed_and_sign_out_everywhere_ends_them(user):
    phone = _sign_in(user, "PhoneBrowser/1.0")
    laptop = _sign_in(user, "LaptopBrowser/2.0")
    assert SignInRecord.objects.filter(user=user).count() == 2

    page = laptop.get(reverse("privacy:security")).content.decode()
    assert "PhoneBrowser/1.0" in page and "LaptopBrowser/2.0" in page
    assert "this browser" in page
    assert reverse("mfa_index") in page

    response = laptop.post(reverse("privacy:sign_out_everywhere"))
    assert response.status_code == 302
    assert not UserSession.objects.filter(user=user).exists()
    for client in (phone, laptop):
        assert client.get(reverse("privacy:security")).status_code == 302  # to sign in


def test_only_the_latest_sign_ins_are_kept(user, settings):
    settings.SIGN_IN_HISTORY_KEEP = 3
    for n in range(5):
        services.record_sign_in(user=user, ip="192.0.2.1", user_agent=f"agent {n}")
    kept = list(SignInRecord.objects.filter(user=user).values_list("user_agent", flat=True))
    assert kept == ["agent 4", "agent 3", "agent 2"]


def test_security_page_query_count(user, django_assert_max_num_queries):
    client = _sign_in(user, "X")
    for n in range(5):
        services.record_sign_in(user=user, ip=None, user_agent=f"agent {n}")
    # session, user, user session touch (allauth middleware), sessions list, mfa, sign-ins,
    # unread count, facilitated groups (the header's moderation link,
    # moderation.context_processors); no query per row.
    with django_assert_max_num_queries(10):
        assert client.get(reverse("privacy:security")).status_code == 200


def test_security_and_export_pages_write_dates_like_the_rest_of_the_site(user):
    """The site's format "25 Nov 2026, 08:46" in the viewer's zone, not Django's "Nov. 25, …"."""
    client = _sign_in(user, "DatedBrowser/1.0")
    when = dt.datetime(2026, 11, 25, 8, 46, tzinfo=dt.UTC)
    SignInRecord.objects.filter(user=user).update(at=when)
    DataExport.objects.create(user=user)
    DataExport.objects.filter(user=user).update(requested_at=when)
    user.time_zone = "Asia/Tokyo"  # 17:46 there
    user.save(update_fields=["time_zone"])
    security = client.get(reverse("privacy:security")).content.decode()
    export = client.get(reverse("privacy:export")).content.decode()
    assert ">25 Nov 2026, 17:46</time> · " in security
    assert ">25 Nov 2026, 17:46</time>: " in export
    for page in (security, export):
        assert "a.m." not in page and "p.m." not in page
