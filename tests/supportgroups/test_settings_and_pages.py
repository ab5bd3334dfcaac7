import pytest
from django.urls import reverse

from tests.factories import SupportGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_page_says_what_the_site_is_for(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "support group" in response.content.decode()


def test_csp_is_strict_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_display_name_shown_and_email_never(client):
    group = SupportGroupFactory()
    writer = UserFactory(display_name="Quiet Heron")
    from tests.factories import MembershipFactory

    MembershipFactory(user=writer, group=group, role="facilitator")
    response = client.get(reverse("groups:detail", args=[group.slug]))
    assert response.status_code == 200
    assert writer.email not in response.content.decode()


def test_unknown_page_gets_the_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "couldn" in response.content.decode()
