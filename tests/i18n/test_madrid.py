"""The issue's story on the demo data: Lucía, a Spanish-speaking caregiver in the Madrid group,
reads Spanish pages, gets a Spanish reminder with a Spanish .ics, and finds a post by another
form of its word; Ana, the group's English-speaking facilitator, works in English while Lucía's
words are shown as she wrote them."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from icalendar import Calendar

from forums import services as forums
from groups import demo as group_demo
from groups.meetings import reminders
from groups.meetings import services as meetings
from groups.models import SupportGroup
from moderation.services import request_review
from supportgroups import demo as people_demo
from supportgroups.models import User
from tests.factories import OccurrenceFactory, client_for

pytestmark = pytest.mark.django_db

WRITTEN = "Soy cuidadora de mi madre desde marzo. Las noches son lo más difícil."


@pytest.fixture
def madrid() -> SupportGroup:
    people_demo.load(io.StringIO())
    group_demo.load(io.StringIO())
    return SupportGroup.objects.get(slug="cuidadores-madrid")


def spanish(text: str) -> str:
    """The catalogue's Spanish for `text`, which must differ from the English."""
    with translation.override("es"):
        translated = gettext(text)
    assert translated != text, f"no Spanish for {text!r}"
    return translated


def test_the_demo_madrid_group_is_spanish_and_lucia_reads_spanish_pages(madrid):
    lucia = User.objects.get(email="lucia@example.org")
    assert madrid.language == "es" and lucia.language == "es"
    page = client_for(lucia).get(madrid.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert '<html lang="es" dir="ltr">' in html
    assert spanish("About this group") in html
    assert spanish("Find a group") in html  # the cached site header too
    assert "language-offer" not in html  # already in the group's language


def test_lucia_gets_a_spanish_reminder_with_a_spanish_ics(madrid):
    lucia = User.objects.get(email="lucia@example.org")
    occurrence = OccurrenceFactory(
        series__group=madrid,
        series__title="Café de cuidadores",
        series__join_url="https://video.example.org/madrid",
        starts_at=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=20),
    )
    meetings.set_rsvp(occurrence=occurrence, user=lucia, going=True)
    now = timezone.now()
    reminders.create_due_deliveries(now=now)
    reminders.skip_late_deliveries(now=now)
    # Sent by a worker whose own language is English: each reader's decides.
    with translation.override("en"):
        for delivery_id in reminders.take_deliveries_to_enqueue(now=now):
            reminders.send_delivery(delivery_id=delivery_id)

    (email,) = [m for m in mail.outbox if m.to == [lucia.email]]
    with translation.override("es"), timezone.override("Europe/Madrid"):
        when = date_format(timezone.localtime(occurrence.starts_at), "D j M, H:i")
    with translation.override("en"), timezone.override("Europe/Madrid"):
        assert when != date_format(timezone.localtime(occurrence.starts_at), "D j M, H:i")
    assert email.subject.endswith(when)  # Spanish day and month names
    assert spanish("Reminder: %(title)s (%(group)s), %(when)s").split("%")[0] in email.subject
    assert spanish("Can't make it? This link frees your place for someone else:") in email.body
    assert spanish("Change your reminder settings:") in email.body

    name, content, _mimetype = email.attachments[0]
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    description = event["DESCRIPTION"]
    assert description.params["LANGUAGE"] == "es"
    assert spanish("Join online: %(url)s") % {"url": occurrence.series.join_url} in description


def test_lucia_finds_a_post_by_an_inflected_word(madrid):
    lucia = User.objects.get(email="lucia@example.org")
    board = forums.ensure_group_board(group=madrid)
    forums.create_thread(author=lucia, board=board, title="Las noches", body=WRITTEN)
    # "cuidadores" (and "dificil" without its accent) find it only by Spanish stemming.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('english', %s) @@ websearch_to_tsquery('english', 'cuidadores')",
            [WRITTEN],
        )
        assert cursor.fetchone() == (False,)

    client = client_for(lucia)
    for query, marked in [
        ("cuidadoras", "cuidadora"),
        ("cuidadores", "cuidadora"),
        ("dificil", "difícil"),
    ]:
        html = client.get("/forums/search/", {"q": query}).content.decode()
        assert f"<mark>{marked}</mark>" in html and "Las noches" in html, query
    # A Spanish word nowhere in the post still finds nothing.
    assert "Las noches" not in client.get("/forums/search/", {"q": "hijas"}).content.decode()


def test_the_english_facilitator_sees_the_dashboard_in_english_and_the_post_as_written(madrid):
    lucia = User.objects.get(email="lucia@example.org")
    ana = User.objects.get(email="ana@example.org")
    assert ana.language == "en"
    board = forums.ensure_group_board(group=madrid)
    written = forums.create_thread(author=lucia, board=board, title="Las noches", body=WRITTEN)
    tomas = User.objects.get(email="tomas@example.org")
    request_review(target=written.post, reason="other", note="Revisadlo, por favor", by=tomas)

    page = client_for(ana).get("/moderation/", HTTP_ACCEPT_LANGUAGE="es")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="en" dir="ltr">' in html
    assert "Moderation" in html
    assert "Soy cuidadora de mi madre" in html  # Lucía's words, as she wrote them
