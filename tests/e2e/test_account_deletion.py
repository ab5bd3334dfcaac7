"""The account deletion flow in Chromium: re-enter the password, choose, confirm, gone."""

import re

import pytest
from django.contrib.auth import get_user_model

from forums import services as forum_services
from supportgroups.privacy.deletion import former_member
from tests.e2e.helpers import sign_in_with_password
from tests.factories import PASSWORD, BoardFactory, UserFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_deleting_an_account_in_the_browser(live_server, page):
    member = UserFactory(display_name="Leaving Lark")
    post = forum_services.create_thread(
        author=member, board=BoardFactory(), title="Thank you all", body="Goodbye and thanks"
    ).post
    sign_in_with_password(page, live_server.url, member)

    page.get_by_role("link", name="Privacy", exact=True).first.click()
    page.get_by_role("link", name="Delete my account").click()
    page.get_by_label("Password").fill(PASSWORD)  # allauth asks again before anything is shown
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    page.get_by_role("button", name="Delete my account").click()  # not confirmed yet
    assert page.get_by_text("Please tick this box to confirm.").is_visible()
    page.get_by_label(re.compile("cannot be undone")).check()
    page.get_by_role("button", name="Delete my account").click()

    page.wait_for_url(live_server.url + "/")
    assert page.get_by_text("Your account and personal data have been deleted.").is_visible()
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert not get_user_model().objects.filter(email=member.email).exists()
    post.refresh_from_db()
    assert post.author == former_member() and post.body == "Goodbye and thanks"
