"""The header's link to the moderation queue: shown to facilitators and staff, never to members
or visitors, and cheap (nothing for visitors and staff, one query for other signed-in people)."""

import copy

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory, client_for

pytestmark = pytest.mark.django_db

LINK = '<a class="nav-link" href="/moderation/">Moderation</a>'


def _home(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def _without_the_link(settings) -> None:
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    processors.remove("moderation.context_processors.moderation")
    settings.TEMPLATES = templates


@pytest.mark.parametrize(
    ("who", "shown", "extra_queries"),
    [("visitor", False, 0), ("member", False, 1), ("facilitator", True, 1), ("staff", True, 0)],
)
def test_who_sees_the_link_and_what_it_costs(
    who, shown, extra_queries, settings, member, facilitator
):
    people = {
        "visitor": None,
        "member": member,
        "facilitator": facilitator,
        "staff": UserFactory(is_staff=True),
    }
    client = client_for(people[who]) if people[who] else Client()
    _home(client)  # warm per-process caches (content types, site settings)
    html, with_link = _home(client)
    assert (LINK in html) is shown
    _without_the_link(settings)
    _html, without_link = _home(client)
    assert with_link - without_link == extra_queries
