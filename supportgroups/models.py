"""The people who use the site, and the in-app notifications every app sends them."""

import zoneinfo
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .languages import language_choices
from .names import name_key
from .prepared import Prepared


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone we know."), params={"value": value})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get(self, *args: Any, **kwargs: Any) -> "User":
        """`User.objects.get(pk=id)` is how Django's ModelBackend reads the signed-in person on
        every request: that one shape runs a query compiled once (supportgroups.prepared),
        with the same result and the same exception; any other lookup is Django's own."""
        pk = kwargs.get("pk")
        if args or len(kwargs) != 1 or type(pk) is not int or self._db or self.model is not User:
            return super().get(*args, **kwargs)
        found = _USER_BY_PK(pk)
        if not found:
            raise User.DoesNotExist("User matching query does not exist.")
        return found[0]

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
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

    # None removes the inherited field, which the stubs type as a CharField.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=40,
        help_text=_("Shown to others instead of your real name. You can change it later."),
    )
    # supportgroups.names.name_key(display_name): look-alike names ("Sаm", "S a m") share it,
    # so the unique index refuses them. NULL for a blank name (an account mid-creation).
    display_name_key = models.TextField(null=True, unique=True, editable=False)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    about_role = models.CharField(
        _("about me"),
        max_length=20,
        choices=AboutRole.choices,
        blank=True,
        help_text=_("Optional. Who sees it follows your privacy setting (nobody by default)."),
    )
    # Empty until the person picks one (or signs up): pages then follow their browser, and
    # emails use the site's default language.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=language_choices,
        blank=True,
        db_default="",  # the previous release inserts users without it during an upgrade
        help_text=_("Pages and emails are written in this language."),
    )
    is_verified_professional = models.BooleanField(
        _("verified professional"),
        default=False,
        help_text=_("Set by staff after checking credentials; shows a badge on posts."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    # Signs in by email, so not auth's username-based UserManager that the stubs expect here.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("display_name"), name="user_display_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or f"member {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep the derived `display_name_key` in step with `display_name`.

        Here because every writer goes through save (sign-up, profile, admin, services,
        create_user, factories, the former-member placeholder): the unique index on the key
        then refuses look-alikes whoever wrote them.
        """
        self.display_name_key = name_key(self.display_name) or None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "display_name_key"}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


_USER_BY_PK = Prepared(lambda pk: User.objects.filter(pk=pk))


class Notification(models.Model):
    """One line in a person's in-app notification list (the bell in the header)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Meeting reminder")
        MEETING_CHANGE = "meeting_change", _("Meeting change")
        REPLY = "reply", _("Reply")
        MENTION = "mention", _("Mention")
        GROUP = "group", _("Group decision")
        MODERATION = "moderation", _("Moderation message")
        MESSAGE = "message", _("Private message")
        ANNOUNCEMENT = "announcement", _("Announcement from facilitators")

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


# --- privacy: settings, consent, blocking, email preferences, audit -------------------------------
# Kept as one clearly separated section so that the account-lifecycle models read together.
# Their logic lives in supportgroups/privacy/ (services, selectors, registry).


class PrivacySettings(models.Model):
    """Who may see a person's profile details, and the details themselves.

    A separate one-to-one row (created on first use) keeps health-related profile text out of
    the User row that every page loads, and defaults to the most private choice.
    """

    class Visibility(models.TextChoices):
        NOBODY = "nobody", _("Nobody (only me and site staff)")
        GROUP_MEMBERS = "group_members", _("Members of groups I belong to")
        MEMBERS = "members", _("All signed-in members")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="privacy_settings")
    profile_visibility = models.CharField(
        _("who can see my profile"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.NOBODY,
    )
    about = models.TextField(_("about me"), blank=True, max_length=1000)
    cancer_types = models.CharField(
        _("cancer types"),
        blank=True,
        max_length=200,
        help_text=_("Optional, in your own words, e.g. “breast, and my father's prostate”."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"privacy settings of {self.user}"


class Consent(models.Model):
    """What a person agreed to, when, and under which version of the privacy notice."""

    class Kind(models.TextChoices):
        MINIMUM_AGE = "minimum_age", _("Confirmed the minimum age")
        HEALTH_DATA = "health_data", _("Processing of health information")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    notice_version = models.CharField(max_length=20)
    given_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "notice_version"], name="consent_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} ({self.notice_version})"


class Block(models.Model):
    """`blocker` no longer sees `blocked`'s words expanded, and neither can contact the other."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker} blocks {self.blocked}"


class NotificationPreference(models.Model):
    """Email on or off for one kind of notification; no row means the default (on)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    email = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} email={'on' if self.email else 'off'}"


class SignInRecord(models.Model):
    """A recent sign-in, shown on the security page so people can spot one that wasn't them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_ins")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} at {self.at:%Y-%m-%d %H:%M}"


class Memorial(models.Model):
    """A member who has died, memorialised by staff at their family's request."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="memorial")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("staff note"), max_length=500, blank=True)

    def __str__(self) -> str:
        return f"in memory of {self.user}"


class DataExport(models.Model):
    """One requested copy of a person's data, built by a Celery task and fetched by link."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"export {self.pk} for {self.user} ({self.state})"


class AdminAccessLog(models.Model):
    """Which staff member opened which member's private data in admin, and when.

    Labels are copied so that the row still says who was involved after an account goes.
    """

    staff = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="admin_accesses_made"
    )
    staff_label = models.CharField(max_length=200)
    subject = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="admin_accesses_received"
    )
    subject_label = models.CharField(max_length=200)
    object_label = models.CharField(max_length=200)
    path = models.CharField(max_length=500)
    method = models.CharField(max_length=8)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.staff_label} viewed {self.object_label} at {self.at:%Y-%m-%d %H:%M}"
