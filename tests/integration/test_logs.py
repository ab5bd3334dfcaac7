"""Production logs: one JSON object per line, a request id on every line (carried into tasks
and socket connections), and never what people wrote, their email addresses or passwords."""

import asyncio
import datetime as dt
import io
import json
import logging

import pytest
from celery import shared_task
from django.core import mail
from django.urls import reverse

from groups.meetings import reminders, services
from supportgroups import logs
from tests.factories import MembershipFactory, OccurrenceFactory, UserFactory, client_for

CRISIS_WORDS = "I can't keep going. I want to end my life."
PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def log_lines():
    """What the site's own console handler writes, as parsed JSON objects."""
    (handler,) = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler)
        and isinstance(h.formatter, logs.ScrubbedJsonFormatter)
    ]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)

    def lines() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    lines.text = buffer.getvalue  # type: ignore[attr-defined]
    yield lines
    handler.setStream(previous)


def test_each_request_is_one_line_with_an_id_that_the_response_carries(db, log_lines):
    response = client_for(None).get(
        "/groups/?q=secret+words", HTTP_X_REQUEST_ID="proxy-id-12345678"
    )

    (line,) = [entry for entry in log_lines() if entry["logger"] == "supportgroups.requests"]
    assert response["X-Request-ID"] == "proxy-id-12345678" == line["request_id"]
    assert line["method"] == "GET" and line["path"] == "/groups/" and line["status"] == 200
    assert line["level"] == "INFO" and line["view"] and line["duration_ms"] >= 0
    assert "secret" not in log_lines.text()  # query strings (searches) are not logged


def test_an_unusable_request_id_from_outside_is_replaced(db, log_lines):
    response = client_for(None).get("/", HTTP_X_REQUEST_ID="<script>\x00")
    assert len(response["X-Request-ID"]) == 32 and "<" not in log_lines.text()


def test_email_addresses_are_scrubbed_from_messages_and_tracebacks(log_lines):
    logger = logging.getLogger("supportgroups.anything")
    try:
        raise ValueError("no account for rosa.m@example.org")
    except ValueError:
        logger.exception("lookup failed for %s", "rosa.m@example.org")

    (line,) = log_lines()
    assert "rosa.m@example.org" not in log_lines.text()
    assert line["message"] == "lookup failed for [email]"
    assert "no account for [email]" in line["exc_info"]


def test_a_crisis_post_leaves_neither_its_words_nor_the_writers_address_in_the_log(
    board, member, log_lines
):
    response = client_for(member).post(
        f"/forums/b/{board.slug}/new/",
        {"action": "post", "title": "Tonight", "body": CRISIS_WORDS},
    )
    assert "It sounds like things are very hard right now" in response.content.decode()

    text = log_lines.text()
    assert any(entry["path"] == f"/forums/b/{board.slug}/new/" for entry in log_lines())
    assert "end my life" not in text and "Tonight" not in text and member.email not in text


def test_signing_in_logs_neither_the_address_nor_the_password(db, log_lines):
    person = UserFactory(email="noor.k@example.org")
    person.set_password(PASSWORD)
    person.save()
    client = client_for(None)
    client.post(reverse("account_login"), {"login": person.email, "password": "wrong-" + PASSWORD})
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})

    text = log_lines.text()
    assert len([e for e in log_lines() if e["path"] == reverse("account_login")]) == 2
    assert person.email not in text and PASSWORD not in text and "noor.k" not in text


def test_a_reminder_logs_neither_the_address_nor_the_meeting(db, log_lines):
    occurrence = OccurrenceFactory(series__place="Riverside library")
    reader = MembershipFactory(group=occurrence.series.group).user
    services.set_rsvp(occurrence=occurrence, user=reader, going=True)
    now = occurrence.starts_at - dt.timedelta(minutes=90)  # the day-before reminder is due
    reminders.create_due_deliveries(now=now)
    for delivery_id in reminders.take_deliveries_to_enqueue(now=now):
        reminders.send_delivery(delivery_id=delivery_id)

    assert [m.to for m in mail.outbox] == [[reader.email]]
    text = log_lines.text()
    assert reader.email not in text and "Riverside library" not in text


@shared_task(name="tests.log_a_line")
def log_a_line() -> None:
    logging.getLogger("supportgroups.tasks").info("task ran")


def test_a_task_logs_with_the_id_of_the_request_that_queued_it(celery_worker, log_lines):
    token = logs.request_id.set("request-that-queued-it")
    try:
        log_a_line.apply_async(ignore_result=False).get(timeout=20)
    finally:
        logs.request_id.reset(token)

    (line,) = [entry for entry in log_lines() if entry["message"] == "task ran"]
    assert line["request_id"] == "request-that-queued-it"


def test_each_socket_connection_logs_under_an_id_of_its_own():
    seen = []

    async def app(scope, receive, send):
        seen.append(logs.request_id.get())

    connection = logs.with_connection_id(app)

    async def two_connections():
        await connection({"type": "websocket"}, None, None)
        await connection({"type": "websocket"}, None, None)

    asyncio.run(two_connections())
    assert len(set(seen)) == 2 and all(len(i) == 32 for i in seen)
    assert logs.request_id.get() == ""
