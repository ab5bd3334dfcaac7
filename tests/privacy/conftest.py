import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def staff_client(db):
    """A staff member with two-factor authentication, so admin lets them in."""
    staff = UserFactory(is_staff=True, is_superuser=True, display_name="Staff Sam")
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(staff)
    client.staff = staff
    return client
