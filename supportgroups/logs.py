"""Logs an operator can search, that never hold what people wrote.

- In production every line is one JSON object (`LOG_FORMAT=json`, the default unless DEBUG).
- Each web request gets an id (taken from nginx's `X-Request-ID`, or made here), sent back in the
  response header, written on every line logged while serving it, carried into the Celery tasks
  it queues and into every line of a websocket connection's life; one line per request says how
  it went (method, path without the query string, status, view, milliseconds).
- A filter on the handler replaces email addresses in every line, tracebacks included. Message
  text, post bodies and passwords are never passed to a logger in the first place; the scrubber
  is the net under that rule, not the rule.
"""

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from celery import signals
from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
requests_logger = logging.getLogger("supportgroups.requests")

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
REDACTED_EMAIL = "[email]"
# What a request id from the proxy may look like (nginx's $request_id is 32 hex digits).
ACCEPTED_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def scrub(text: str) -> str:
    return EMAIL.sub(REDACTED_EMAIL, text)


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class PersonalDataFilter(logging.Filter):
    """Formats the message and any traceback once, without email addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class ScrubbedJsonFormatter(JsonFormatter):
    """One JSON object per line; extra fields are scrubbed like the message."""

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {
            key: scrub(value) if isinstance(value, str) else value
            for key, value in log_data.items()
        }


class RequestLogMiddleware:
    """Outermost middleware: the request id, and one line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get("X-Request-ID", "")
        token = request_id.set(offered if ACCEPTED_ID.fullmatch(offered) else new_request_id())
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            match = request.resolver_match
            requests_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "view": match.view_name if match else "",
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            response["X-Request-ID"] = request_id.get()
            return response
        finally:
            request_id.reset(token)


ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def with_connection_id(app: Any) -> ASGIApp:
    """Each websocket connection's lines share one id, from opening to closing."""

    async def connection(scope: dict[str, Any], receive: Any, send: Any) -> None:
        token = request_id.set(new_request_id())
        try:
            await app(scope, receive, send)
        finally:
            request_id.reset(token)

    return connection


@signals.before_task_publish.connect
def _carry_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None and request_id.get():
        headers["request_id"] = request_id.get()


@signals.task_prerun.connect
def _adopt_request_id(task: Any = None, **kwargs: Any) -> None:
    carried = getattr(task.request, "request_id", None) if task is not None else None
    request_id.set(carried or "")


@signals.task_postrun.connect
def _drop_request_id(**kwargs: Any) -> None:
    request_id.set("")
