"""A member reports a post on their group's board; the group's facilitator (TOTP set up) claims
it on the dashboard and hides it with a reason; the post's words are gone for the member, and
its author is told why."""

import re

import pytest
from playwright.sync_api import expect

from forums import services as forums
from moderation.models import AuditLogEntry, ReviewItem
from supportgroups.models import Notification
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    with_mfa,
)

RUDE = "Anyone who chooses chemo is a fool, frankly."
REASON = "Rule 1: we respect each other's treatment choices."


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_member_reports_a_post_and_the_facilitator_hides_it(live_server, signed_in_page):
    group = SupportGroupFactory(name="Evening circle")
    facilitator = with_mfa(UserFactory(display_name="Facil Fern"))
    FacilitatorMembershipFactory(group=group, user=facilitator)
    reporter = MembershipFactory(group=group, user=UserFactory(display_name="Kind Kestrel")).user
    author = MembershipFactory(group=group, user=UserFactory(display_name="Rude Raven")).user
    board = forums.ensure_group_board(group=group)
    thread = forums.create_thread(
        author=reporter, board=board, title="Starting chemo", body="Nervous about Monday."
    ).post.thread
    post = forums.create_reply(author=author, thread=thread, body=RUDE).post
    thread_url = f"{live_server.url}{thread.get_absolute_url()}"

    member_page = signed_in_page(reporter, live_server.url)
    member_page.goto(thread_url)
    member_page.locator(f"#post-{post.pk}").get_by_role("link", name="Report").click()
    member_page.get_by_label("Harassment").check()
    member_page.get_by_label("Anything the facilitators should know").fill("Mocking treatment")
    member_page.get_by_role("button", name="Send report").click()
    expect(member_page.get_by_text("A facilitator will look at this soon")).to_be_visible()

    page = signed_in_page(facilitator, live_server.url)
    page.goto(f"{live_server.url}/moderation/")
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()
    page.get_by_role("link", name=re.compile("Anyone who chooses chemo")).click()
    expect(page.get_by_text("Mocking treatment")).to_be_visible()
    page.get_by_role("button", name="Claim it").click()
    page.locator("summary", has_text=re.compile(r"^Hide$")).click()
    hide = page.get_by_role("form", name="Hide")
    hide.get_by_label("Reason").fill(REASON)
    hide.get_by_role("button", name="Hide").click()
    expect(page.get_by_text("Done: Hide.")).to_be_visible()

    member_page.goto(thread_url)
    expect(member_page.locator(f"#post-{post.pk}")).to_contain_text(
        "This post is hidden by the moderators."
    )
    expect(member_page.get_by_text(RUDE)).to_have_count(0)
    expect(member_page.get_by_text("Nervous about Monday.")).to_be_visible()

    item = ReviewItem.objects.get()
    assert (item.state, item.resolution) == ("resolved", "hidden")
    assert list(AuditLogEntry.objects.values_list("action", flat=True)) == [
        "reported", "claimed", "hide",
    ]  # fmt: skip
    told = Notification.objects.get(user=author, kind="moderation")
    assert told.title == "A facilitator hid something you wrote" and told.body == REASON
    assert "/moderation/appeals/" in told.url
