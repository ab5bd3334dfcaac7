"""Meeting series, their materialised occurrences, RSVPs and reminder deliveries.

Times are stored in UTC (`Occurrence.starts_at`); the series keeps the local date, local time
and zone it was planned in, so each occurrence is computed from local time and DST is right.
"""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.models import SupportGroup
from supportgroups.models import validate_time_zone

validate_web_link = URLValidator(
    schemes=["http", "https"], message=_("Use a web link starting with https:// or http://.")
)


class MeetingSeries(models.Model):
    class Recurrence(models.TextChoices):
        ONCE = "once", _("Once")
        WEEKLY = "weekly", _("Every week")
        FORTNIGHTLY = "fortnightly", _("Every other week")
        MONTHLY = "monthly", _("Every month on the same weekday (e.g. second Tuesday)")

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="meeting_series")
    title = models.CharField(_("title"), max_length=120)
    starts_on = models.DateField(_("first date"))
    start_time = models.TimeField(_("starts at (local time)"))
    duration_minutes = models.PositiveIntegerField(
        _("duration in minutes"), validators=[MinValueValidator(5)]
    )
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    recurrence = models.CharField(
        _("repeats"), max_length=12, choices=Recurrence.choices, default=Recurrence.WEEKLY
    )
    ended_on = models.DateField(_("last date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    join_url = models.URLField(
        _("online join link"), max_length=500, blank=True, validators=[validate_web_link]
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_on", "start_time"]
        verbose_name_plural = "meeting series"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("starts_on")),
                name="meeting_series_ends_after_start",
                violation_error_message=_("The last date cannot be before the first date."),
            ),
            models.CheckConstraint(
                condition=Q(join_url="") | Q(join_url__regex=r"^https?://"),
                name="meeting_series_join_url_is_web",
                violation_error_message=_("Use a web link starting with https:// or http://."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.group})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:series", kwargs={"pk": self.pk})


class Occurrence(models.Model):
    """One meeting on one date. `local_date` is the date the rule produced, kept when moved."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="occurrences")
    local_date = models.DateField()
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    is_cancelled = models.BooleanField(default=False)
    is_moved = models.BooleanField(default=False)
    # Bumped on every change so calendar apps replace the event they already hold.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "local_date"], name="occurrence_one_per_date"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="occurrence_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series.title} on {self.local_date}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:occurrence", kwargs={"pk": self.pk})


class RSVP(models.Model):
    class Status(models.TextChoices):
        GOING = "going", _("Going")
        WAITLISTED = "waitlisted", _("On the waitlist")
        NOT_GOING = "not_going", _("Not going")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_rsvps"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    # When the status last changed: the waitlist is served in this order.
    status_changed_at = models.DateTimeField()
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="rsvp_one_per_person"),
        ]
        indexes = [models.Index(fields=["occurrence", "status"], name="rsvp_status_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.status} {self.occurrence}"


class ReminderPreference(models.Model):
    """A person's reminder choices. No row means every reminder is on (the default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    remind_24h = models.BooleanField(_("24 hours before"), default=True)
    remind_1h = models.BooleanField(_("1 hour before"), default=True)
    by_email = models.BooleanField(_("by email"), default=True)
    in_app = models.BooleanField(_("in my notifications on this site"), default=True)

    def __str__(self) -> str:
        return f"reminder preferences of {self.user}"

    def wants(self, kind: str) -> bool:
        return self.remind_24h if kind == ReminderDelivery.Kind.DAY_BEFORE else self.remind_1h


class ReminderDelivery(models.Model):
    """One reminder for one person and occurrence; the unique constraint makes it happen once.

    pending -> claimed (a worker is sending it) -> sent, or -> skipped (too late, cancelled, left
    the group). A claim that never reached "sent" (the worker died) is claimable again after
    MEETINGS_CLAIM_LEASE_SECONDS.
    """

    class Kind(models.TextChoices):
        DAY_BEFORE = "24h", _("24 hours before")
        HOUR_BEFORE = "1h", _("1 hour before")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    kind = models.CharField(max_length=4, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    skip_reason = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "user", "kind"], name="reminder_once_per_kind"
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "enqueued_at"],
                name="reminder_open_idx",
                condition=Q(state__in=["pending", "claimed"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for {self.user} ({self.state})"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of a person's calendar feed; deleting the row revokes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"
