"""The header's link to the moderation queue: shown to facilitators and staff, never to members
or visitors, and cheap (nothing for visitors and staff; one query for other signed-in people,
then kept beside their access generation until a change of their roles moves it)."""

import pytest
from django.test import Client

from groups import services
from groups.models import Membership
from supportgroups.services import save_account
from tests.factories import UserFactory, client_for
from tests.header import home, without_processor

pytestmark = pytest.mark.django_db

LINK = '<a class="nav-link" href="/moderation/">Moderation</a>'


@pytest.mark.parametrize(
    ("who", "shown", "extra_queries"),
    [("visitor", False, 0), ("member", False, 0), ("facilitator", True, 0), ("staff", True, 0)],
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
    home(client)  # warm per-process caches (content types, site settings) and the kept link
    html, with_link = home(client)
    assert (LINK in html) is shown
    without_processor(settings, "moderation.context_processors.moderation")
    _html, without_link = home(client)
    assert with_link - without_link == extra_queries


def test_signing_in_keeps_it_and_a_change_of_role_shows_at_the_next_page(
    member, facilitator, settings, django_capture_on_commit_callbacks
):
    templates = settings.TEMPLATES
    client = client_for(member)  # signing in works it out and keeps it
    with_link = home(client)[1]
    without_processor(settings, "moderation.context_processors.moderation")
    assert home(client)[1] == with_link, "kept: no query"
    settings.TEMPLATES = templates
    membership = Membership.objects.get(user=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.promote(membership=membership, by=facilitator)
    assert LINK in home(client)[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.demote(membership=membership, by=facilitator)
    assert LINK not in home(client)[0]
    staff = UserFactory()
    staff_client = client_for(staff)
    assert LINK not in home(staff_client)[0]
    staff.is_staff = True
    with django_capture_on_commit_callbacks(execute=True):
        save_account(user=staff, changed=["is_staff"])  # as the admin's form does
    assert LINK in home(staff_client)[0]


def test_the_link_is_worked_out_while_the_cache_is_down(settings, facilitator):
    live = settings.CACHES["default"]
    settings.CACHES = {"default": {**live, "LOCATION": "redis://127.0.0.1:1/0"}}  # refused
    try:
        client = client_for(facilitator)
        assert LINK in home(client)[0] and LINK in home(client)[0]
    finally:
        settings.CACHES = {"default": live}
