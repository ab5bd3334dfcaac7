"""Support groups, what they are about, and who belongs to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supportgroups.models import validate_time_zone


class CancerType(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Audience(models.Model):
    """Who a group is for: patients, caregivers, bereaved, teens, LGBTQ+ people, ..."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    code = models.CharField(max_length=10, unique=True, help_text=_("BCP 47 code, e.g. en, es"))
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SupportGroupQuerySet(models.QuerySet):
    def listed(self):
        """What the public directory shows: listed and not archived."""
        return self.filter(is_listed=True, is_archived=False)

    def visible_to(self, user):
        """Groups a person may open: listed or unlisted ones, plus any they belong to.

        Unlisted groups are reachable by link, so every group page is "visible"; the private
        parts of a group are guarded by groups.permissions, not here.
        """
        return self.all()

    def with_member(self, user):
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
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.CharField(_("summary"), max_length=280)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    cancer_types = models.ManyToManyField(CancerType, related_name="groups", blank=True)
    audiences = models.ManyToManyField(Audience, related_name="groups", blank=True)
    languages = models.ManyToManyField(Language, related_name="groups", blank=True)
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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="membership_one_per_user_group"),
        ]
        indexes = [models.Index(fields=["group", "state", "role"], name="membership_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.role == self.Role.FACILITATOR
