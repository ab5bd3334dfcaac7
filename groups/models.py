"""Support groups, what they are about, and who belongs to them."""

import datetime
import zoneinfo
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from supportgroups.languages import default_language, language_choices
from supportgroups.models import User, validate_time_zone

from .countries import country_name


class TaxonomyTerm(models.Model):
    """A term groups are tagged with and the directory filters by, in the order staff set.

    The name is stored in English and shown in the reader's language: the catalogues carry the
    names the site ships (marked in groups/demo.py); a name staff add later is shown as typed
    until a catalogue has it."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return gettext(self.name)


class CancerType(TaxonomyTerm):
    """The cancers a group is about."""


class Audience(TaxonomyTerm):
    """Who a group is for: patients, caregivers, bereaved, teens, LGBTQ+ people, ..."""


class Language(models.Model):
    code = models.CharField(max_length=10, unique=True, help_text=_("BCP 47 code, e.g. en, es"))
    name = models.CharField(max_length=60)  # shown translated, as a TaxonomyTerm's

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return gettext(self.name)


# Paths under /groups/ that are pages of their own, so no group may take them as its slug.
RESERVED_SLUGS = frozenset({"mine", "invitations", "announcements"})


def validate_group_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved; choose another."), params={"value": value}
        )


class SupportGroupQuerySet(models.QuerySet["SupportGroup"]):
    def listed(self) -> Self:
        """What the public directory shows: listed and not archived."""
        return self.filter(is_listed=True, is_archived=False)

    def with_member(self, user: User | int) -> Self:
        return self.filter(
            memberships__user=user,
            memberships__state=Membership.State.ACTIVE,
        )


class SupportGroup(models.Model):
    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open: join at once")
        APPROVAL = "approval", _("A facilitator approves each request")
        INVITATION = "invitation", _("By invitation only")

    class Kind(models.TextChoices):
        ONGOING = "ongoing", _("Ongoing group")
        COHORT = "cohort", _("Closed cohort for a fixed number of weeks")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, validators=[validate_group_slug]
    )
    summary = models.CharField(_("summary"), max_length=280)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    cancer_types = models.ManyToManyField(CancerType, related_name="groups", blank=True)
    audiences = models.ManyToManyField(Audience, related_name="groups", blank=True)
    languages = models.ManyToManyField(Language, related_name="groups", blank=True)
    # The language the group is run in: its pages offer it, and its board's posts are
    # searched with its text search configuration.
    language = models.CharField(
        _("language of the group"),
        max_length=10,
        choices=language_choices,
        default=default_language,
        db_default="en",  # for rows the previous release inserts during an upgrade
        help_text=_("Its pages offer this language, and its posts are searched in it."),
    )
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    city = models.CharField(_("city"), max_length=80, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166 code, e.g. GB")
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    join_policy = models.CharField(
        _("join policy"), max_length=12, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    premoderated_posts = models.PositiveSmallIntegerField(
        _("posts held for review"),
        default=0,
        help_text=_("A new member's first posts wait for a facilitator's approval (0 = off)."),
    )
    is_listed = models.BooleanField(_("listed in the directory"), default=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ONGOING)
    cohort_starts_on = models.DateField(_("cohort starts on"), null=True, blank=True)
    cohort_ends_on = models.DateField(_("cohort ends on"), null=True, blank=True)
    screening_questions = models.TextField(
        _("screening questions"), blank=True, help_text=_("One question per line.")
    )
    alumni_group = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="cohorts"
    )
    check_in_template = models.TextField(
        _("check-in message for quiet members"),
        blank=True,
        default="",
        db_default="",
        max_length=2000,
        help_text=_(
            "Filled in when you write to a member who has gone quiet; you can change it each "
            "time. {name} becomes the member's name."
        ),
    )
    next_cohort = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="previous_cohorts",
        verbose_name=_("next cohort"),
        help_text=_("The cohort that follows this one: its waitlist is offered places there."),
    )
    welcome_message = models.TextField(
        _("welcome message and group norms"),
        blank=True,
        default="",
        db_default="",
        max_length=4000,
        help_text=_(
            "Markdown. Each new member gets it on joining, and sees it above the form "
            "until their first post."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupportGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cohort_ends_on__isnull=True)
                | Q(cohort_starts_on__isnull=True)
                | Q(cohort_ends_on__gte=models.F("cohort_starts_on")),
                name="group_cohort_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", kwargs={"slug": self.slug})

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def is_cohort(self) -> bool:
        return self.kind == self.Kind.COHORT

    def local_today(self) -> datetime.date:
        """Cohort dates are days in the group's own time zone."""
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(self.time_zone))

    def cohort_has_started(self, today: datetime.date | None = None) -> bool:
        """A cohort closes to new members on its first day."""
        today = today or self.local_today()
        return (
            self.is_cohort and self.cohort_starts_on is not None and today >= self.cohort_starts_on
        )

    def cohort_has_ended(self, today: datetime.date | None = None) -> bool:
        today = today or self.local_today()
        return self.is_cohort and self.cohort_ends_on is not None and today > self.cohort_ends_on

    @property
    def is_read_only(self) -> bool:
        """Archived groups and finished cohorts keep their history but take no new posts."""
        return self.is_archived or self.cohort_has_ended()

    def read_only_at(self, when: datetime.datetime) -> bool:
        """is_read_only as of `when` (scans and tasks pass their own "now")."""
        today = timezone.localtime(when, zoneinfo.ZoneInfo(self.time_zone)).date()
        return self.is_archived or self.cohort_has_ended(today)

    @property
    def screening_question_list(self) -> list[str]:
        return [line.strip() for line in self.screening_questions.splitlines() if line.strip()]


class Membership(models.Model):
    """One row per person and group; its state changes instead of new rows being made."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        FACILITATOR = "facilitator", _("Facilitator")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Member")
        WAITLISTED = "waitlisted", _("On the waitlist")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    join_note = models.TextField(_("note to the facilitators"), blank=True, max_length=2000)
    screening_answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_active_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Places are offered in this order.")
    )
    # Set by the member's first post in the group (or their "I have read them"): until then
    # the group's norms are shown above the forms they write in.
    norms_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="membership_one_per_user_group"),
        ]
        indexes = [
            models.Index(fields=["group", "state", "role"], name="membership_lookup_idx"),
            models.Index(fields=["user", "state"], name="membership_user_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.role == self.Role.FACILITATOR


class MembershipEvent(models.Model):
    """One line of a membership's history: who did what, when, with what message.

    Membership rows change state in place; these rows are never changed, so the story of
    someone leaving and coming back is kept.
    """

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("Asked to join")
        JOINED = "joined", _("Joined")
        WAITLISTED = "waitlisted", _("Put on the waitlist")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        ADMITTED = "admitted", _("Given a place from the waitlist")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")
        PROMOTED = "promoted", _("Made a co-facilitator")
        DEMOTED = "demoted", _("No longer a co-facilitator")
        STEPPED_DOWN = "stepped_down", _("Stepped down as co-facilitator")
        HANDED_ON = "handed_on", _("Moved on from a finished cohort")
        INVITED = "invited", _("Joined by invitation")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who did it: the person themself, a facilitator, or empty for the system."),
    )
    message = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class GroupInvitation(models.Model):
    """A facilitator's single-use, expiring invitation to a group.

    Only a SHA-256 hash of the token is stored, so a database copy cannot be used to join a
    group; the token itself is shown once (link invitations) or sent in the invitee's own
    notification. An invitation with an invitee can only be accepted by that person.
    Invitations are never deleted by the tools, only revoked, so facilitators see who came in
    through which invitation.
    """

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="invitations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="group_invitations",
        help_text=_("The one person who may accept it; empty for a link anyone may use once."),
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["group", "used_at"], name="invitation_open_idx")]

    def __str__(self) -> str:
        return f"Invitation to {self.group} ({self.created_at:%Y-%m-%d})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def label(self) -> str:
        """A short reference telling open invitations apart on the tools page.

        Six hex characters of the hash say nothing usable about the token itself.
        """
        return self.token_hash[:6]

    @property
    def is_open(self) -> bool:
        """Still usable: not accepted, withdrawn or expired."""
        return self.used_at is None and self.revoked_at is None and not self.is_expired


class Announcement(models.Model):
    """A notice from a group's facilitators (or, with no group, from staff to everyone): shown
    at the top of the group page from `publish_at` until `expires_at`, and delivered once, in-app
    and by email, when `publish_at` comes (groups.announcements.deliver_due)."""

    group = models.ForeignKey(
        SupportGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="announcements",
        help_text=_("Empty for a site-wide announcement (staff only)."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("message"), max_length=4000, help_text=_("Markdown"))
    body_html = models.TextField(blank=True, editable=False)
    publish_at = models.DateTimeField(_("publish at"))
    expires_at = models.DateTimeField(_("pinned until"), null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(fields=["group", "publish_at"], name="announcement_group_idx"),
            models.Index(
                fields=["publish_at"],
                name="announcement_due_idx",
                condition=Q(delivered_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("publish_at")),
                name="announcement_expires_after_publish",
                violation_error_message=_("It must stay pinned until after it is published."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AnnouncementDigestLine(models.Model):
    """An announcement waiting for the daily digest of someone who chose one email a day,
    instead of an email of its own (forums' digest takes it: announcements.take_for_digest)."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="digest_lines"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="digest_line_once"),
        ]
        indexes = [
            models.Index(
                fields=["user"], name="digest_line_waiting_idx", condition=Q(sent_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id} for {self.user_id}"


class AnnouncementReceipt(models.Model):
    """A member acknowledged an announcement: the facilitators see how many have read it."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="receipt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.announcement_id}"


class GroupEmail(models.Model):
    """A message the facilitators emailed to every active member ("tonight's session moves
    online"): a few a day per group, audited, sent once by a task (groups.group_email)."""

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="emails")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_count = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["group", "created_at"], name="group_email_recent_idx")]

    def __str__(self) -> str:
        return self.subject


class CohortOffer(models.Model):
    """A place in a cohort's successor, offered to someone on the cohort's waitlist in turn:
    they accept or decline before it expires; a declined or expired offer passes the place on
    to the next person waiting (groups.cohorts)."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    waiting = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="cohort_offers",
        help_text=_("The person's place on the earlier cohort's waitlist."),
    )
    cohort = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="offers")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["offered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["waiting", "cohort"], name="cohort_offer_once"),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"],
                name="cohort_offer_open_idx",
                condition=Q(state="open"),
            ),
        ]

    def __str__(self) -> str:
        return f"Place in {self.cohort_id} for {self.waiting_id} ({self.state})"
