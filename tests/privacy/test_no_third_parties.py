"""No page loads a script, style, font or image from another origin, and the CSP forbids it."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from forums import services as forum_services
from tests.factories import (
    PASSWORD,
    BoardFactory,
    MembershipFactory,
    OccurrenceFactory,
    ResourceFactory,
    UserFactory,
)

# Tag -> attributes that make the browser fetch something.
FETCHING = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_styles = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in FETCHING.get(tag, ()):
            value = attrs.get(name)
            if value:
                self.urls.extend(part.strip().split(" ")[0] for part in value.split(","))
        if "style" in attrs:
            self.inline_styles += 1


def _is_same_origin(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    return not parts.netloc and not url.startswith("//") and parts.scheme in ("", "http", "https")


def _pages(member) -> list[tuple[bool, str]]:
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


@pytest.mark.django_db
def test_every_main_page_uses_only_our_own_files(client):
    member = UserFactory()
    member_client = Client()
    member_client.force_login(member)
    seen_css: set[str] = set()
    for signed_in, path in _pages(member):
        response = (member_client if signed_in else client).get(path)
        assert response.status_code in (200, 404), path
        parser = _Resources()
        parser.feed(response.content.decode())
        offenders = [u for u in parser.urls if not _is_same_origin(u)]
        assert offenders == [], f"{path} loads from another origin: {offenders}"
        assert parser.inline_styles == 0, f"{path} has style attributes"
        assert "<script>" not in response.content.decode(), f"{path} has an inline script"
        seen_css.update(u for u in parser.urls if u.endswith(".css"))
    assert seen_css
    for css in seen_css:  # stylesheets must not pull in fonts or images from elsewhere
        body = b"".join(client.get(css).streaming_content).decode()
        offenders = [u for u in CSS_URL.findall(body) if not _is_same_origin(u)]
        assert offenders == [], f"{css} loads from another origin: {offenders}"


def test_the_csp_allows_only_this_origin():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name in ("default-src", "script-src", "style-src", "font-src", "img-src", "connect-src"):
        for source in directives[name]:
            assert source in ("'self'", "data:"), f"{name} allows {source}"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_chromium_makes_no_request_outside_this_server(live_server, page):
    """Signs in through the real form, then visits every main page in the browser."""
    member = UserFactory()
    host = urlsplit(live_server.url).hostname
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    pages = _pages(member)
    for signed_in, path in pages:
        if signed_in and "sessionid" not in {c["name"] for c in page.context.cookies()}:
            page.goto(live_server.url + reverse("account_login"))
            page.get_by_label("Email").fill(member.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign In").click()
            page.wait_for_url(live_server.url + "/")
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.url == live_server.url + path  # really shown, not sent to sign in
    assert len(requested) > len(pages)
    outside = [u for u in requested if not u.startswith("data:") and urlsplit(u).hostname != host]
    assert outside == []
