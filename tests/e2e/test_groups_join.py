"""Find a group by filter, ask to join, a facilitator approves, the member sees the members."""

import re

import pytest
from playwright.sync_api import expect

from groups.models import Membership
from tests.factories import (
    CancerTypeFactory,
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_find_request_approve_and_see_members(live_server, signed_in_page):
    lung = CancerTypeFactory(name="Lung cancer", slug="lung")
    group = SupportGroupFactory(
        name="Breathing Space", slug="breathing-space", join_policy="approval"
    )
    group.cancer_types.add(lung)
    SupportGroupFactory(name="Unrelated circle")
    facilitator = FacilitatorMembershipFactory(
        group=group, user=UserFactory(display_name="Facilitator Fay")
    ).user
    MembershipFactory(group=group, user=UserFactory(display_name="Member Mo"))
    applicant = UserFactory(display_name="Applicant Ada")

    page = signed_in_page(applicant, live_server.url)
    page.goto(f"{live_server.url}/groups/")
    expect(page.get_by_test_id("result-count")).to_have_text("2 groups found")
    # htmx: changing a filter swaps the results in place and puts the filter in the URL.
    page.get_by_label("Cancer type").select_option(label="Lung cancer")
    expect(page.get_by_test_id("result-count")).to_have_text("1 group found")
    expect(page).to_have_url(re.compile(r"cancer_type=lung"))
    page.get_by_role("link", name="Breathing Space").click()

    page.get_by_role("link", name="Request to join").click()
    page.get_by_label("A note to the facilitators").fill("I was diagnosed last spring.")
    page.get_by_role("button", name="Request to join").click()
    expect(page.get_by_text("Your request is with the facilitators")).to_be_visible()
    expect(page.get_by_text("Your request is waiting for a facilitator")).to_be_visible()
    assert page.get_by_role("link", name="See who is in this group").count() == 0

    # The facilitator works from a phone: 320 px wide, nothing wider than the screen.
    tools = signed_in_page(facilitator, live_server.url, viewport={"width": 320, "height": 800})
    tools.goto(f"{live_server.url}/groups/breathing-space/manage/")
    assert tools.evaluate("document.documentElement.scrollWidth") <= 320
    request = tools.get_by_role("article", name="Applicant Ada")
    expect(request.get_by_text("I was diagnosed last spring.")).to_be_visible()
    request.get_by_label("Message to the person").fill("Welcome, see you on Tuesday")
    request.get_by_role("button", name="Approve").click()
    expect(tools.get_by_text("Applicant Ada: Approved.")).to_be_visible()
    assert Membership.objects.get(user=applicant, group=group).state == "active"

    page.reload()
    expect(page.get_by_text("You are a member")).to_be_visible()
    page.get_by_role("link", name="See who is in this group").click()
    members = page.locator(".member-list")
    for name in ("Applicant Ada", "Member Mo", "Facilitator Fay"):
        expect(members).to_contain_text(name)
    assert applicant.email not in page.content()
