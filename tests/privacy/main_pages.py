"""The main pages of every app, for the checks that nothing is fetched from another origin
(tests/privacy/test_no_third_parties.py, and in Chromium tests/e2e/test_no_third_parties.py)."""

from django.urls import reverse

from forums import services as forum_services
from tests.factories import BoardFactory, MembershipFactory, OccurrenceFactory, ResourceFactory


def main_pages(member) -> list[tuple[bool, str]]:
    """(signed in?, path) for the main pages of every app, `member` active in a group with a
    meeting, a chat room and a forum thread."""
    group = MembershipFactory(user=member).group
    occurrence = OccurrenceFactory(series__group=group)
    thread = forum_services.create_thread(
        author=member, board=BoardFactory(), title="Hello", body="![x](https://evil.example/x.png)"
    ).post.thread
    resource = ResourceFactory()
    anonymous = [
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("privacy"),
        reverse("resources:library"),
        resource.get_absolute_url(),
    ]
    signed_in = [
        "/",
        reverse("terms"),
        reverse("groups:directory"),
        group.get_absolute_url(),
        reverse("meetings:mine"),
        occurrence.get_absolute_url(),
        reverse("chat:room", kwargs={"slug": group.slug}),
        reverse("forums:index"),
        thread.board.get_absolute_url(),
        thread.get_absolute_url(),
        reverse("profile"),
        reverse("notifications"),
        reverse("privacy:settings"),
        reverse("privacy:email_preferences"),
        reverse("privacy:blocks"),
        reverse("privacy:security"),
        reverse("privacy:export"),
        reverse("privacy:member", args=[member.pk]),
        reverse("mfa_index"),
        reverse("usersessions_list"),
        "/no-such-page/",
    ]
    return [(False, p) for p in anonymous] + [(True, p) for p in signed_in]
