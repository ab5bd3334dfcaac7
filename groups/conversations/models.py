"""Private conversations and their messages.

Three kinds: a member and one group's facilitators as a team, a member and the site moderators
as a team, and members with each other (two to eight people who share a group). A team is never
stored as people: whoever facilitates the group (or moderates the site) now is the team, so a
facilitator who steps down stops reading at once. Team members get a ``Participant`` row only
to keep their read and email marks; the row grants nothing.

Every change to a conversation's messages takes the next number from its ``last_revision``
counter (and a new message the next ``last_sequence``) under a row lock, as chat rooms do, so a
client coming back after a dropped connection asks for exactly what it missed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_PEOPLE = 8


class ContactSetting(models.Model):
    """Who may start a conversation with this person. No row means the default."""

    class WhoMayStart(models.TextChoices):
        NOBODY = "nobody", _("Nobody")
        FACILITATORS = "facilitators", _("Only the facilitators of my groups")
        SHARED_GROUP = "shared_group", _("People who share a group with me")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_setting"
    )
    who_may_start = models.CharField(
        _("who may start a conversation with me"),
        max_length=20,
        choices=WhoMayStart.choices,
        default=WhoMayStart.SHARED_GROUP,
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.who_may_start}"


class Conversation(models.Model):
    class Kind(models.TextChoices):
        FACILITATORS = "facilitators", _("With a group's facilitators")
        MODERATORS = "moderators", _("With the site moderators")
        MEMBERS = "members", _("Between members")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Facilitators: whose facilitators answer. Members: the group the people share, whose
    # facilitators moderate what is reported or flagged. Moderators: none.
    group = models.ForeignKey(
        "groups.SupportGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The team member who answers it."),
    )
    # "X is replying": set while a team member writes, so that two do not answer at once.
    replying_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replying_at = models.DateTimeField(null=True, blank=True)
    # Team conversations: the member's oldest message the team has not answered yet.
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Ended for good (a mentoring match ended): readable by everyone in it, takes nothing new.
    # Unlike a team's close, a new message does not open it again.
    ended_at = models.DateTimeField(null=True, blank=True)
    # Counters handed out under select_for_update on this row (services._locked).
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_revision = models.PositiveBigIntegerField(default=0)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "group", "last_message_at"], name="conversation_team_idx")
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk} ({self.kind})"

    def get_absolute_url(self) -> str:
        return reverse("conversations:detail", args=[self.pk])

    @property
    def has_team(self) -> bool:
        return self.kind != self.Kind.MEMBERS

    @property
    def channel_group(self) -> str:
        """The channel-layer group every open socket of this conversation listens on."""
        return f"conversations.{self.pk}"


class Participant(models.Model):
    """A person in a conversation. For team members (role TEAM) only their read marks."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        TEAM = "team", _("Answering for the team")

    class State(models.TextChoices):
        ACTIVE = "active", _("In the conversation")
        REQUESTED = "requested", _("Asked to join, not yet accepted")
        IGNORED = "ignored", _("Ignored the request")
        LEFT = "left", _("Left")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_places"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    last_read_sequence = models.PositiveBigIntegerField(default=0)
    # Up to which message this person has been emailed about (one email until they come back).
    emailed_sequence = models.PositiveBigIntegerField(default=0)
    # Set by the scan that enqueued this person's email, cleared by the task once it has sent
    # (or failed): a task that never ran leaves it to expire (CONVERSATIONS_EMAIL_CLAIM_FOR).
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="participant_once")
        ]
        indexes = [models.Index(fields=["user", "state"], name="participant_user_state_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id} ({self.state})"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sequence = models.PositiveBigIntegerField(help_text=_("Increasing id within the conversation."))
    revision = models.PositiveBigIntegerField(help_text=_("Revision of the last change."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    # Written while answering for the team: shown beside the writer's name ever after.
    from_team = models.BooleanField(default=False)
    client_msg_id = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the author last changed the words (CONVERSATIONS_EDIT_FOR after sending).
    edited_at = models.DateTimeField(null=True, blank=True)
    is_held = models.BooleanField(
        default=False, help_text=_("Waiting for a moderator; only its author sees it.")
    )
    is_hidden = models.BooleanField(
        default=False, help_text=_("Taken down by a moderator; kept for the record.")
    )
    hidden_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "sequence"], name="conversation_message_sequence"
            ),
            models.UniqueConstraint(
                fields=["conversation", "client_msg_id"], name="conversation_message_once"
            ),
        ]
        indexes = [
            models.Index(fields=["conversation", "revision"], name="conversation_message_rev_idx")
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} in conversation {self.conversation_id}"

    @property
    def is_visible(self) -> bool:
        return not (self.is_held or self.is_hidden)


class MessageRevision(models.Model):
    """What a message said before its author edited it: the moderators of a flagged or reported
    message read it; nobody else does."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"revision of message {self.message_id}"
