"""A member finds the next meeting on the group page and answers "I'm going", in Chromium."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in_with_password
from tests.factories import MembershipFactory, OccurrenceFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_member_answers_going_from_the_group_page(live_server, page):
    occurrence = OccurrenceFactory(series__capacity=2, series__title="Thursday circle")
    group = occurrence.series.group
    member = MembershipFactory(group=group).user

    sign_in_with_password(page, live_server.url, member)
    expect(page.get_by_role("link", name="My meetings")).to_be_visible()

    page.goto(f"{live_server.url}{group.get_absolute_url()}")
    page.get_by_role("link", name="Thursday circle").click()
    expect(page.get_by_role("link", name="Join online")).to_be_visible()
    page.get_by_role("button", name="I'm going").click()
    expect(page.get_by_text("1 of 2 places taken.")).to_be_visible()

    page.get_by_role("link", name="My meetings").click()
    expect(page.get_by_text("Going", exact=True)).to_be_visible()
