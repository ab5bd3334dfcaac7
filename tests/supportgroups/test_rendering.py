"""The home page and the notifications page read exactly as they did before they were made
cheaper to render: compared with stored renderings (tests/supportgroups/golden/, see
tests/golden.py) for a visitor, a member with unread notifications, and a facilitator (whose
header links to the moderation queue)."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.template.loader import get_template
from django.utils import timezone

from supportgroups.models import Notification
from supportgroups.services import notify
from supportgroups.templatetags.site import (
    FOOTER_TEMPLATES,
    HEADER_TEMPLATES,
    footer_context,
    header_context,
)
from tests.factories import FacilitatorMembershipFactory, UserFactory, client_for
from tests.golden import check, pin_sequences

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
START = datetime(2026, 3, 9, 22, 30, tzinfo=UTC)  # late enough that London and Paris differ


@pytest.fixture
def people():
    with time_machine.travel(START, tick=False) as clock:
        pin_sequences()
        marta = UserFactory(display_name="Marta", time_zone="Europe/Paris")
        fay = FacilitatorMembershipFactory(user=UserFactory(display_name="Fay")).user
        for title, body, url in [
            ("Reminder: Tuesday evening", "Starts at 18:30.", "/meetings/1/"),
            ("Bob replied in “Scan day nerves”", "", "/forums/post/7/"),
            ("Your request was approved", "Welcome to Tuesday circle.", ""),
            ("A message from the moderators", "<b>Not bold</b> & kept as text.", ""),
        ]:
            clock.shift(timedelta(minutes=41))
            notify(user=marta, kind="reply", title=title, body=body, url=url)
        Notification.objects.filter(title__startswith="Reminder").update(read_at=timezone.now())
        yield {"marta": marta, "fay": fay}


@pytest.mark.parametrize("viewer", [None, "marta", "fay"])
def test_home_and_notifications_read_exactly_as_before(people, viewer):
    client = client_for(people[viewer] if viewer else None)
    name = viewer or "anonymous"
    with time_machine.travel(START + timedelta(hours=4), tick=False):
        for _fresh_then_kept in range(2):  # a visitor's second is the kept page
            check(GOLDEN, f"home_{name}", client.get("/").content.decode())
        if viewer:
            check(GOLDEN, f"notifications_{name}", client.get("/notifications/").content.decode())


@pytest.mark.parametrize(
    ("names", "context_of", "variable"),
    [(HEADER_TEMPLATES, "header", "header"), (FOOTER_TEMPLATES, "footer", "footer")],
)
def test_header_and_footer_read_only_what_their_cached_context_holds(
    people, names, context_of, variable
):
    """They are cached under a digest of their context: a value they read but the context
    leaves out would print as nothing, silently."""
    if context_of == "header":
        context = header_context({"user": people["fay"], "SITE_NAME": "Support Groups"})
    else:
        context = footer_context()
    source = "".join(get_template(name).template.source for name in names)
    read = set(re.findall(rf"\b{variable}\.(\w+)", source))
    assert read and read <= set(context[variable]), read - set(context[variable])
    urls = set(re.findall(rf"\b{variable}\.urls\.(\w+)", source))
    assert urls <= set(context[variable]["urls"]), urls - set(context[variable]["urls"])
