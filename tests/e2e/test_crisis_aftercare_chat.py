"""A member in crisis in a group's chat sees their own safety plan in the caring message and
asks to be contacted from it. Its own module, so its own daphne: a daphne that served an earlier
transactional test holds content type ids the flush has since replaced (tests/e2e/conftest.py).
"""

import pytest
from playwright.sync_api import expect

from moderation.models import ContactRequest, ReviewItem, SafetyPlan
from tests.e2e.helpers import say
from tests.e2e.test_crisis_aftercare import PLAN_WORDS
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_member_in_crisis_in_chat_asks_to_be_contacted_from_the_message(signed_in_page, daphne_url):
    import importlib

    from django.apps import apps

    importlib.import_module("moderation.migrations.0002_seed_crisis_lexicon_and_lines").seed(
        apps, None
    )
    group = SupportGroupFactory(name="Night chat")
    member = MembershipFactory(group=group, user=UserFactory(display_name="Marta")).user
    SafetyPlan.objects.create(owner=member, coping_on_my_own=PLAN_WORDS)

    page = signed_in_page(member, daphne_url)
    page.goto(f"/chat/{group.slug}/")
    expect(page.locator("#chat-send")).to_be_enabled()
    say(page, "I can't keep going. I want to end my life.")

    message = page.locator("#chat-crisis")
    expect(message.get_by_text(PLAN_WORDS)).to_be_visible(timeout=15_000)
    text = message.inner_text()
    assert text.index(PLAN_WORDS) < text.index("Samaritans")
    message.get_by_role("button", name="Ask the on-duty facilitator to contact me").click()
    expect(page.get_by_role("heading", name="A facilitator will contact you")).to_be_visible()

    request = ContactRequest.objects.get(member=member)
    assert request.group_id == group.pk
    item = ReviewItem.objects.get(object_id=request.pk, content_type__model="contactrequest")
    assert (item.crisis, item.group_id) == (True, group.pk)
