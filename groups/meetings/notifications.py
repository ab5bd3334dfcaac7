"""Telling the people who said they were going that an occurrence was cancelled or moved: the
in-app notification, and the email (emails.py) that goes with it."""

from django.utils.translation import gettext as _

from supportgroups.models import Notification
from supportgroups.services import notify

from . import emails
from .models import RSVP, Occurrence


def notify_of_change(*, occurrence_id: int, change: str) -> int:
    occurrence = Occurrence.objects.select_related("series__group").filter(pk=occurrence_id).first()
    if occurrence is None:
        return 0
    going = occurrence.rsvps.filter(status=RSVP.Status.GOING).select_related("user")
    title = (_("Cancelled: %(title)s") if change == "cancelled" else _("New time: %(title)s")) % {
        "title": occurrence.series.title
    }
    count = 0
    for rsvp in going:
        emails.send_change_email(occurrence=occurrence, user=rsvp.user, change=change)
        notify(
            user=rsvp.user,
            kind=Notification.Kind.MEETING_CHANGE,
            title=title,
            url=occurrence.get_absolute_url(),
        )
        count += 1
    return count
