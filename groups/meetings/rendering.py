"""The group page's next meetings rendered once and reused (supportgroups.fragments): each item
is drawn from the plain values upcoming_context() gives it, the reader's time zone among them,
since formatting its dates cost more than the rest of the group page's panels."""

from django.utils import timezone
from django.utils.safestring import SafeString

from supportgroups.fragments import render_each
from supportgroups.links import url_maker

from .models import Occurrence

UPCOMING_TEMPLATES = ("meetings/_upcoming_item.html", "meetings/_when.html")


def upcoming_context(occurrence: Occurrence, *, link, can_view_private: bool, zone: str) -> dict:
    """What an item shows; `zone` is the reader's time zone, `link` makes an address from an id."""
    series = occurrence.series
    return {
        "viewer_zone": zone,
        "can_view_private": can_view_private,
        "occurrence": {
            "url": link(occurrence.pk),
            "starts_at": occurrence.starts_at,
            "ends_at": occurrence.ends_at,
            "is_cancelled": occurrence.is_cancelled,
            "is_moved": occurrence.is_moved,
            "series": {
                "title": series.title,
                "time_zone": series.time_zone,
                "place": series.place,
                "join_url": series.join_url,
            },
        },
    }


def render_upcoming(occurrences: list[Occurrence], *, can_view_private: bool) -> SafeString:
    link, zone = url_maker("meetings:occurrence"), timezone.get_current_timezone_name()
    contexts = [
        upcoming_context(o, link=link, can_view_private=can_view_private, zone=zone)
        for o in occurrences
    ]
    return render_each(UPCOMING_TEMPLATES, contexts)
