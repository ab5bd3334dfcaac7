"""Choosing a language: the browser's guess, the switcher on every page (without JavaScript),
the account and the cookie that remember it, and a group's pages offering the group's."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory, client_for

pytestmark = pytest.mark.django_db

SWITCH = "/i18n/setlang/"


def html_tag(response) -> str:
    text = response.content.decode()
    return text[text.index("<html") : text.index(">", text.index("<html")) + 1]


def test_the_browsers_language_is_the_first_guess():
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5")
    assert html_tag(response) == '<html lang="es" dir="ltr">'
    assert response["Content-Language"] == "es"


def test_a_language_the_site_lacks_falls_back_to_english():
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="ja")
    assert html_tag(response) == '<html lang="en" dir="ltr">'


def test_every_page_has_a_labelled_switcher_naming_each_language_in_itself():
    page = Client().get("/groups/").content.decode()
    assert f'action="{SWITCH}"' in page and 'method="post"' in page
    assert '<label for="language-choice">' in page
    for code, name in [("es", "Español"), ("fr", "Français"), ("de", "Deutsch"), ("ar", "العربية")]:
        assert f'<option value="{code}" lang="{code}">{name}</option>' in page
    assert '<input type="hidden" name="next" value="/groups/">' in page


def test_a_visitors_choice_is_kept_in_a_cookie_and_beats_the_browser():
    client = Client()
    response = client.post(SWITCH, {"language": "fr", "next": "/groups/"})
    assert response.status_code == 302 and response["Location"] == "/groups/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get("/groups/", HTTP_ACCEPT_LANGUAGE="de")
    assert html_tag(page) == '<html lang="fr" dir="ltr">'


def test_an_account_remembers_the_choice_in_every_browser():
    person = UserFactory()
    client_for(person).post(SWITCH, {"language": "de", "next": "/"})
    person.refresh_from_db()
    assert person.language == "de"
    elsewhere = client_for(person)  # another browser: no cookie, an English browser
    response = elsewhere.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert html_tag(response) == '<html lang="de" dir="ltr">'
    # ...and that browser's cookie follows, so signing out keeps the language.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"


def test_an_unknown_language_or_a_foreign_next_changes_nothing():
    person = UserFactory(language="es")
    client = client_for(person)
    response = client.post(SWITCH, {"language": "xx\x00", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    person.refresh_from_db()
    assert person.language == "es"
    assert client.get(SWITCH).status_code == 405


def test_the_profile_page_sets_the_language_too():
    person = UserFactory()
    client = client_for(person)
    form = client.get(reverse("profile")).content.decode()
    assert 'name="language"' in form
    client.post(
        reverse("profile"),
        {"display_name": person.display_name, "time_zone": "UTC", "language": "ar"},
    )
    person.refresh_from_db()
    assert person.language == "ar"


def test_arabic_pages_are_right_to_left_with_bootstraps_rtl_stylesheet():
    response = client_for(UserFactory(language="ar")).get("/")
    page = response.content.decode()
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    assert "/static/vendor/bootstrap.rtl.min.css" in page
    assert "/static/vendor/bootstrap.min.css" not in page
    assert (settings.BASE_DIR / "static/vendor/bootstrap.rtl.min.css").stat().st_size > 100_000


def test_a_groups_pages_offer_its_language_to_readers_of_another():
    group = SupportGroupFactory(language="es")
    reader = MembershipFactory(group=group, user=UserFactory(language="en")).user
    page = client_for(reader).get(group.get_absolute_url()).content.decode()
    assert 'class="language-offer mb-3" lang="es" dir="ltr"' in page
    assert '<input type="hidden" name="language" value="es">' in page
    spanish = client_for(UserFactory(language="es")).get(group.get_absolute_url())
    assert "language-offer" not in spanish.content.decode()


def test_new_groups_take_the_sites_default_language():
    assert SupportGroupFactory().language == settings.LANGUAGE_CODE


def test_the_scripts_words_come_from_this_site_in_the_pages_language():
    response = Client().get(reverse("javascript_catalog", args=["fr"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "django.gettext" in response.content.decode()
    assert Client().get(reverse("javascript_catalog", args=["xx"])).status_code == 404
