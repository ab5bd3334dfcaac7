"""iCalendar (RFC 5545) output with the icalendar library: one occurrence, or a person's feed.

Times are written in UTC, which every calendar app converts to its own zone. Each occurrence
keeps one UID and a rising SEQUENCE, so a moved or cancelled meeting replaces the event people
already have.
"""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Occurrence


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def occurrence_event(occurrence: Occurrence, *, show_link: bool) -> Event:
    series = occurrence.series
    event = Event()
    event.add("uid", f"occurrence-{occurrence.pk}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", occurrence.starts_at)
    event.add("dtend", occurrence.ends_at)
    event.add("sequence", occurrence.sequence)
    event.add("summary", f"{series.title} ({series.group.name})")
    event.add("status", "CANCELLED" if occurrence.is_cancelled else "CONFIRMED")
    event.add("url", f"{settings.SITE_URL}{occurrence.get_absolute_url()}")
    location = series.place or (series.join_url if show_link else "")
    if location:
        event.add("location", location)
    description = [series.note] if series.note else []
    if show_link and series.join_url:
        description.append(_("Join online: %(url)s") % {"url": series.join_url})
    if description:
        # Our own words in it are in the reader's language (emails render in in_language).
        event.add("description", "\n\n".join(description), parameters={"LANGUAGE": get_language()})
    return event


def occurrence_calendar(occurrence: Occurrence, *, show_link: bool) -> bytes:
    calendar = _calendar(occurrence.series.title)
    calendar.add_component(occurrence_event(occurrence, show_link=show_link))
    return calendar.to_ical()


def feed_calendar(occurrences: Iterable[Occurrence], *, name: str) -> bytes:
    """A person's feed: it only ever holds their own groups, so join links are included."""
    calendar = _calendar(name)
    for occurrence in occurrences:
        calendar.add_component(occurrence_event(occurrence, show_link=True))
    return calendar.to_ical()
