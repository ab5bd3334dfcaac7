"""Shared fixtures. Tests run on real PostgreSQL and Redis (see Makefile / .ci/run)."""

import datetime as dt
import os
from pathlib import Path

import pytest
import time_machine
from celery.signals import setup_logging, task_postrun
from django.conf import settings
from django.db import connections
from django.test import Client

from tests.factories import UserFactory, client_for, with_mfa

# The push service a test runs and devices subscribed to it (tests/push/fixtures.py).
pytest_plugins = ["tests.push.fixtures"]

BROWSER_TESTS = Path(__file__).parent / "e2e"


def pytest_addoption(parser):
    parser.addoption(
        "--stage",
        choices=["plain", "browser"],
        help="run only the tests that do not (plain) or do (browser) drive Chromium",
    )


def pytest_configure(config):
    """FAKE_NOW=2027-03-28T00:30:00Z runs the session with the clock moved there (and ticking):
    the suite must pass at any hour, across midnight, month ends and daylight-saving changes."""
    if config.getoption("numprocesses", None) and not config.getoption("stage"):
        raise pytest.UsageError("with -n, add --stage plain or --stage browser (see scripts/test)")
    fake_now = os.environ.get("FAKE_NOW")
    if fake_now:
        traveller = time_machine.travel(dt.datetime.fromisoformat(fake_now), tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config):
    if os.environ.get("FAKE_NOW"):
        return f"FAKE_NOW: the clock starts at {os.environ['FAKE_NOW']}"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests run last (keeping pytest-django's order otherwise), or alone (--stage).

    Playwright's sync API keeps an asyncio loop running in the main thread from its first use to
    the end of the session, after which `async_to_sync` (channel layer, consumer tests) refuses
    to run there. So every non-browser test goes first; under pytest-xdist, where any worker may
    get any test, `make test` runs the two kinds as separate stages.
    """
    misplaced = [item.nodeid for item in items if _uses_browser(item) != _in_browser_folder(item)]
    if misplaced:
        raise pytest.UsageError(
            "Tests that drive Chromium go in tests/e2e/ (where its fixtures are), and only they: "
            + ", ".join(misplaced)
        )
    stage = config.getoption("stage")
    if stage:
        wanted = stage == "browser"
        deselected = [item for item in items if _uses_browser(item) != wanted]
        items[:] = [item for item in items if _uses_browser(item) == wanted]
        config.hook.pytest_deselected(items=deselected)
    items.sort(key=_uses_browser)


def _uses_browser(item) -> bool:
    params = getattr(getattr(item, "callspec", None), "params", {})
    playwright_fixtures = {"page", "context", "browser"} - set(params)  # not a test's own param
    return item.get_closest_marker("e2e") is not None or bool(
        playwright_fixtures & set(item.fixturenames)
    )


def _in_browser_folder(item) -> bool:
    return BROWSER_TESTS in item.path.parents


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def member_client(user) -> Client:
    return client_for(user)


@pytest.fixture
def admin_client(db) -> Client:
    """A superuser signed in, with MFA set up (staff reach the admin only with it); the person is
    `admin_client.staff`."""
    staff = with_mfa(UserFactory(is_staff=True, is_superuser=True, display_name="Staff Sam"))
    client = client_for(staff)
    client.staff = staff
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness costs ~0.3 s per test user; tests don't need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and other cached state must not leak between tests, nor a timed-out
    cache's pause (supportgroups.degrade.SKIP_AFTER_TIMEOUT)."""
    from django.core.cache import cache

    from supportgroups.degrade import cache_outage

    cache_outage.timed_out_at = None
    cache.clear()
    yield


def _close_task_connections(**kwargs):
    """Runs in the worker's task thread: its connection to the test database must not outlive
    the task, or flushing the database after the test waits on it."""
    connections.close_all()


def _leave_logging_alone(**kwargs):
    """Answering Celery's setup_logging signal keeps the worker from configuring logging itself:
    it would empty the root logger's handlers and raise its level to the worker's (ERROR) for
    the rest of the process, and later tests that read warnings with caplog would see none."""


@pytest.fixture
def celery_worker_parameters() -> dict:
    """start_worker() options for `celery_worker`; a module overrides this fixture to ask for,
    say, {"pool": "threads", "concurrency": 2}."""
    return {}


@pytest.fixture
def celery_worker(transactional_db, celery_worker_parameters):
    """A real Celery worker, in a thread of this process, consuming from the test Redis broker.

    Transactional: the worker's thread sees only committed rows. The queue is purged first so
    tasks left by other runs never execute against this test's database. Note that every
    transactional test ends by truncating all tables, rows seeded by data migrations included:
    a worker test that needs seed rows must put them back itself (see `crisis_lexicon`).
    """
    from celery.contrib.testing.worker import start_worker

    from supportgroups.celery import app

    assert settings.CELERY_BROKER_URL.startswith("redis://"), "tests run on Redis"
    app.control.purge()
    options = {"pool": "solo", "shutdown_timeout": 30, **celery_worker_parameters}
    task_postrun.connect(_close_task_connections, weak=False)
    setup_logging.connect(_leave_logging_alone, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, **options) as worker:
            yield worker
    finally:
        task_postrun.disconnect(_close_task_connections)
        setup_logging.disconnect(_leave_logging_alone)
        connections.close_all()
