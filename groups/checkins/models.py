"""Distress check-ins: the oncology distress thermometer (0-10) and its problem list, which a
group can ask its members for before each meeting or weekly. A score at or above the group's
threshold opens one private task for the group's facilitators, once per check-in."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from groups.models import SupportGroup

User = settings.AUTH_USER_MODEL

# The distress thermometer's problem list, in its usual order.
PROBLEM_CHOICES = [
    ("practical", _("practical (money, work, transport, housing)")),
    ("family", _("family (partner, children, caring for others)")),
    ("emotional", _("emotional (worry, fear, sadness, loneliness)")),
    ("physical", _("physical (pain, tiredness, sleep, eating)")),
    ("spiritual", _("spiritual or religious concerns")),
]
_LABELS = dict(PROBLEM_CHOICES)


class CheckInSetup(models.Model):
    """A group's check-in: off unless its facilitators turn it on."""

    class Cadence(models.TextChoices):
        BEFORE_MEETING = "meeting", _("Before each meeting")
        WEEKLY = "weekly", _("Once a week")

    group = models.OneToOneField(SupportGroup, on_delete=models.CASCADE, related_name="check_in")
    enabled = models.BooleanField(_("ask members to check in"), default=False)
    cadence = models.CharField(
        _("how often"), max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY
    )
    threshold = models.PositiveSmallIntegerField(
        _("open a task at this score or above"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    def __str__(self) -> str:
        return f"Check-in for {self.group}"


class CheckIn(models.Model):
    """One member's answers for one period (a meeting, or a week). Every answer is optional;
    consent to the facilitators seeing them is recorded with the answers."""

    PROBLEMS = tuple(name for name, _label in PROBLEM_CHOICES)

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField(
        _("distress today, from 0 (none) to 10 (extreme)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
    )
    practical = models.BooleanField(_("practical (money, work, transport, housing)"), default=False)
    family = models.BooleanField(_("family (partner, children, caring for others)"), default=False)
    emotional = models.BooleanField(
        _("emotional (worry, fear, sadness, loneliness)"), default=False
    )
    physical = models.BooleanField(_("physical (pain, tiredness, sleep, eating)"), default=False)
    spiritual = models.BooleanField(_("spiritual or religious concerns"), default=False)
    consented_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "member", "period"], name="checkin_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in #{self.pk}"

    @property
    def problems(self) -> list[str]:
        return [name for name in self.PROBLEMS if getattr(self, name)]


class CheckInTask(models.Model):
    """A facilitator's private task: reach out to a member whose check-in was at or above the
    threshold. One per check-in, whatever is edited later."""

    check_in = models.OneToOneField(CheckIn, on_delete=models.CASCADE, related_name="task")
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Check-in task #{self.pk}"


class CheckInReminder(models.Model):
    """One reminder to one member for one check-in period. The row is made once (unique),
    claimed before sending and marked sent in the transaction that writes the in-app line, so a
    member is reminded once per period (the email at least once, like meeting reminders)."""

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "member", "period"], name="checkin_reminder_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in reminder #{self.pk}"
