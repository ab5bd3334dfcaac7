"""Helpers for the tests of the header's links: the home page and its query count, and the
same page rendered without one link's context processor (what the link costs)."""

import copy

from django.db import connection
from django.test.utils import CaptureQueriesContext


def home(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def without_processor(settings, processor: str) -> None:
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].remove(processor)
    settings.TEMPLATES = templates
