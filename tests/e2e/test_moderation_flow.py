"""A member reports a profile; a facilitator with MFA handles it on the dashboard."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from playwright.sync_api import expect

from moderation.models import AuditLogEntry, ReviewItem, Sanction
from supportgroups.models import Notification
from tests.factories import UserFactory
from tests.moderation.conftest import with_mfa


def sign_in(page, live_server, user):
    """Session cookie injection: the login and TOTP flows are allauth's and tested there."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_member_reports_and_facilitator_warns(live_server, browser):
    member = UserFactory(display_name="Kind Kestrel")
    rude = UserFactory(display_name="Rude Raven")
    facilitator = with_mfa(UserFactory(display_name="Facil Fern"))
    facilitator.user_permissions.add(Permission.objects.get(codename="moderate_all"))

    member_page = browser.new_context().new_page()
    sign_in(member_page, live_server, member)
    member_page.goto(f"{live_server.url}/moderation/report/supportgroups.user/{rude.pk}/")
    expect(member_page.get_by_text("Rude Raven")).to_be_visible()
    member_page.get_by_label("Harassment").check()
    member_page.get_by_label("Anything the facilitators should know").fill("Insults in chat")
    member_page.get_by_role("button", name="Send report").click()
    expect(member_page.get_by_text("A facilitator will look at this soon")).to_be_visible()

    page = browser.new_context().new_page()
    sign_in(page, live_server, facilitator)
    page.goto(f"{live_server.url}/moderation/")
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()
    page.get_by_role("link", name="Rude Raven").click()
    expect(page.get_by_text("Insults in chat")).to_be_visible()
    page.get_by_role("button", name="Claim it").click()
    page.locator("summary", has_text="Warn").click()
    warn = page.get_by_role("form", name="Warn")
    warn.get_by_label("Reason").fill("Please keep it kind: rule 2.")
    warn.get_by_role("button", name="Warn").click()
    expect(page.get_by_text("Done: Warn.")).to_be_visible()
    page.locator("summary", has_text="Close, no action").click()
    close = page.get_by_role("form", name="Close, no action")
    close.get_by_label("Reason").fill("Warned; nothing to remove on a profile.")
    close.get_by_role("button", name="Close, no action").click()
    expect(page.get_by_text("Resolved")).to_be_visible()

    assert Sanction.objects.get(user=rude).reason == "Please keep it kind: rule 2."
    assert ReviewItem.objects.get().state == "resolved"
    assert list(AuditLogEntry.objects.values_list("action", flat=True)) == [
        "reported", "claimed", "warn", "dismiss",
    ]  # fmt: skip
    warning = Notification.objects.get(user=rude)
    assert warning.body == "Please keep it kind: rule 2." and "/moderation/appeals/" in warning.url
