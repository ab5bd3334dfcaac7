"""The facilitators' queue, what feeds it (reports, flags), what comes out (actions, sanctions,
appeals) and the crisis lexicon, hotlines and on-duty rota.

The audit log is append-only: rows refuse updates and deletes here and in admin, so the record
of who did what and why cannot be rewritten from the site.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


class Reason(models.TextChoices):
    AT_RISK = "at_risk", _("At risk of harming themselves")
    HARASSMENT = "harassment", _("Harassment")
    MISINFORMATION = "misinformation", _("Misinformation about treatment")
    SPAM = "spam", _("Spam")
    OTHER = "other", _("Something else")


# Lower sorts first: crisis before everything, then harassment, misinformation, spam, other.
PRIORITY: dict[str, int] = {
    Reason.AT_RISK: 0,
    Reason.HARASSMENT: 1,
    Reason.MISINFORMATION: 2,
    Reason.SPAM: 3,
    Reason.OTHER: 4,
}
PRIORITY_LABELS = {v: Reason(k).label for k, v in PRIORITY.items()}


class ReviewItem(models.Model):
    """One queue entry per reported or flagged target, aggregating every report and flag on it."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLAIMED = "claimed", _("Claimed")
        ESCALATED = "escalated", _("Escalated")
        RESOLVED = "resolved", _("Resolved")

    class Resolution(models.TextChoices):
        APPROVED = "approved", _("Approved")
        HIDDEN = "hidden", _("Hidden")
        REMOVED = "removed", _("Removed")
        NO_ACTION = "no_action", _("No action")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    group_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    excerpt = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.OTHER)
    priority = models.PositiveSmallIntegerField(default=PRIORITY[Reason.OTHER])
    crisis = models.BooleanField(default=False)
    held = models.BooleanField(default=False, help_text=_("Waiting for approval before shown."))
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    claimed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    opened_at = models.DateTimeField(db_index=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    backup_alerted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "opened_at", "id"]
        permissions = [("moderate_all", "Can moderate every group and public place")]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="reviewitem_target")
        ]
        indexes = [models.Index(fields=["state", "priority", "opened_at"], name="queue_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_reason_display()} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("moderation:item", args=[self.pk])

    @property
    def priority_label(self) -> str | Promise:
        return PRIORITY_LABELS.get(self.priority, "")

    @property
    def is_open(self) -> bool:
        return self.state != self.State.RESOLVED


class Report(models.Model):
    """A member telling the facilitators about something; one per member per target."""

    reporter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="reports")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"], name="report_once_per_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} by {self.reporter}"


class Flag(models.Model):
    """An automatic reason to look: the crisis lexicon, spam heuristics, pre-moderation,
    or a review someone asked for (a resource suggestion)."""

    class Kind(models.TextChoices):
        CRISIS = "crisis", _("Crisis words")
        SPAM = "spam", _("Looks like spam")
        PREMODERATION = "premoderation", _("New member, waiting for approval")
        REVIEW = "review", _("Review requested")

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ItemNote(models.Model):
    """Facilitators talking to each other about an item (never shown to members), and what the
    member a decision was about wrote to them (from_author: a silenced member can still write)."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=4000)
    from_author = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("The moderation audit log is append-only.")

    def delete(self):
        raise PermissionDenied("The moderation audit log is append-only.")


class AuditLogEntry(models.Model):
    """Every moderation action and state change: who, when, what and why. Append-only.

    Rows about a queue item point at it; changes to the on-duty rota are about no item, and
    their detail holds the shift as it became (and, for a change, as it was)."""

    class Action(models.TextChoices):
        REPORTED = "reported", _("Reported")
        FLAGGED = "flagged", _("Flagged")
        REOPENED = "reopened", _("Reopened")
        CLAIMED = "claimed", _("Claimed")
        RELEASED = "released", _("Released")
        APPROVE = "approve", _("Approved")
        HIDE = "hide", _("Hidden")
        REMOVE = "remove", _("Removed")
        RESTORE = "restore", _("Restored")
        EDIT = "edit", _("Edited")
        MESSAGE = "message", _("Messaged the author")
        WARN = "warn", _("Warned")
        SILENCE = "silence", _("Silenced")
        MUTE = "mute", _("Muted in group")
        SUSPEND = "suspend", _("Suspended")
        ESCALATE = "escalate", _("Escalated")
        DISMISS = "dismiss", _("Closed with no action")
        APPEALED = "appealed", _("Appealed")
        OVERTURN = "overturn", _("Appeal upheld, action reversed")
        BACKUP_ALERT = "backup_alert", _("Backup contacts alerted")
        FOLLOW_UP = "follow_up", _("Followed up")
        FOLLOW_UP_ALERT = "follow_up_alert", _("Overdue follow-up: on-duty alerted")
        FOLLOW_UP_BACKUP = "follow_up_backup", _("Overdue follow-up: backups alerted")
        ROTA_ADD = "rota_add", _("Rota shift added")
        ROTA_CHANGE = "rota_change", _("Rota shift changed")
        ROTA_REMOVE = "rota_remove", _("Rota shift removed")
        PIN = "pin", _("Pinned")
        UNPIN = "unpin", _("Unpinned")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")
        CLOSE = "close", _("Closed")
        REOPEN = "reopen", _("Reopened to replies")
        MOVE = "move", _("Moved")
        EMAIL_GROUP = "email_group", _("Emailed the group")

    item = models.ForeignKey(
        ReviewItem, null=True, blank=True, on_delete=models.PROTECT, related_name="audit"
    )
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.TextField(blank=True)
    subject = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "audit log entries"

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor or 'system'}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("The moderation audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The moderation audit log is append-only.")

    @property
    def decided_item(self) -> ReviewItem:
        """The queue item a decision was taken on: every row a member can be told of, appeal
        or write about has one (only the rota's rows have none)."""
        if self.item is None:
            raise ValueError(f"Audit row {self.pk} ({self.action}) is about no queue item.")
        return self.item


class Sanction(models.Model):
    """A consequence for a member: a warning, silence (until a time), mute in one group,
    or suspension of the account."""

    class Kind(models.TextChoices):
        WARN = "warn", _("Warning")
        SILENCE = "silence", _("Silenced")
        MUTE = "mute", _("Muted in group")
        SUSPEND = "suspend", _("Suspended")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sanctions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    group_id = models.PositiveBigIntegerField(null=True, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()
    action = models.OneToOneField(AuditLogEntry, on_delete=models.PROTECT, related_name="sanction")
    lifted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "kind"], name="sanction_user_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user}"


class Appeal(models.Model):
    """The author asking once for an action on them or their words to be looked at again.
    It goes through the same queue as everything else (its adapter is in moderation.py)."""

    action = models.OneToOneField(AuditLogEntry, on_delete=models.PROTECT, related_name="appeal")
    appellant = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Appeal against {self.action}"

    def get_absolute_url(self) -> str:
        return reverse("moderation:item", args=[self.action.item_id])


class CrisisPhrase(models.Model):
    """Words that suggest someone may harm themselves. Only explicit statements of intent go
    here; exclusions remove everyday idioms ("could kill myself laughing") before matching."""

    language = models.CharField(max_length=10, default="en")
    phrase = models.CharField(max_length=200)
    is_exclusion = models.BooleanField(
        default=False, help_text=_("Removed from the text before matching (an everyday idiom).")
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["language", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["language", "phrase"], name="crisisphrase_unique")
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.phrase}"


class CrisisResource(models.Model):
    """A real crisis line, shown to a writer in crisis and as the site's hotline list."""

    country = models.CharField(
        max_length=2, blank=True, help_text=_("ISO code, e.g. GB; blank for international.")
    )
    language = models.CharField(max_length=10, default="en")
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    text = models.CharField(max_length=100, blank=True, help_text=_("How to reach it by text."))
    url = models.URLField(blank=True)
    hours = models.CharField(max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["country", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="crisisresource_unique")
        ]

    def __str__(self) -> str:
        return " · ".join(p for p in (self.name, self.phone, self.text, self.hours) if p)


WEEKDAYS = list(
    enumerate(
        [
            _("Monday"),
            _("Tuesday"),
            _("Wednesday"),
            _("Thursday"),
            _("Friday"),
            _("Saturday"),
            _("Sunday"),
        ]
    )
)


class OnDutyShift(models.Model):
    """Who covers which hours (in MODERATION_ROTA_TIME_ZONE). Backups are alerted when a
    crisis item stays unclaimed."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start = models.TimeField()
    end = models.TimeField(help_text=_("May be earlier than the start for a shift past midnight."))
    is_backup = models.BooleanField(default=False)

    class Meta:
        ordering = ["weekday", "start"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_weekday_display()} {self.start}-{self.end}"

    def audit_state(self) -> dict[str, object]:
        """The shift as the audit log keeps it (times as ISO strings: plain JSON), so who
        covered what and when can be read back after it changed or went."""
        return {
            "user": self.user_id,
            "weekday": self.weekday,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "is_backup": self.is_backup,
        }


class SafetyPlan(models.Model):
    """A member's own safety plan, in the Stanley-Brown shape. Only its owner reads it, and
    the one facilitator they name, if they name one; it is shown first when the crisis path
    fires for them."""

    owner = models.OneToOneField(User, on_delete=models.CASCADE, related_name="safety_plan")
    warning_signs = models.TextField(_("warning signs"), blank=True, max_length=4000)
    coping_on_my_own = models.TextField(_("things I can do on my own"), blank=True, max_length=4000)
    people_and_places = models.TextField(
        _("people and places that help take my mind off things"), blank=True, max_length=4000
    )
    people_to_ask = models.TextField(_("people I can ask for help"), blank=True, max_length=4000)
    professionals = models.TextField(
        _("professionals and crisis lines I can contact"), blank=True, max_length=4000
    )
    safer_space = models.TextField(_("making my space safer"), blank=True, max_length=4000)
    shared_with = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("shared with"),
    )
    # The member invited the person it is shared with to write it with them.
    shared_may_edit = models.BooleanField(default=False, db_default=False)
    updated_at = models.DateTimeField(auto_now=True)

    SECTIONS = (
        "warning_signs",
        "coping_on_my_own",
        "people_and_places",
        "people_to_ask",
        "professionals",
        "safer_space",
    )

    def __str__(self) -> str:
        return f"Safety plan #{self.pk}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in self.SECTIONS)


class SafetyPlanEdit(models.Model):
    """The plan's own record of who changed it and when: the member, the facilitator they
    invited to write it with them, the invitation and its end. Which sections changed, never
    the words; its owner reads it, and it goes with the plan."""

    class Change(models.TextChoices):
        EDITED = "edited", _("edited")
        INVITED = "invited", _("invited to write it together")
        REVOKED = "revoked", _("stopped sharing")

    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="edits")
    editor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change = models.CharField(max_length=10, choices=Change.choices)
    sections = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Safety plan edit #{self.pk}"


class ContactRequest(models.Model):
    """A member in crisis asking the on-duty facilitator to contact them. It takes the crisis
    path as a queue item of its own (its adapter is in moderation.py)."""

    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    group_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Contact request #{self.pk}"


class FollowUp(models.Model):
    """A contact owed to a member after their crisis item was resolved (24 h and 72 h by
    default), assigned to the facilitator who resolved it. Due and not done alerts the on-duty
    rota once, and the rota's backups once more if it is still not done after a further delay;
    doing it records how contact was made and the outcome in the audit log."""

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone call")
        MESSAGE = "message", _("Private message on the site")
        EMAIL = "email", _("Email")
        IN_PERSON = "in_person", _("In person")
        NO_CONTACT = "no_contact", _("Tried, could not reach them")

    item = models.ForeignKey(ReviewItem, on_delete=models.PROTECT, related_name="follow_ups")
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    after_hours = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField(db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    contact_method = models.CharField(max_length=12, choices=Method.choices, blank=True)
    outcome = models.TextField(blank=True, max_length=4000)
    alerted_at = models.DateTimeField(null=True, blank=True)
    backup_alerted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"Follow-up at {self.after_hours} h for item #{self.item_id}"


class DebriefNote(models.Model):
    """A facilitator's own words after a crisis item closed: for them alone."""

    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(
        ReviewItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Debrief #{self.pk}"
