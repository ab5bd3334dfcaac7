"""A member reports a profile; a facilitator with MFA handles it on the dashboard."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from moderation.models import AuditLogEntry, ReviewItem, Sanction
from supportgroups.models import Notification
from tests.factories import UserFactory, with_mfa


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_member_reports_and_facilitator_warns(live_server, signed_in_page):
    member = UserFactory(display_name="Kind Kestrel")
    rude = UserFactory(display_name="Rude Raven")
    facilitator = with_mfa(UserFactory(display_name="Facil Fern"))
    facilitator.user_permissions.add(Permission.objects.get(codename="moderate_all"))

    member_page = signed_in_page(member, live_server.url)
    member_page.goto(f"{live_server.url}/moderation/report/supportgroups.user/{rude.pk}/")
    expect(member_page.get_by_text("Rude Raven")).to_be_visible()
    member_page.get_by_label("Harassment").check()
    member_page.get_by_label("Anything the facilitators should know").fill("Insults in chat")
    member_page.get_by_role("button", name="Send report").click()
    expect(member_page.get_by_text("A facilitator will look at this soon")).to_be_visible()

    page = signed_in_page(facilitator, live_server.url)
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
