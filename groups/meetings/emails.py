"""The emails meetings send, and the signed one-click links they carry.

Every email is rendered in the reader's own language and time zone, the .ics event text too.
The join link is included only for people who may see the group's private parts
(groups.permissions.can_view_private) when it is sent.
"""

import zoneinfo

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from groups.permissions import can_view_private
from supportgroups.languages import in_language, site_name
from supportgroups.models import Notification, User
from supportgroups.privacy.emails import send_user_email

from .calendar import occurrence_calendar
from .models import Occurrence, ReminderDelivery

CANT_MAKE_IT_SALT = "meetings.cant-make-it"
PREFERENCES_SALT = "meetings.reminder-preferences"
# Links stay valid long enough for any reminder about a meeting inside the horizon.
LINK_MAX_AGE = 60 * 60 * 24 * 120


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def cant_make_it_url(occurrence_id: int, user_id: int) -> str:
    token = signing.dumps({"o": occurrence_id, "u": user_id}, salt=CANT_MAKE_IT_SALT)
    return absolute(reverse("meetings:cant_make_it", kwargs={"token": token}))


def read_cant_make_it(token: str) -> tuple[int, int]:
    """(occurrence id, user id); raises signing.BadSignature for a forged or expired link."""
    data = signing.loads(token, salt=CANT_MAKE_IT_SALT, max_age=LINK_MAX_AGE)
    return int(data["o"]), int(data["u"])


def preferences_url(user_id: int) -> str:
    token = signing.dumps({"u": user_id}, salt=PREFERENCES_SALT)
    return absolute(reverse("meetings:reminder_settings_signed", kwargs={"token": token}))


def read_preferences_token(token: str) -> int:
    return int(signing.loads(token, salt=PREFERENCES_SALT, max_age=LINK_MAX_AGE)["u"])


def _send(
    *,
    user: User,
    occurrence: Occurrence,
    kind: str,
    subject: str,
    template: str,
    show_link: bool | None = None,
    headers: dict[str, str] | None = None,
    **extra,
) -> bool:
    """Sent through privacy's send_user_email: memorials, email preferences, one-click
    unsubscribe; it renders the template in the reader's own time zone."""
    group = occurrence.series.group
    if show_link is None:
        show_link = can_view_private(user, group)
    context = {
        "user": user,
        "occurrence": occurrence,
        "series": occurrence.series,
        "group": group,
        "join_url": occurrence.series.join_url if show_link else "",
        "occurrence_url": absolute(occurrence.get_absolute_url()),
        "zone_name": user.time_zone,
        "SITE_NAME": site_name(),
        **extra,
    }
    calendar = occurrence_calendar(occurrence, show_link=show_link)
    return send_user_email(
        user=user,
        kind=kind,
        subject=subject,
        template=template,
        context=context,
        attachments=[("meeting.ics", calendar, "text/calendar; method=PUBLISH")],
        headers=headers,
    )


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def reminder_subject(delivery: ReminderDelivery) -> str:
    """Names the start in the reader's zone: right even when a late reminder goes out."""
    occurrence = delivery.occurrence
    starts = timezone.localtime(occurrence.starts_at, _zone(delivery.user))
    return _("Reminder: %(title)s (%(group)s), %(when)s") % {
        "title": occurrence.series.title,
        "group": occurrence.series.group.name,
        "when": date_format(starts, "D j M, H:i"),
    }


def send_reminder_email(delivery: ReminderDelivery) -> None:
    with in_language(delivery.user):
        _send_reminder_email(delivery)


def _send_reminder_email(delivery: ReminderDelivery) -> None:
    _send(
        user=delivery.user,
        occurrence=delivery.occurrence,
        kind=Notification.Kind.REMINDER,
        subject=reminder_subject(delivery),
        template="meetings/email/reminder.txt",
        show_link=True,  # claim_delivery lets only people who may see the link through
        # Lets an operator (and the benchmark) match every email to its delivery row.
        headers={"X-Meeting-Reminder": str(delivery.pk)},
        cant_make_it_url=cant_make_it_url(delivery.occurrence_id, delivery.user_id),
        preferences_url=preferences_url(delivery.user_id),
    )


def send_change_email(*, occurrence: Occurrence, user: User, change: str) -> None:
    with in_language(user):
        _send_change_email(occurrence=occurrence, user=user, change=change)


def _send_change_email(*, occurrence: Occurrence, user: User, change: str) -> None:
    subject = (
        _("Cancelled: %(title)s (%(group)s)")
        if change == "cancelled"
        else _("New time: %(title)s (%(group)s)")
    ) % {"title": occurrence.series.title, "group": occurrence.series.group.name}
    _send(
        user=user,
        occurrence=occurrence,
        kind=Notification.Kind.MEETING_CHANGE,
        subject=subject,
        template="meetings/email/change.txt",
        change=change,
        cant_make_it_url="" if change == "cancelled" else cant_make_it_url(occurrence.pk, user.pk),
    )
