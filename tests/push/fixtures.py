"""Push fixtures shared by every test folder (tests/conftest.py loads them as a plugin)."""

import pytest

from supportgroups.celery import app
from supportgroups.models import PushSubscription
from supportgroups.push.keys import generate

from . import service as push_service


@pytest.fixture
def vapid(settings):
    """A key pair of this test's own, as production sets them."""
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = generate()
    settings.VAPID_SUBJECT = "mailto:safety@example.org"
    return settings


@pytest.fixture
def push_server():
    server = push_service.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def device_of(push_server):
    """Subscribe a person's new device at the test's push service; returns the device's keys."""

    def subscribe(user, label="Firefox on Android"):
        device = push_service.new_device(push_server)
        PushSubscription.objects.create(
            user=user, endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth, label=label
        )
        return device

    return subscribe


@pytest.fixture
def tasks_run_here():
    """Celery tasks run in this process as they are asked for (retries included): the code
    is the worker's, the queue is skipped. The one test that needs a real worker uses it."""
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False
