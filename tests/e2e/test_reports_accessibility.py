"""axe-core on the reports pages, as a facilitator (their groups, in full) and as staff (the
whole organisation, small cells suppressed), on the demo data: each report with its filters,
and one group's attendance (its every meeting)."""

import pytest
from django.urls import reverse

from groups.models import SupportGroup
from reports.permissions import reader_for
from reports.selectors import REPORTS
from supportgroups.models import User
from tests.e2e.helpers import outside_playwrights_loop
from tests.e2e.test_accessibility import (  # noqa: F401 - demo is a fixture
    AXE,
    AXE_OPTIONS,
    WCAG_22_AA,
    demo,
    violations,
)

pytestmark = pytest.mark.e2e


def pages(person: User) -> list[str]:
    reader = reader_for(person)
    assert reader is not None
    group = min(reader.facilitated, default=None) or SupportGroup.objects.order_by("pk")[0].pk
    attendance = reverse("reports:report", args=["attendance"])
    return [
        reverse("reports:index"),
        *[reverse("reports:report", args=[s]) for s in REPORTS],
        f"{attendance}?group={group}&last=6",
    ]


@pytest.mark.parametrize("email", ["sam@example.org", "admin@example.org"])
def test_reports_pages_meet_wcag_22_aa(signed_in_page, live_server, demo, email):  # noqa: F811
    person = User.objects.get(email=email)
    found = violations(
        signed_in_page, live_server.url, person, outside_playwrights_loop(pages, person)
    )
    assert not found, "\n".join(found)


def test_the_filters_messages_meet_wcag_22_aa(signed_in_page, live_server, demo):  # noqa: F811
    person = User.objects.get(email="sam@example.org")
    page = signed_in_page(person, live_server.url)
    response = page.goto(reverse("reports:report", args=["reach"]) + "?start=2026-13&group=0")
    assert response.status == 400
    assert page.get_by_text("Enter a month as its year and number").is_visible()
    results = AXE.run(page, options=AXE_OPTIONS)
    found = [v["id"] for v in results.response["violations"] if WCAG_22_AA & set(v["tags"])]
    page.context.close()
    assert not found, found
