"""No page loads a script, style, font or image from another origin, and the CSP forbids it."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.factories import UserFactory, client_for
from tests.privacy.main_pages import main_pages

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


@pytest.mark.django_db
def test_every_main_page_uses_only_our_own_files(client):
    member = UserFactory()
    member_client = client_for(member)
    seen_css: set[str] = set()
    for signed_in, path in main_pages(member):
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
