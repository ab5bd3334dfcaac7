"""Crisis words and crisis lines in the site's other languages: Arabic phrases match however
they are spelled, and a member reads their own country's line first, in their language, on a
page and over a socket."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from moderation.crisis_message import crisis_message_html
from moderation.screening import crisis_match
from supportgroups.routing import socket_language
from tests.factories import UserFactory, client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "أريد أن أموت",
        "سأقتل نفسي الليلة",
        "أفكر أن أنهي حياتي",
        "أحيانا أنتحر في أفكاري",
        "أريد أن أؤذي نفسي",
        "لا أريد أن أعيش بعد الآن",
        "أفكر في الانتحار",
        # the same phrases as people also type them
        "اريد ان اموت",  # bare alef
        "إريد إن إموت",  # alef with hamza below
        "آريد آن آموت",  # alef with madda
        "أُرِيدُ أَنْ أَمُوتَ",  # with vowel marks
        "أريـــد أن أمـــوت",  # stretched with tatweel
        "لا أريد أن أعيش.",  # punctuation
        "وأريد أن أموت",  # "and" joined to the first word
        "فأنا أفكر بالانتحار كل ليلة",  # "so", and "by" joined to "suicide"
        # es, fr, de
        "Ya no quiero seguir viviendo así",
        "Je n'ai plus envie de vivre",
        "J'ai des pensées suicidaires",
        "Ich möchte sterben",
        "Manchmal will ich mir etwas antun",
    ],
)
def test_crisis_phrases_in_other_languages_match_however_they_are_spelled(text):
    assert crisis_match(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "لا أريد أن أموت، أريد أن أرى أولادي يكبرون",  # fear, not intent
        "لا اريد ان اموت",  # the same, bare alef
        "ولا أريد أن أموت",  # the same after a joined "and"
        "وقت العلاج طويل",  # a word that begins with و: treatment time is long
        "قرأت مقالا عن الوقاية من الانتحار",  # suicide prevention
        "قرأت مقالا عن الوقايه من الانتحار",  # taa marbuta typed as haa
        "العلاج الكيميائي متعب جدا",  # the chemo is exhausting: everyday talk
        "No quiero morirme todavía",
        "Je n'ai pas envie de mourir",
        "Une conférence sur la prévention du suicide",
        "Ich möchte nicht sterben",
        "Ein Vortrag zur Suizid-Prävention",
    ],
)
def test_fear_and_prevention_in_other_languages_do_not_flag(text):
    assert crisis_match(text) is None


def test_folded_spellings_of_the_alef_maqsura_and_taa_marbuta_match():
    from moderation.models import CrisisPhrase

    CrisisPhrase.objects.create(language="ar", phrase="لا معنى للحياة")  # no meaning to life
    assert crisis_match("لا معني للحياه") == "لا معنى للحياة"


def _line_names(html: str) -> list[str]:
    return re.findall(r'<strong lang="[a-z]+" dir="auto">(.*?)</strong>', html)


# (time zone, language, the line they must read first, another line of their country)
COUNTRIES = [
    ("Europe/Madrid", "es", "Teléfono de la Esperanza", "Línea 024 de atención a la conducta"),
    ("America/Mexico_City", "es", "Línea de la Vida", "Emergencias"),
    ("America/Argentina/Buenos_Aires", "es", "Centro de Asistencia al Suicida (CABA", None),
    ("America/Bogota", "es", "Línea 192, opción 4", "Emergencias"),
    ("America/Santiago", "es", "Línea de Prevención del Suicidio", None),
    ("America/New_York", "es", "988 Línea de Prevención del Suicidio", "988 Suicide &amp; Crisis"),
    ("America/New_York", "en", "988 Suicide &amp; Crisis Lifeline", "988 Línea de Prevención"),
    ("Europe/Paris", "fr", "SOS Amitié", "3114 Numéro national"),
    ("Europe/Brussels", "fr", "Centre de Prévention du Suicide", "Zelfmoordlijn 1813"),
    ("Europe/Zurich", "fr", "La Main Tendue", "Die Dargebotene Hand"),
    ("Europe/Zurich", "de", "Die Dargebotene Hand", "La Main Tendue"),
    ("America/Toronto", "fr", "Ligne québécoise de prévention du suicide", "9-8-8 Suicide Crisis"),
    ("Europe/Berlin", "de", "TelefonSeelsorge", "TelefonSeelsorge (weitere Nummer)"),
    ("Europe/Vienna", "de", "TelefonSeelsorge Österreich", "Rat auf Draht"),
    ("Asia/Beirut", "ar", "Embrace", None),
    ("Africa/Cairo", "ar", "الخط الساخن للأمانة العامة للصحة النفسية", "الإسعاف"),
    ("Asia/Riyadh", "ar", "رقم الطوارئ الموحد", "مركز اتصال وزارة الصحة"),
    ("Asia/Dubai", "ar", "الإسعاف", "الشرطة"),
    ("Africa/Casablanca", "ar", "الوقاية المدنية (الإسعاف)", "الشرطة"),
    ("Asia/Amman", "ar", "رقم الطوارئ الموحد", None),
]


@pytest.mark.parametrize(("zone", "language", "first", "also"), COUNTRIES)
def test_a_member_reads_their_countrys_line_first_in_their_language(zone, language, first, also):
    member = UserFactory(time_zone=zone, language=language)
    html = client_for(member).get(reverse("moderation:support")).content.decode()
    with translation.override(language):
        heading = gettext("It sounds like things are very hard right now")
    assert heading in html
    names = _line_names(html)
    assert names[0].startswith(first), names
    if also:
        assert any(name.startswith(also) for name in names), names
    # the worldwide directory comes last, after every line of their own country
    assert names[-1] == "Find A Helpline (worldwide directory)"
    # each line's name is marked with its own language, for screen readers and bidi
    assert f'<strong lang="{language}" dir="auto">{names[0]}</strong>' in html


def test_somewhere_with_no_known_line_gets_the_worldwide_directory():
    member = UserFactory(time_zone="Pacific/Tahiti", language="fr")
    html = client_for(member).get(reverse("moderation:support")).content.decode()
    assert _line_names(html) == ["Find A Helpline (worldwide directory)"]


def test_the_socket_message_is_in_the_members_language_with_their_line_first():
    """Chat and conversations render the message in a socket, in the language the socket
    speaks (supportgroups.routing): the account's choice, else the page's language cookie."""
    member = UserFactory(time_zone="Europe/Vienna", language="de")
    with translation.override(socket_language({"user": member, "cookies": {}})):
        html = crisis_message_html(member, group_id=None, cookies={})
    with translation.override("de"):
        assert gettext("You can talk to someone right now:") in html
    assert _line_names(html)[0] == "TelefonSeelsorge Österreich"

    no_choice = UserFactory(time_zone="Africa/Cairo", language="")
    cookies = {settings.LANGUAGE_COOKIE_NAME: "ar"}
    with translation.override(socket_language({"user": no_choice, "cookies": cookies})):
        html = crisis_message_html(no_choice, group_id=None, cookies=cookies)
    with translation.override("ar"):
        assert gettext("You can talk to someone right now:") in html
    assert _line_names(html)[0] == "الخط الساخن للأمانة العامة للصحة النفسية"
