"""A facilitator makes an invitation link, a second person opens it, signs in, accepts and is in."""

import pytest
from playwright.sync_api import expect

from groups.models import GroupInvitation, Membership
from tests.factories import (
    PASSWORD,
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_invitation_link_from_tools_page_to_member_area(live_server, browser, signed_in_page):
    group = SupportGroupFactory(
        name="Quiet Harbour", slug="quiet-harbour", join_policy="invitation"
    )
    facilitator = FacilitatorMembershipFactory(
        group=group, user=UserFactory(display_name="Facilitator Fay")
    ).user
    MembershipFactory(group=group, user=UserFactory(display_name="Member Mo"))
    guest = UserFactory(display_name="Guest Gil")

    tools = signed_in_page(facilitator, live_server.url)
    tools.goto(f"{live_server.url}/groups/quiet-harbour/manage/")
    invitations = tools.locator("section", has=tools.get_by_role("heading", name="Invitations"))
    invitations.get_by_label("Valid for (days)").fill("3")
    invitations.get_by_role("button", name="Invite").click()

    expect(tools.get_by_role("heading", name="Invitation link")).to_be_visible()
    link = tools.get_by_label("Invitation link").input_value()  # what the facilitator copies
    assert link.startswith("http") and "/groups/invitations/" in link
    invitation = GroupInvitation.objects.get()
    assert invitation.invitee is None and invitation.used_at is None

    # Reloading the link page shows nothing new and makes no second link.
    tools.reload()
    expect(tools.locator(".invitation-shown-once")).to_be_visible()
    assert tools.get_by_label("Invitation link").count() == 0
    assert GroupInvitation.objects.count() == 1

    # The second person, in a browser of their own and signed out, opens the copied link.
    guest_page = browser.new_context().new_page()
    path = link.split("/groups/", 1)[1]
    guest_page.goto(f"{live_server.url}/groups/{path}")
    expect(guest_page.get_by_text("Quiet Harbour")).to_have_count(0)  # nothing told before sign-in
    guest_page.get_by_label("Email").fill(guest.email)
    guest_page.get_by_label("Password").fill(PASSWORD)
    guest_page.get_by_role("button", name="Sign In").click()

    invited = guest_page.get_by_role("heading", name="You are invited to Quiet Harbour")
    expect(invited).to_be_visible()
    guest_page.get_by_role("button", name="Accept the invitation").click()
    expect(guest_page.get_by_text("You are a member of this group. Welcome!")).to_be_visible()
    guest_page.get_by_role("link", name="See who is in this group").click()
    members = guest_page.locator(".member-list")
    for name in ("Guest Gil", "Member Mo", "Facilitator Fay"):
        expect(members).to_contain_text(name)

    assert Membership.objects.get(user=guest, group=group).state == "active"
    invitation.refresh_from_db()
    assert invitation.accepted_by == guest and invitation.used_at is not None
    assert GroupInvitation.objects.count() == 1
