"""axe-core on the reports pages, as a facilitator (their groups, in full) and as staff (the
whole organisation, small cells suppressed), on the demo data: each report with its filters,
one group's attendance (its every meeting) and a whole past year."""

import pytest
from django.urls import reverse

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
    """Every report; then one group's attendance for a facilitator (only its facilitators see
    one group alone), a whole past year for the organisation's view."""
    reader = reader_for(person)
    assert reader is not None
    attendance = reverse("reports:report", args=["attendance"])
    group = min(reader.facilitated, default=None)
    narrowed = f"?group={group}&last=6" if group else "?start=2025-01&end=2025-12"
    return [
        reverse("reports:index"),
        *[reverse("reports:report", args=[s]) for s in REPORTS],
        attendance + narrowed,
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
