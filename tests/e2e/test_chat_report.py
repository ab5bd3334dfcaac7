"""A member reports a chat message with a reason from the room, in Chromium through daphne.

In a module of its own, so it has its own daphne process: a daphne serving earlier tests keeps
content type ids that the flush between transactional tests has since replaced.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import say
from tests.factories import MembershipFactory, SupportGroupFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_member_reports_a_message_as_at_risk_from_the_room(signed_in_page, daphne_url):
    from moderation.models import ReviewItem

    group = SupportGroupFactory()
    alice = MembershipFactory(group=group).user
    bob = MembershipFactory(group=group).user
    alice_page = signed_in_page(alice, daphne_url)
    bob_page = signed_in_page(bob, daphne_url)
    for page in (alice_page, bob_page):
        page.goto(f"/chat/{group.slug}/")
        expect(page.locator("#chat-send")).to_be_enabled()
    say(alice_page, "rough week, honestly")
    message = bob_page.locator(".chat-message", has_text="rough week, honestly")
    message.get_by_role("button", name="Report").click()
    message.get_by_label("Why are you reporting this message?").select_option("at_risk")
    message.get_by_role("button", name="Send report").click()
    # Generous: the machine these run on is shared, and the crisis alert is queued on commit.
    expect(bob_page.locator("#chat-notice")).to_have_text(
        "Thank you. A facilitator will look at this message.", timeout=30_000
    )
    item = ReviewItem.objects.get()
    assert item.reason == "at_risk" and item.crisis
    alice_page.context.close()
    bob_page.context.close()
