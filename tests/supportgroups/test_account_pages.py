"""Every account page renders in the site's layout, and every control on it has a label."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGNED_OUT = ["account_login", "account_signup", "account_reset_password", "profile"]
SIGNED_IN = [
    "profile",
    "account_email",
    "account_change_password",
    "mfa_index",
    "mfa_activate_totp",
    "usersessions_list",
    "account_reauthenticate",
    "mfa_required",
]


class Controls(HTMLParser):
    """Collects form controls and what labels them."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.labelled_ids: set[str] = set()
        self.skip_link = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled_ids.add(attrs["for"])
        if tag == "a" and "skip-link" in (attrs.get("class") or ""):
            self.skip_link = True
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {
            "hidden",
            "submit",
            "button",
        }:
            self.controls.append(attrs)

    def unlabelled(self) -> list[dict]:
        return [
            c
            for c in self.controls
            if c.get("id") not in self.labelled_ids and not c.get("aria-label")
        ]


def check_page(client: Client, name: str) -> Controls:
    response = client.get(reverse(name), follow=True)
    assert response.status_code == 200, name
    parser = Controls()
    parser.feed(response.content.decode())
    assert parser.skip_link, f"{name} is not in the site layout"
    assert parser.unlabelled() == [], f"{name} has controls without a label"
    return parser


@pytest.mark.parametrize("name", SIGNED_OUT)
def test_signed_out_account_pages(client, name):
    check_page(client, name)


def test_signed_in_account_pages(client, user):
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # for the MFA pages
    for name in SIGNED_IN:
        check_page(client, name)
    assert check_page(client, "mfa_activate_totp").controls  # the code field, labelled
