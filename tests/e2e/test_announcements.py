"""A facilitator pins an announcement; a member sees it at the top of the group page, says they
have read it, and the facilitator sees the count."""

import pytest
from playwright.sync_api import expect

from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_facilitator_pins_an_announcement_and_a_member_sees_it(live_server, signed_in_page):
    group = SupportGroupFactory(name="Harbour circle", slug="harbour-circle")
    facilitator = FacilitatorMembershipFactory(
        group=group, user=UserFactory(display_name="Facilitator Fay")
    ).user
    member = MembershipFactory(group=group, user=UserFactory(display_name="Member Mo")).user

    tools = signed_in_page(facilitator, live_server.url)
    tools.goto(f"{live_server.url}/groups/harbour-circle/")
    tools.get_by_role("link", name="Write an announcement, and see who has read them").click()
    tools.get_by_label("Title").fill("Tonight moves online")
    tools.get_by_label("Message").fill("Same time, the link is in the chat room.")
    tools.get_by_role("button", name="Post the announcement").click()
    expect(tools.get_by_text("Your announcement is posted.")).to_be_visible()
    expect(tools.get_by_text("0 of 2 members have read it")).to_be_visible()

    page = signed_in_page(member, live_server.url)
    page.goto(f"{live_server.url}/groups/harbour-circle/")
    notice = page.locator("#announcements")
    expect(notice.get_by_role("heading", name="Tonight moves online")).to_be_visible()
    expect(notice.get_by_text("the link is in the chat room")).to_be_visible()
    notice.get_by_role("button", name="I have read this").click()
    expect(page.get_by_text("You have read this.")).to_be_visible()

    tools.reload()
    expect(tools.get_by_text("1 of 2 members has read it")).to_be_visible()
