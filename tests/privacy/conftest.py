import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from supportgroups.celery import app as celery_app
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


@pytest.fixture
def celery_worker_thread(transactional_db):
    """A real Celery worker (in a thread of this process) consuming from the test Redis."""
    from celery.contrib.testing.worker import start_worker

    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30
    ) as worker:
        yield worker
