"""The people who use the site, and the in-app notifications every app sends them."""

import zoneinfo

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone we know."), params={"value": value})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """Signs in by email; shown everywhere by a pseudonymous display name, never by email."""

    class AboutRole(models.TextChoices):
        PATIENT = "patient", _("Living with cancer")
        SURVIVOR = "survivor", _("Survivor")
        CAREGIVER = "caregiver", _("Caregiver or family member")
        BEREAVED = "bereaved", _("Bereaved")
        PROFESSIONAL = "professional", _("Professional")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=40,
        help_text=_("Shown to others instead of your real name. You can change it later."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    about_role = models.CharField(
        _("about me"),
        max_length=20,
        choices=AboutRole.choices,
        blank=True,
        help_text=_("Optional and private: only you and site staff see it."),
    )
    is_verified_professional = models.BooleanField(
        _("verified professional"),
        default=False,
        help_text=_("Set by staff after checking credentials; shows a badge on posts."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("display_name"), name="user_display_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or f"member {self.pk}"

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class Notification(models.Model):
    """One line in a person's in-app notification list (the bell in the header)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Meeting reminder")
        MEETING_CHANGE = "meeting_change", _("Meeting change")
        REPLY = "reply", _("Reply")
        MENTION = "mention", _("Mention")
        GROUP = "group", _("Group decision")
        MODERATION = "moderation", _("Moderation message")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title
