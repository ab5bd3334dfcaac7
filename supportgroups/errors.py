"""Optional error reporting with Sentry's SDK, started by settings when SENTRY_DSN is set.

Nothing personal leaves: no request bodies, cookies, headers that identify, local variables or
user details (`data_collection`), and every string in an event has its email addresses
replaced, as in the logs (supportgroups/logs.py)."""

from typing import Any

from supportgroups.logs import scrub

PRIVATE_HEADERS = {"cookie", "authorization", "x-csrftoken", "x-forwarded-for", "x-real-ip"}


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    request = event.get("request")
    if isinstance(request, dict):
        for private in ("data", "cookies", "query_string", "env"):
            request.pop(private, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value
                for name, value in headers.items()
                if name.lower() not in PRIVATE_HEADERS
            }
    event.pop("user", None)
    return _scrubbed(event)


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    return _scrubbed(crumb)


def start_error_reporting(*, dsn: str, environment: str = "", transport: Any = None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        # Collect nothing that could name a person or carry what they wrote.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": ["user-agent", "host"]}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        max_request_body_size="never",
        traces_sample_rate=0,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=scrub_event,  # type: ignore[arg-type]  # the SDK's Event is a TypedDict
        before_breadcrumb=scrub_breadcrumb,
        transport=transport,
    )
