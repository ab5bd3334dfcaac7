"""Every role can try the demo: its facilitators and staff have MFA on a published secret, and a
command prints their current code, only under DEBUG and only for demo accounts."""

import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import CommandError, call_command
from django.urls import reverse

from groups import demo as groups_demo
from supportgroups import demo as people_demo
from supportgroups.demo import DEMO_PASSWORD
from supportgroups.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    people_demo.load(io.StringIO())
    groups_demo.load(io.StringIO())


def demo_totp(email: str) -> str:
    out = io.StringIO()
    call_command("demo_totp", email, stdout=out)
    return out.getvalue().strip()


def test_a_facilitator_signs_in_with_the_printed_code_and_reaches_the_dashboard(client, demo):
    response = client.post(
        reverse("account_login"), {"login": "sam@example.org", "password": DEMO_PASSWORD}
    )
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("moderation:dashboard")).status_code == 302  # not signed in yet

    code = demo_totp("sam@example.org")
    assert len(code) == 6 and code.isdigit()
    client.post(reverse("mfa_authenticate"), {"code": code})
    dashboard = client.get(reverse("moderation:dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.user.email == "sam@example.org"


def test_staff_and_facilitators_have_mfa_members_do_not(demo):
    with_mfa = User.objects.filter(authenticator__isnull=False).distinct()
    assert sorted(u.email for u in with_mfa) == sorted(people_demo.WITH_MFA)


def test_the_code_is_refused_without_debug(demo, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        demo_totp("sam@example.org")


@pytest.mark.usefixtures("demo")
def test_the_code_is_refused_for_accounts_that_are_not_demo_ones():
    stranger = UserFactory(email="someone@example.org")
    TOTP.activate(stranger, generate_totp_secret())
    for email in ("someone@example.org", "robin@example.org", "nobody@example.org"):
        with pytest.raises(CommandError, match="not a demo account"):
            demo_totp(email)


def test_a_demo_account_with_its_own_authenticator_gets_no_code(demo):
    sam = User.objects.get(email="sam@example.org")
    sam.authenticator_set.all().delete()
    TOTP.activate(sam, generate_totp_secret())
    with pytest.raises(CommandError, match="not a demo account"):
        demo_totp("sam@example.org")


def test_demo_data_refuses_to_load_without_debug():
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("load_demo_data", stdout=io.StringIO())
    assert not User.objects.exists()
