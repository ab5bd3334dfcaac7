"""The names the site ships as data (cancer types, audiences, languages, topics, countries) and
its own name are stored once, in English, and shown in each reader's language: the directory's
filters and cards, a group's page, the library, a forum thread, page titles and emails. Showing
them translated costs no query."""

import re
import subprocess
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, trans_real

from forums import services as forums
from forums.models import SEEDED_TOPIC_NAMES, Topic
from groups import demo as group_demo
from resources import demo as resource_demo
from supportgroups.privacy.emails import ACCOUNT, send_user_email
from tests.factories import (
    AudienceFactory,
    BoardFactory,
    CancerTypeFactory,
    CountryFactory,
    LanguageFactory,
    ResourceFactory,
    ResourceTopicFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
)

pytestmark = pytest.mark.django_db

# Spanish for names the catalogue does not carry yet (the translator pass adds them); a name
# the catalogue already has keeps the catalogue's Spanish, so these tests hold either way.
SPANISH = {
    "Breast cancer": "Cáncer de mama",
    "Caregivers and family": "Cuidadores y familia",
    "Spanish": "Español",
    "Emotional support": "Apoyo emocional",
    "Fertility": "Fertilidad",
    "Support Groups": "Grupos de apoyo",
}


@pytest.fixture(autouse=True)
def spanish_catalogue() -> Iterator[None]:
    catalogue = trans_real.translation("es")._catalog
    added = [name for name in SPANISH if name not in catalogue]
    for name in added:
        catalogue[name] = SPANISH[name]
    yield
    for name in added:
        del catalogue._catalogs[0][name]


def spanish(text: str) -> str:
    with translation.override("es"):
        translated = gettext(text)
    assert translated != text, f"no Spanish for {text!r}"
    return translated


@pytest.fixture
def group():
    group = SupportGroupFactory(name="Círculo de Madrid", slug="circulo-madrid")
    group.cancer_types.set([CancerTypeFactory(name="Breast cancer", slug="breast")])
    group.audiences.set(
        [
            AudienceFactory(name="Caregivers and family", slug="caregivers"),
            AudienceFactory(name="Bereaved", slug="bereaved"),  # in the catalogue already
        ]
    )
    group.languages.set([LanguageFactory(code="es", name="Spanish")])
    return group


NAMES = ["Breast cancer", "Caregivers and family", "Bereaved", "Spanish"]


def _directory(language: str) -> tuple[str, int]:
    client = client_for(UserFactory(language=language))
    client.get(reverse("groups:directory"))  # the session and caches warm
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("groups:directory")).content.decode()
    return html, len(queries)


def test_the_directory_shows_filters_and_cards_in_the_readers_language(group):
    spanish_page, spanish_queries = _directory("es")
    english_page, english_queries = _directory("en")
    for name in NAMES:
        # a filter's option and the group's card
        assert re.search(rf">\s*{re.escape(spanish(name))}\s*</option>", spanish_page), name
        assert f"· {spanish(name)}" in spanish_page, name
        assert f"· {name}" in english_page and f"· {spanish(name)}" not in english_page
    assert spanish_queries == english_queries


def test_a_spanish_filter_choice_finds_the_group(group):
    client = client_for(UserFactory(language="es"))
    html = client.get(reverse("groups:directory"), {"cancer_type": "breast"}).content.decode()
    assert "Círculo de Madrid" in html


def test_a_groups_page_lists_its_facts_in_the_readers_language(group):
    html = client_for(UserFactory(language="es")).get(group.get_absolute_url()).content.decode()
    assert f"{spanish('Bereaved')}, {spanish('Caregivers and family')}" in html
    assert spanish("Breast cancer") in html and "Breast cancer" not in html


def test_the_group_form_offers_the_names_in_the_readers_language(group):
    with translation.override("es"):
        assert str(group.cancer_types.get()) == spanish("Breast cancer")
    with translation.override("en"):
        assert str(group.cancer_types.get()) == "Breast cancer"


def test_the_library_shows_topics_countries_and_languages_in_the_readers_language():
    ResourceFactory(
        title="Apoyo",
        tags={
            "topics": [ResourceTopicFactory(name="Emotional support", slug="emotional-support")],
            "countries": [CountryFactory(code="ES", name="Spain")],
            "languages": [LanguageFactory(code="es", name="Spanish")],
        },
    )
    html = client_for(UserFactory(language="es")).get(reverse("resources:library"))
    page = html.content.decode()
    assert spanish("Emotional support") in page and "Emotional support" not in page
    assert "España" in page  # pycountry's Spanish for the country
    assert f"· {spanish('Spanish')}" in page


def test_a_threads_topics_are_shown_in_the_readers_language():
    writer = UserFactory()
    fertility = Topic.objects.get(slug="fertility")  # seeded by forums' migration
    board = BoardFactory()
    thread = forums.create_thread(
        author=writer, board=board, title="Hilo", body="Texto", topics=[fertility]
    ).post.thread
    reader = client_for(UserFactory(language="es"))
    for page in (board.get_absolute_url(), thread.get_absolute_url()):
        html = reader.get(page).content.decode()
        assert f">{spanish('Fertility')}</span>" in html, page


def test_the_site_name_is_in_the_readers_language_on_pages_and_in_emails():
    lucia = UserFactory(language="es")
    html = client_for(lucia).get(reverse("groups:directory")).content.decode()
    assert re.search(rf"<title>[^<]*· {spanish('Support Groups')}</title>", html)

    with translation.override("en"):  # sent by an English-speaking worker
        send_user_email(
            user=lucia,
            kind=ACCOUNT,
            subject="Hola",
            template="privacy/email/export_ready.txt",
            context={"token": "a-token", "hours": 24},
        )
    (email,) = mail.outbox
    assert email.subject == f"[{spanish('Support Groups')}] Hola"
    assert email.body.rstrip().endswith(spanish("Support Groups"))


def test_allauths_emails_carry_the_site_name_in_the_recipients_language():
    lucia = UserFactory(language="es", email="lucia@example.org")
    client_for(None).post(reverse("account_reset_password"), {"email": lucia.email})
    (email,) = mail.outbox
    assert email.subject.startswith(f"[{spanish('Support Groups')}] ")
    # allauth greets from the site's name (without the sites framework: the request's host)
    assert f"{spanish('Support Groups')}!" in email.body and "testserver!" not in email.body


def test_every_name_the_site_ships_is_marked_for_the_catalogues():
    """What `make messages` collects: a name added to a demo or a seed without its mark would
    stay English for everyone."""
    sources = [
        "groups/demo.py",
        "resources/demo.py",
        "forums/models.py",
        "supportgroups/settings.py",
    ]
    found = subprocess.run(
        ["xgettext", "--language=Python", "--keyword=gettext_noop", "--output=-", *sources],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    marked = set(re.findall(r'^msgid "(.+)"$', found, flags=re.MULTILINE))
    shipped = {
        *(name for _slug, name in group_demo.CANCER_TYPES),
        *(name for _slug, name in group_demo.AUDIENCES),
        *(name for _slug, name in group_demo.LANGUAGES),
        *resource_demo.TOPICS.values(),
        *resource_demo.CANCER_TYPES.values(),
        *resource_demo.AUDIENCES.values(),
        *Topic.objects.values_list("name", flat=True),  # forums' seeded topics
        settings.SITE_NAME,
    }
    assert set(Topic.objects.values_list("name", flat=True)) == set(SEEDED_TOPIC_NAMES)
    assert {name.replace('"', '\\"') for name in shipped} <= marked
