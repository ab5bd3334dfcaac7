"""The language switcher: a visitor's switch needs no form token (it only sets a cookie in
their own browser, and keeps visitors' pages the same for everyone); a signed-in person's,
which is saved on their account, is refused without one."""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_switches_language_without_a_form_token():
    visitor = Client(enforce_csrf_checks=True)
    assert "csrfmiddlewaretoken" not in visitor.get("/").content.decode()

    response = visitor.post("/i18n/setlang/", {"language": "es", "next": "/"})

    assert response.status_code == 302
    assert visitor.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_a_signed_in_persons_switch_is_refused_without_the_token_and_saved_with_it():
    person = UserFactory(language="")
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)

    refused = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    person.refresh_from_db()
    assert refused.status_code == 403 and person.language == ""

    page = client.get("/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    accepted = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "/", "csrfmiddlewaretoken": token}
    )
    person.refresh_from_db()
    assert accepted.status_code == 302 and person.language == "fr"
