"""One-to-one peer mentoring: a survivor or caregiver who has been there, matched by a
coordinator with a person facing the same thing, and introduced in a private conversation.

- `MentorApplication`: a mentor's experience and the coordinator's checklist (interview,
  training, agreement). Only an approved mentor is suggested.
- `MentorRequest`: what a member would like to talk about, what matters to them in a match
  (a weight per criterion) and what they would rather avoid.
- `Match`: proposed by a coordinator (never by the software alone), accepted or declined by
  the mentor before `respond_by` (or it expires), active once introduced, ended by either side
  or a coordinator. Its conversation stays readable for both after the end.
- `MatchCheckIn`: "how is it going?" at 2 and 6 weeks, to each side, once (one row per match,
  person and week: the row is the claim).
- `HelpRequest`: a mentor asking the coordinator for help from inside the match.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supportgroups.models import validate_time_zone

User = settings.AUTH_USER_MODEL


class Treatment(models.TextChoices):
    SURGERY = "surgery", _("Surgery")
    CHEMOTHERAPY = "chemotherapy", _("Chemotherapy")
    RADIOTHERAPY = "radiotherapy", _("Radiotherapy")
    IMMUNOTHERAPY = "immunotherapy", _("Immunotherapy")
    HORMONE = "hormone", _("Hormone therapy")
    TARGETED = "targeted", _("Targeted therapy")
    TRANSPLANT = "transplant", _("Stem cell or bone marrow transplant")


class Stage(models.TextChoices):
    UNKNOWN = "", _("Not known, or rather not say")
    EARLY = "early", _("Early (stage 0 to II)")
    LOCALLY_ADVANCED = "locally_advanced", _("Locally advanced (stage III)")
    ADVANCED = "advanced", _("Advanced or metastatic (stage IV)")


class AgeRange(models.TextChoices):
    """In order: neighbouring bands count as "similar age" for half the points."""

    UNDER_30 = "under_30", _("Under 30")
    THIRTIES = "30s", _("30 to 39")
    FORTIES = "40s", _("40 to 49")
    FIFTIES = "50s", _("50 to 59")
    SIXTIES = "60s", _("60 to 69")
    OVER_70 = "70_plus", _("70 or over")


class Avoid(models.TextChoices):
    """What a person asking for a mentor would rather not meet, each matched by a fact the
    mentor gave in their application."""

    RECURRENCE = "recurrence", _("Someone whose cancer came back")
    ADVANCED = "advanced", _("Someone whose cancer was advanced or metastatic")
    BEREAVED = "bereaved", _("A caregiver whose person died")


class MatchFacts(models.Model):
    """What `selectors.score` compares between a mentor's application and a member's request,
    asked of both sides in the same words."""

    cancer_type = models.ForeignKey(
        "groups.CancerType",
        verbose_name=_("cancer type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Treatment values, as JSON rather than a PostgreSQL array so that `make run`'s embedded
    # SQLite holds them too (nothing filters on them in SQL).
    treatments = models.JSONField(_("treatments"), default=list, blank=True)
    age_range = models.CharField(_("my age"), max_length=10, choices=AgeRange.choices)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )

    class Meta:
        abstract = True


class MentorApplication(MatchFacts):
    class Role(models.TextChoices):
        SURVIVOR = "survivor", _("I had cancer")
        CAREGIVER = "caregiver", _("I cared for someone with cancer")

    class State(models.TextChoices):
        APPLIED = "applied", _("Applied, being screened")
        APPROVED = "approved", _("Approved")
        PAUSED = "paused", _("Paused")
        RETIRED = "retired", _("Retired")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mentor_application")
    role = models.CharField(_("my experience"), max_length=10, choices=Role.choices)
    stage = models.CharField(
        _("stage at diagnosis"), max_length=20, choices=Stage.choices, blank=True
    )
    had_recurrence = models.BooleanField(_("the cancer came back"), default=False)
    person_died = models.BooleanField(_("the person I cared for died"), default=False)
    languages = models.ManyToManyField(
        "groups.Language", verbose_name=_("languages I can mentor in"), related_name="+"
    )
    capacity = models.PositiveSmallIntegerField(
        _("how many people I can mentor at once"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comfortable_topics = models.TextField(
        _("topics I am comfortable talking about"), max_length=1000, blank=True
    )
    uncomfortable_topics = models.TextField(
        _("topics I would rather not talk about"), max_length=1000, blank=True
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.APPLIED)
    # The coordinator's checklist: all three before approval.
    interview_done_at = models.DateTimeField(_("interview done"), null=True, blank=True)
    training_done_at = models.DateTimeField(_("training done"), null=True, blank=True)
    agreement_signed_at = models.DateTimeField(_("agreement signed"), null=True, blank=True)
    screened_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("coordinate", "Can coordinate peer mentoring")]

    def __str__(self) -> str:
        return f"Mentor application #{self.pk}"

    @property
    def checklist_done(self) -> bool:
        return None not in (self.interview_done_at, self.training_done_at, self.agreement_signed_at)


class MentorRequest(MatchFacts):
    class Role(models.TextChoices):
        PATIENT = "patient", _("I have cancer")
        CAREGIVER = "caregiver", _("I care for someone with cancer")

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for a mentor")
        MATCHED = "matched", _("Matched")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Weight(models.IntegerChoices):
        NONE = 0, _("Does not matter")
        SOME = 1, _("Would be nice")
        MUCH = 2, _("Matters")
        MOST = 3, _("Matters most")

    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentor_requests")
    role = models.CharField(_("I am asking as"), max_length=10, choices=Role.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    languages = models.ManyToManyField(
        "groups.Language", verbose_name=_("languages I speak"), related_name="+"
    )
    topics = models.TextField(_("what I would like to talk about"), max_length=2000)
    weight_cancer = models.PositiveSmallIntegerField(
        _("same cancer"), choices=Weight.choices, default=Weight.MUCH
    )
    weight_age = models.PositiveSmallIntegerField(
        _("similar age"), choices=Weight.choices, default=Weight.SOME
    )
    weight_role = models.PositiveSmallIntegerField(
        _("same role (patient or caregiver)"), choices=Weight.choices, default=Weight.MUCH
    )
    weight_language = models.PositiveSmallIntegerField(
        _("same language"), choices=Weight.choices, default=Weight.MOST
    )
    weight_treatment = models.PositiveSmallIntegerField(
        _("same treatment"), choices=Weight.choices, default=Weight.SOME
    )
    avoid = models.JSONField(  # Avoid values, as treatments
        _("I would rather not be matched with"), default=list, blank=True
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(state="waiting"),
                name="mentor_request_one_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"Mentor request #{self.pk}"


class Match(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("Offered to the mentor")
        ACCEPTED = "accepted", _("Accepted by the mentor, not yet introduced")
        DECLINED = "declined", _("Declined by the mentor")
        EXPIRED = "expired", _("Not answered in time")
        ACTIVE = "active", _("Introduced")
        ENDED = "ended", _("Ended")

    OPEN = (State.PROPOSED, State.ACCEPTED, State.ACTIVE)

    request = models.ForeignKey(MentorRequest, on_delete=models.CASCADE, related_name="matches")
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentoring_matches")
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentored_matches")
    coordinator = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_at = models.DateTimeField()
    respond_by = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    introduced_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name_plural = "matches"
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(state__in=["proposed", "accepted", "active"]),
                name="mentor_match_one_open_per_request",
            )
        ]
        indexes = [models.Index(fields=["state", "respond_by"], name="mentor_match_state_idx")]

    def __str__(self) -> str:
        return f"Match #{self.pk} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN


class MatchCheckIn(models.Model):
    class Answer(models.TextChoices):
        WELL = "well", _("It is going well")
        OKAY = "okay", _("It is okay")
        NOT_WORKING = "not_working", _("This isn't working")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="check_ins")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    week = models.PositiveSmallIntegerField()
    asked_at = models.DateTimeField()
    answer = models.CharField(
        _("how is it going?"), max_length=12, choices=Answer.choices, blank=True
    )
    note = models.TextField(
        _("anything you would like the coordinator to know"), max_length=2000, blank=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["match", "person", "week"], name="mentor_check_in_once")
        ]

    def __str__(self) -> str:
        return f"Check-in #{self.pk} (week {self.week})"


class HelpRequest(models.Model):
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="help_requests")
    asked_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(_("what would help"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Help request #{self.pk}"
