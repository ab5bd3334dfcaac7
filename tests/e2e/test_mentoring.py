"""From a request to the first message, in Chromium: a member asks for a mentor, the
coordinator reads the ranked suggestion and its reasons and offers it, the mentor accepts, the
coordinator edits the first message and introduces them, and the member reads it in their
mentoring conversation and answers. Every page passes axe (WCAG 2.2 AA)."""

import pytest
from playwright.sync_api import expect

from groups.mentoring.models import Match, MentorRequest
from supportgroups.models import User
from tests.e2e.test_accessibility import AXE, AXE_OPTIONS, WCAG_22_AA
from tests.factories import CancerTypeFactory, LanguageFactory, UserFactory
from tests.mentoring.conftest import make_coordinator, make_mentor

FIRST = "Mia, meet Max: he had the same treatment two years ago. Max, meet Mia."
ANSWER = "Thank you both. Max, how did you manage the tiredness?"


def _axe_violations(page) -> list[str]:
    results = AXE.run(page, options=AXE_OPTIONS)
    return [
        f"{page.url}: {v['id']} at {[' '.join(n['target']) for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if WCAG_22_AA & set(v["tags"])
    ]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_from_a_request_to_the_first_message(signed_in_page, live_server):
    lung = CancerTypeFactory(name="Lung cancer", slug="lung")
    english = LanguageFactory(code="en", name="English")
    make_mentor("Mentor Max", cancer_type=lung, languages=[english], age_range="40s")
    make_mentor("Mentor Nina", languages=[english], age_range="70_plus")
    mia = UserFactory(display_name="Mentee Mia")
    cora = make_coordinator()
    max_ = User.objects.get(display_name="Mentor Max")
    violations = []

    mia_page = signed_in_page(mia, live_server.url, viewport={"width": 360, "height": 800})
    mia_page.goto("/groups/mine/")
    mia_page.get_by_role("link", name="Peer mentoring").click()
    mia_page.get_by_role("link", name="Ask for a mentor").click()
    violations += _axe_violations(mia_page)
    mia_page.get_by_label("What I would like to talk about").fill("Starting chemo next week")
    mia_page.get_by_label("I am asking as").select_option(label="I have cancer")
    mia_page.get_by_label("Cancer type").select_option(label="Lung cancer")
    mia_page.get_by_label("My age").select_option(label="40 to 49")
    mia_page.get_by_label("English").check()
    mia_page.get_by_label("Same cancer").select_option(label="Matters most")
    mia_page.get_by_role("button", name="Ask for a mentor").click()
    expect(mia_page.get_by_text("A coordinator is looking for someone for you")).to_be_visible()
    request = MentorRequest.objects.get(mentee=mia)

    cora_page = signed_in_page(cora, live_server.url)
    cora_page.goto("/mentoring/coordinate/")
    violations += _axe_violations(cora_page)
    cora_page.get_by_role("link", name="Mentee Mia").click()
    first = cora_page.locator(".mentor-suggestions > li").first
    expect(first).to_contain_text("Mentor Max")
    expect(first).to_contain_text("Same cancer (+30)")
    violations += _axe_violations(cora_page)
    cora_page.get_by_role("button", name="Offer to Mentor Max").click()
    expect(cora_page.locator("#match-state")).to_contain_text("Offered to the mentor")

    max_page = signed_in_page(max_, live_server.url)
    max_page.goto("/mentoring/")
    max_page.get_by_role("link", name="A new offer: please answer").click()
    expect(max_page.get_by_text("Starting chemo next week")).to_be_visible()
    violations += _axe_violations(max_page)
    max_page.get_by_role("button", name="Accept").click()
    expect(max_page.locator("#match-state")).to_contain_text("Accepted by the mentor")

    match = Match.objects.get(request=request)
    cora_page.goto(f"/mentoring/match/{match.pk}/")
    intro = cora_page.get_by_label("First message")
    expect(intro).to_contain_text("I am glad to introduce you")
    violations += _axe_violations(cora_page)
    intro.fill(FIRST)
    cora_page.get_by_role("button", name="Introduce them").click()
    expect(cora_page.locator("#match-state")).to_contain_text("Introduced")

    mia_page.goto("/mentoring/")
    mia_page.get_by_role("link", name="Your mentor Mentor Max").click()
    violations += _axe_violations(mia_page)
    mia_page.get_by_role("link", name="Open your conversation").click()
    message = mia_page.locator(".conversation-message", has_text=FIRST)
    expect(message).to_contain_text("Coordinator Cora")
    expect(message.locator(".badge")).to_have_text("Introduction")
    violations += _axe_violations(mia_page)
    mia_page.get_by_label("Your message").fill(ANSWER)
    mia_page.get_by_role("button", name="Send").click()
    expect(mia_page.locator(".conversation-message", has_text=ANSWER)).to_have_count(1)
    match.refresh_from_db()
    assert [m.body for m in match.conversation.messages.all()] == [FIRST, ANSWER]
    assert mia_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert violations == []
