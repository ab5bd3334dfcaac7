"""Two members chat in Chromium through a real daphne server (websockets, channels-redis).

Django's live_server speaks only HTTP, so a daphne process is started on a free port against the
test database; the data the test commits (transaction=True) is what daphne reads.
"""

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from playwright.sync_api import expect

from groups import services as groups_services
from groups.models import Membership
from tests.chat.sockets import publish, save_unpublished
from tests.e2e.helpers import outside_playwrights_loop, say
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_two_members_chat_and_one_catches_up_after_going_offline(signed_in_page, daphne_url):
    group = SupportGroupFactory()
    alice = MembershipFactory(group=group).user
    bob = MembershipFactory(group=group).user
    room_path = f"/chat/{group.slug}/"
    alice_page = signed_in_page(alice, daphne_url, viewport={"width": 320, "height": 640})
    bob_page = signed_in_page(bob, daphne_url)
    csp_errors = []
    for page in (alice_page, bob_page):
        page.on("console", lambda m: "Content Security Policy" in m.text and csp_errors.append(m))
        page.goto(room_path)
        expect(page.locator("#chat-send")).to_be_enabled()  # the websocket is up under the CSP
    assert csp_errors == []
    assert alice_page.evaluate("document.documentElement.scrollWidth") <= 320

    say(alice_page, "Hello Bob")
    expect(bob_page.locator(".chat-message", has_text="Hello Bob")).to_have_count(1)
    expect(bob_page.locator("#chat-announcer")).to_contain_text("Hello Bob")
    alice_page.locator("#chat-body").press("Shift+Enter")
    assert alice_page.locator("#chat-body").input_value() == "\n"

    alice_page.context.set_offline(True)
    expect(alice_page.locator("#chat-connection")).to_be_visible()
    expect(alice_page.locator("#chat-send")).to_be_disabled()
    alice_page.locator("#chat-body").fill("a draft I keep")
    for text in ("first while away", "second while away", "third while away"):
        say(bob_page, text)
        expect(bob_page.locator(".chat-message", has_text=text)).to_have_count(1)

    alice_page.context.set_offline(False)
    expect(alice_page.locator("#chat-send")).to_be_enabled(timeout=15_000)
    for text in ("first while away", "second while away", "third while away"):
        expect(alice_page.locator(".chat-message", has_text=text)).to_have_count(1)
    expect(alice_page.locator(".chat-message")).to_have_count(4)
    expect(alice_page.locator("#chat-announcer")).to_have_text(
        "New messages while you were away: 3"
    )
    assert alice_page.locator("#chat-body").input_value() == "a draft I keep"
    alice_page.context.close()
    bob_page.context.close()


def _remove(group, user, by):
    groups_services.remove(membership=Membership.objects.get(group=group, user=user), by=by)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_facilitator_badge_and_a_removed_member_keeps_the_draft_but_cannot_send(
    signed_in_page, daphne_url
):
    group = SupportGroupFactory()
    facilitator = FacilitatorMembershipFactory(group=group).user
    alice = MembershipFactory(group=group, user__display_name="Alice").user
    room_path = f"/chat/{group.slug}/"
    fac_page = signed_in_page(facilitator, daphne_url)
    alice_page = signed_in_page(alice, daphne_url)
    for page in (fac_page, alice_page):
        page.goto(room_path)
        expect(page.locator("#chat-send")).to_be_enabled()

    # The badge comes from the membership, drawn by chat.js for a live message.
    say(fac_page, "Welcome, everyone")
    say(alice_page, "Thanks")
    welcome = alice_page.locator(".chat-message", has_text="Welcome, everyone")
    expect(welcome.locator(".chat-role")).to_have_text("Facilitator")
    expect(alice_page.locator(".chat-message", has_text="Thanks")).to_have_count(1)
    expect(
        alice_page.locator(".chat-message", has_text="Thanks").locator(".chat-role")
    ).to_have_count(0)

    alice_page.locator("#chat-body").fill("a draft I was writing")
    # The access event is sent on commit, with async_to_sync.
    outside_playwrights_loop(_remove, group, alice, facilitator)
    expect(alice_page.locator("#chat-body")).not_to_be_editable()
    expect(alice_page.locator("#chat-send")).to_be_disabled()
    expect(alice_page.locator("#chat-body")).to_have_value("a draft I was writing")
    expect(alice_page.locator("#chat-error")).to_have_text(
        "You no longer have access to this group."
    )
    alice_page.context.close()
    fac_page.context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_member_muted_from_the_room_sees_why_and_cannot_write_without_reload(
    signed_in_page, daphne_url
):
    group = SupportGroupFactory()
    facilitator = FacilitatorMembershipFactory(group=group).user
    alice = MembershipFactory(group=group, user__display_name="Alice").user
    room_path = f"/chat/{group.slug}/"
    fac_page = signed_in_page(facilitator, daphne_url)
    alice_page = signed_in_page(alice, daphne_url)
    for page in (fac_page, alice_page):
        page.goto(room_path)
        expect(page.locator("#chat-send")).to_be_enabled()
    expect(alice_page.locator("#chat-write")).to_be_hidden()

    say(alice_page, "something hurtful")
    alice_page.locator("#chat-body").fill("but I")
    message = fac_page.locator(".chat-message", has_text="something hurtful")
    message.get_by_role("button", name="Mute").click()
    expect(fac_page.locator("#chat-notice")).to_have_text(
        "The member is muted in this group.", timeout=10_000
    )

    expect(alice_page.locator("#chat-write")).to_contain_text("A facilitator has muted you")
    expect(alice_page.locator("#chat-send")).to_be_disabled()
    expect(alice_page.locator("#chat-body")).not_to_be_editable()
    expect(alice_page.locator("#chat-body")).to_have_value("but I")  # kept, to copy
    alice_page.context.close()
    fac_page.context.close()


def _late_publish(group, author):
    """Store two messages, publish only the second (another daphne process's publish is late)."""
    save_unpublished(group=group, author=author, body="the one published late")
    async_to_sync(publish)(save_unpublished(group=group, author=author, body="the next one"))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_gap_in_live_delivery_is_filled_in_order(signed_in_page, daphne_url):
    group = SupportGroupFactory()
    alice = MembershipFactory(group=group).user
    bob = MembershipFactory(group=group).user
    page = signed_in_page(alice, daphne_url)
    page.goto(f"/chat/{group.slug}/")
    expect(page.locator("#chat-send")).to_be_enabled()
    outside_playwrights_loop(_late_publish, group, bob)
    # chat.js keeps the early one, waits a moment, then asks for what follows its contiguous id.
    expect(page.locator(".chat-message .chat-body")).to_have_text(
        ["the one published late", "the next one"], timeout=10_000
    )
    page.context.close()


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_message_whose_live_frame_was_lost_arrives_after_the_next_heartbeat(
    signed_in_page, daphne_url
):
    """Stored, never published (lost while a daphne's Redis connection came back), and nothing
    sent after it: the heartbeat's reply names it and the page fetches it."""
    group = SupportGroupFactory()
    alice = MembershipFactory(group=group).user
    bob = MembershipFactory(group=group).user
    page = signed_in_page(alice, daphne_url)
    page.goto(f"/chat/{group.slug}/")
    expect(page.locator("#chat-send")).to_be_enabled()
    outside_playwrights_loop(
        lambda: save_unpublished(group=group, author=bob, body="never heard live")
    )
    heartbeat = settings.CHAT_HEARTBEAT_SECONDS * 1000
    expect(page.locator(".chat-message .chat-body")).to_have_text(
        ["never heard live"], timeout=heartbeat + 10_000
    )
    page.context.close()
