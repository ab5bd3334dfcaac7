"""A member asks the facilitators a question in Chromium and a facilitator answers live, through
a real daphne (websockets, channels-redis): the member sees "replying…", then the answer
signed by the facilitator, without reloading; both pages pass axe (WCAG 2.2 AA). Between
members: "writing…", a change to a message and someone leaving reach the other page live."""

import uuid

import pytest
from playwright.sync_api import expect

from groups.conversations.models import Conversation
from tests.e2e.test_accessibility import AXE, AXE_OPTIONS, WCAG_22_AA
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)

QUESTION = "Is it normal to feel this tired three weeks after chemo?"
ANSWER = "Yes, very common. Rest when you can; we can talk on Thursday."


def _axe_violations(page) -> list[str]:
    results = AXE.run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} at {[' '.join(n['target']) for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if WCAG_22_AA & set(v["tags"])
    ]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_member_asks_the_facilitators_and_one_answers_live(signed_in_page, daphne_url):
    group = SupportGroupFactory(name="Thursday circle")
    fran = FacilitatorMembershipFactory(
        group=group, user=UserFactory(display_name="Facil Fran")
    ).user
    marta = MembershipFactory(group=group, user=UserFactory(display_name="Marta")).user
    marta_page = signed_in_page(marta, daphne_url, viewport={"width": 320, "height": 700})
    fran_page = signed_in_page(fran, daphne_url)
    csp_errors = []
    for page in (marta_page, fran_page):
        page.on("console", lambda m: "Content Security Policy" in m.text and csp_errors.append(m))

    marta_page.goto(group.get_absolute_url())
    marta_page.get_by_role("link", name="Ask the facilitators").click()
    marta_page.get_by_label("Subject (optional)").fill("Tiredness")
    marta_page.get_by_label("Your message").fill(QUESTION)
    marta_page.get_by_role("button", name="Send").click()
    expect(marta_page.locator(".conversation-message", has_text=QUESTION)).to_have_count(1)
    expect(marta_page.locator("#conversation-connection")).to_contain_text("Connected")
    conversation = Conversation.objects.get()

    fran_page.goto("/messages/team/")
    expect(fran_page.get_by_text("waiting for a reply since")).to_be_visible()
    fran_page.get_by_role("link", name="Tiredness").click()
    expect(fran_page.locator("#conversation-connection")).to_contain_text("Connected")
    fran_page.get_by_role("button", name="I'll answer this").click()
    expect(fran_page.locator("#conversation-state")).to_contain_text("Given to Facil Fran")
    expect(fran_page.locator("#conversation-connection")).to_contain_text("Connected")

    fran_page.get_by_label("Your message").fill(ANSWER)  # typing tells the others
    expect(marta_page.locator("#conversation-replying")).to_have_text("Facil Fran is replying…")
    fran_page.get_by_role("button", name="Send").click()
    answer = marta_page.locator(".conversation-message", has_text=ANSWER)
    expect(answer).to_have_count(1)  # live: Marta's page was never reloaded
    expect(answer).to_contain_text("Facil Fran")
    expect(answer.locator(".badge")).to_have_text("Facilitator")
    expect(marta_page.locator("#conversation-announcer")).to_contain_text(ANSWER)
    expect(fran_page.get_by_label("Your message")).to_have_value("")  # confirmed, then cleared
    assert conversation.messages.count() == 2

    assert csp_errors == []
    assert marta_page.evaluate("document.documentElement.scrollWidth") <= 320
    for page in (marta_page, fran_page):
        assert _axe_violations(page) == []
        page.context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_between_members_writing_an_edit_and_leaving_show_live(signed_in_page, daphne_url):
    """Marta sees "Nico is writing…" while he types, his message, then his change to it marked
    edited, and "(left)" beside his name when he leaves: her page is never reloaded."""
    from groups.conversations import services

    group = SupportGroupFactory(name="Thursday circle")
    marta = MembershipFactory(group=group, user=UserFactory(display_name="Marta")).user
    nico = MembershipFactory(group=group, user=UserFactory(display_name="Nico")).user
    conversation = services.start_conversation(
        starter=marta,
        group=group,
        recipients=[nico],
        subject="Scans",
        body="My scan is on Monday.",
        client_msg_id=uuid.uuid4(),
    ).message.conversation
    services.accept(conversation=conversation, user=nico)
    marta_page = signed_in_page(marta, daphne_url)
    nico_page = signed_in_page(nico, daphne_url)
    for page in (marta_page, nico_page):
        page.goto(conversation.get_absolute_url())
        expect(page.locator("#conversation-connection")).to_contain_text("Connected")

    nico_page.get_by_label("Your message").fill("Mine is on Monday too")
    expect(marta_page.locator("#conversation-replying")).to_have_text("Nico is writing…")
    nico_page.get_by_role("button", name="Send").click()
    sent = marta_page.locator(".conversation-message", has_text="Mine is on Monday too")
    expect(sent).to_have_count(1)
    expect(marta_page.locator("#conversation-replying")).to_have_text("")

    # The Edit link is a plain page; Marta's open page takes the change live.
    nico_page.locator(".conversation-mine .conversation-edit").click()
    nico_page.get_by_label("Your message").fill("Mine is on Tuesday, in fact")
    nico_page.get_by_role("button", name="Save the change").click()
    changed = marta_page.locator(".conversation-message", has_text="Mine is on Tuesday, in fact")
    expect(changed).to_have_count(1)
    expect(changed.locator(".conversation-edited")).to_have_text("(edited)")
    expect(marta_page.locator(".conversation-message", has_text="Monday too")).to_have_count(0)

    nico_page.get_by_role("button", name="Leave this conversation").click()
    expect(marta_page.locator("#conversation-people")).to_contain_text("Nico (left)")
    expect(marta_page.locator("#conversation-announcer")).to_have_text(
        "Nico left the conversation."
    )
    assert _axe_violations(marta_page) == []
    for page in (marta_page, nico_page):
        page.context.close()
