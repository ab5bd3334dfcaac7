"""Per-IP sign-in limits count visitors, not the proxy in front of them.

Behind the compose stack's nginx every request comes from the proxy's address; the visitor's is
the one nginx puts in X-Forwarded-For. These run allauth's real sign-in view with the connection
address set to the proxy's, as gunicorn sees it there.
"""

import pytest
from django.test import Client
from django.urls import reverse

from supportgroups.models import SignInRecord
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "172.18.0.5"  # the nginx container, as gunicorn sees every connection
LOCKED = "Too many failed login attempts"


def fail_sign_ins(client: Client, forwarded_for: list[str]) -> None:
    """One wrong password per X-Forwarded-For given, each for a different email address, so only
    the per-IP limit can trip."""
    for n, header in enumerate(forwarded_for):
        refused = client.post(
            reverse("account_login"),
            {"login": f"nobody{n}@example.org", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=header,
        )
        assert refused.status_code == 200 and LOCKED not in refused.content.decode()


def sign_in(client: Client, email: str, forwarded_for: str):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def behind_nginx(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # what docker-compose.yml sets


def test_visitors_behind_the_proxy_each_have_their_own_sign_in_limit(behind_nginx):
    UserFactory(email="ash@example.org")
    UserFactory(email="birch@example.org")
    guesser = Client(REMOTE_ADDR=PROXY)
    fail_sign_ins(guesser, ["203.0.113.10"] * 10)
    assert LOCKED in sign_in(guesser, "ash@example.org", "203.0.113.10").content.decode()

    someone_else = Client(REMOTE_ADDR=PROXY)
    assert sign_in(someone_else, "birch@example.org", "203.0.113.20").url == reverse("home")
    # The sign-in history shows the visitor's address, not the proxy's.
    assert SignInRecord.objects.get(user__email="birch@example.org").ip == "203.0.113.20"


def test_a_made_up_forwarded_hop_does_not_escape_the_limit(behind_nginx):
    """A proxy that appends keeps what the visitor sent on the left; only the right-most hop,
    the one the proxy wrote, counts."""
    UserFactory(email="ash@example.org")
    guesser = Client(REMOTE_ADDR=PROXY)
    fail_sign_ins(guesser, [f"198.51.100.{n}, 203.0.113.10" for n in range(10)])
    made_up = sign_in(guesser, "ash@example.org", "8.8.8.8, 203.0.113.10")
    assert LOCKED in made_up.content.decode()


def test_without_a_proxy_the_header_is_not_believed():
    """`make run`: nobody vouches for X-Forwarded-For, so the connection's address counts."""
    UserFactory(email="ash@example.org")
    guesser = Client(REMOTE_ADDR="203.0.113.10")
    fail_sign_ins(guesser, [f"198.51.100.{n}" for n in range(10)])
    made_up = sign_in(guesser, "ash@example.org", "198.51.100.99")
    assert LOCKED in made_up.content.decode()
