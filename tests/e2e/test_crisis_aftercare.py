"""A member in crisis sees their own safety plan first, asks to be contacted, and the on-duty
facilitator's open dashboard shows the request live: daphne for pages and sockets, a real
Celery worker sending the alert, Redis between them."""

import pytest
from playwright.sync_api import expect

from forums import services as forums
from moderation.models import ContactRequest, ReviewItem, SafetyPlan
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    OnDutyShiftFactory,
    SupportGroupFactory,
    UserFactory,
    with_mfa,
)

PLAN_WORDS = "Walk the dog along the canal"


@pytest.mark.e2e
@pytest.mark.slow
def test_member_in_crisis_sees_their_plan_and_asks_to_be_contacted(
    signed_in_page, daphne_url, celery_worker
):
    import importlib

    from django.apps import apps

    importlib.import_module("moderation.migrations.0002_seed_crisis_lexicon_and_lines").seed(
        apps, None
    )
    group = SupportGroupFactory(name="Evening circle")
    board = forums.ensure_group_board(group=group)
    member = MembershipFactory(group=group, user=UserFactory(display_name="Marta")).user
    SafetyPlan.objects.create(owner=member, coping_on_my_own=PLAN_WORDS)
    duty = with_mfa(UserFactory(display_name="Facil Fran", email="fran@example.org"))
    FacilitatorMembershipFactory(group=group, user=duty)
    OnDutyShiftFactory(user=duty)

    dashboard = signed_in_page(duty, daphne_url)
    with dashboard.expect_websocket(lambda ws: ws.url.endswith("/ws/moderation/")):
        dashboard.goto("/moderation/")
    expect(dashboard.get_by_role("heading", name="Moderation queue")).to_be_visible()

    page = signed_in_page(member, daphne_url)
    page.goto(f"/forums/b/{board.slug}/new/")
    page.get_by_label("Title").fill("Tonight")
    page.get_by_label("Opening message").fill("I can't keep going. I want to end my life.")
    page.get_by_role("button", name="Start thread").click()

    message = page.locator(".crisis-message")
    expect(message.get_by_role("heading", name="Your safety plan")).to_be_visible()
    expect(message.get_by_text(PLAN_WORDS)).to_be_visible()
    text = message.inner_text()
    assert text.index(PLAN_WORDS) < text.index("Samaritans")  # the plan first, then the lines
    message.get_by_role("button", name="Ask the on-duty facilitator to contact me").click()
    expect(page.get_by_role("heading", name="A facilitator will contact you")).to_be_visible()

    request = ContactRequest.objects.get(member=member)
    item = ReviewItem.objects.get(object_id=request.pk, content_type__model="contactrequest")
    alert = dashboard.locator("#live-alerts a", has_text="Asks the on-duty facilitator")
    expect(alert).to_be_visible(timeout=20_000)
    assert alert.get_attribute("href") == f"/moderation/items/{item.pk}/"
    assert "Urgent" in alert.inner_text()
