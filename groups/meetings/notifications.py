"""Telling the people who expect a meeting (selectors.expecting: the same people its reminders
reach) that an occurrence was cancelled or moved: the in-app notification, and the email
(emails.py) that goes with it."""

from django.utils.translation import gettext as _

from supportgroups.models import Notification
from supportgroups.services import notify

from . import emails
from .models import Occurrence
from .selectors import expecting


def notify_of_change(*, occurrence_id: int, change: str) -> int:
    occurrence = Occurrence.objects.select_related("series__group").filter(pk=occurrence_id).first()
    if occurrence is None:
        return 0
    people = expecting(occurrence=occurrence).order_by("pk")
    title = (_("Cancelled: %(title)s") if change == "cancelled" else _("New time: %(title)s")) % {
        "title": occurrence.series.title
    }
    count = 0
    for user in people:
        emails.send_change_email(occurrence=occurrence, user=user, change=change)
        notify(
            user=user,
            kind=Notification.Kind.MEETING_CHANGE,
            title=title,
            url=occurrence.get_absolute_url(),
        )
        count += 1
    return count
