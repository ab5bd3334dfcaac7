"""axe-core on the reports pages, as a facilitator (their groups, in full) and as staff (the
whole organisation, small cells suppressed), on the demo data."""

import pytest
from django.urls import reverse

from reports.selectors import REPORTS
from supportgroups.models import User
from tests.e2e.test_accessibility import demo, violations  # noqa: F401 - demo is a fixture

pytestmark = pytest.mark.e2e


def pages() -> list[str]:
    return [reverse("reports:index"), *[reverse("reports:report", args=[s]) for s in REPORTS]]


@pytest.mark.parametrize("email", ["sam@example.org", "admin@example.org"])
def test_reports_pages_meet_wcag_22_aa(signed_in_page, live_server, demo, email):  # noqa: F811
    person = User.objects.get(email=email)
    found = violations(signed_in_page, live_server.url, person, pages())
    assert not found, "\n".join(found)
