"""Error reporting (Sentry's SDK) is off unless SENTRY_DSN is set, and what it sends carries no
email address, request body, cookie or local variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from supportgroups.errors import scrub_event, start_error_reporting

ROOT = Path(__file__).resolve().parents[2]


class Captured(Transport):
    """Keeps events instead of sending them anywhere."""

    def __init__(self, options=None):
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope):
        self.events.extend(event for item in envelope.items if (event := item.get_event()))


@pytest.fixture
def reported():
    transport = Captured()
    start_error_reporting(dsn="https://public@errors.example.invalid/1", transport=transport)
    yield transport.events
    sentry_sdk.init()  # no DSN: reporting off again for the rest of this process


def test_a_reported_error_carries_no_email_address(reported):
    def look_up(address):
        stage_of_illness = len(address) * 7919  # a local variable's value: never sent
        raise LookupError(f"no account for {address} ({stage_of_illness > 0})")

    try:
        look_up("rosa.m@example.org")
    except LookupError as error:
        sentry_sdk.capture_exception(error)
    sentry_sdk.flush()

    (event,) = reported
    assert "rosa.m@example.org" not in repr(event)
    assert str(len("rosa.m@example.org") * 7919) not in repr(event)
    assert event["exception"]["values"][0]["value"].startswith("no account for [email]")


def test_request_bodies_cookies_and_identifying_headers_are_dropped():
    event = {
        "request": {
            "url": "https://support.example.org/forums/b/evening/new/",
            "data": {"body": "I want to end my life"},
            "cookies": {"sessionid": "abc"},
            "query_string": "q=my+diagnosis",
            "headers": {"Cookie": "sessionid=abc", "User-Agent": "Firefox", "X-Real-IP": "1.2.3.4"},
        },
        "user": {"email": "ana@example.org"},
        "breadcrumbs": {"values": [{"message": "sent to ana@example.org"}]},
    }

    scrubbed = scrub_event(event)

    assert scrubbed["request"] == {
        "url": "https://support.example.org/forums/b/evening/new/",
        "headers": {"User-Agent": "Firefox"},
    }
    assert "user" not in scrubbed
    assert scrubbed["breadcrumbs"]["values"][0]["message"] == "sent to [email]"


@pytest.mark.parametrize("dsn, active", [("", False), ("https://k@errors.example.invalid/1", True)])
def test_settings_start_reporting_only_when_a_dsn_is_set(dsn, active):
    code = "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().is_active())"
    env = {**os.environ, "SENTRY_DSN": dsn, "DJANGO_SETTINGS_MODULE": "supportgroups.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == str(active), result.stderr
