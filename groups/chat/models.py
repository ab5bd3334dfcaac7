"""A live chat room per support group and its messages. Mutes are moderation's group mute
(moderation.models.Sanction), the same whether set from the room or from the queue.

Every change to a room's messages (a new message, an edit, a removal, a release from the
moderation hold) takes the next number from the room's ``last_revision`` counter, under a row
lock on the room. A client that comes back after a dropped connection asks for everything past
the last message id (``sequence``) and the last revision it saw, so it misses nothing.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChatRoom(models.Model):
    group = models.OneToOneField(
        "groups.SupportGroup", on_delete=models.CASCADE, related_name="chat_room"
    )
    is_locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Only facilitators may write.")
    )
    is_ended = models.BooleanField(_("ended"), default=False, help_text=_("Nobody may write."))
    live_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Set while a facilitated live session is in progress."),
    )
    live_started_at = models.DateTimeField(null=True, blank=True)
    # Counters handed out under select_for_update on this row (see services._locked_room).
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_revision = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Chat room of {self.group}"

    def get_absolute_url(self) -> str:
        return reverse("chat:room", kwargs={"slug": self.group.slug})

    @property
    def group_name(self) -> str:
        """The channel-layer group every open socket of this room listens on."""
        return f"chat.room.{self.pk}"


class ChatMessage(models.Model):
    """One message (moderation reads and changes it through groups/chat/moderation.py)."""

    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="messages")
    sequence = models.PositiveBigIntegerField(help_text=_("Increasing id within the room."))
    revision = models.PositiveBigIntegerField(help_text=_("Room revision of the last change."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    client_msg_id = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_held = models.BooleanField(
        default=False, help_text=_("Waiting for a facilitator; only its author sees it.")
    )
    is_hidden = models.BooleanField(
        default=False, help_text=_("Removed from the room; kept for the moderation record.")
    )
    hidden_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["room", "sequence"], name="chat_message_sequence"),
            models.UniqueConstraint(fields=["room", "client_msg_id"], name="chat_message_once"),
        ]
        indexes = [models.Index(fields=["room", "revision"], name="chat_message_revision_idx")]

    def __str__(self) -> str:
        return f"#{self.sequence} in {self.room_id}"

    def get_absolute_url(self) -> str:
        return f"{self.room.get_absolute_url()}#message-{self.sequence}"

    @property
    def is_visible(self) -> bool:
        return not (self.is_held or self.is_hidden)
