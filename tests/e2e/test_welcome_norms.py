"""A facilitator writes the group's welcome and norms; a new member joins, meets the norms on
the group page and above the board's form, posts, and the norms step aside."""

import pytest
from playwright.sync_api import expect

from tests.factories import FacilitatorMembershipFactory, SupportGroupFactory, UserFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_new_member_sees_the_norms_before_their_first_post(live_server, signed_in_page):
    group = SupportGroupFactory(name="Harbour circle", slug="harbour-circle", join_policy="open")
    facilitator = FacilitatorMembershipFactory(group=group).user
    newcomer = UserFactory(display_name="Newcomer Nell")

    tools = signed_in_page(facilitator, live_server.url)
    tools.goto(f"{live_server.url}/groups/harbour-circle/manage/edit/")
    tools.get_by_label("Welcome message and group norms").fill(
        "Welcome. What is said here **stays here**."
    )
    tools.get_by_role("button", name="Save").click()
    expect(tools.get_by_text("The group is saved.")).to_be_visible()

    page = signed_in_page(newcomer, live_server.url)
    page.goto(f"{live_server.url}/groups/harbour-circle/")
    page.locator("#membership-actions").get_by_role("button", name="Join").click()
    norms = page.locator(".group-norms")
    expect(norms.get_by_text("stays here")).to_be_visible()

    page.get_by_role("link", name="Read and write in the group's private board").click()
    page.get_by_role("link", name="Start a thread").click()
    expect(page.locator(".group-norms").get_by_text("stays here")).to_be_visible()
    page.get_by_label("Title").fill("Hello from Nell")
    page.get_by_label("Opening message").fill("Glad to be here.")
    page.get_by_role("button", name="Start thread").click()
    expect(page.get_by_role("heading", name="Hello from Nell")).to_be_visible()
    page.goto(f"{live_server.url}/groups/harbour-circle/")
    expect(page.locator(".group-norms")).to_have_count(0)
