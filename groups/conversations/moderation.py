"""How moderation sees a private message: everything conversations tells moderation is here.

Moderation reads a message through `MessageTarget` (its Moderatable shape) and hides or shows
it again through this app's services. What a moderator reads of the conversation is as little
as the job needs:
- a message flagged by the screens (crisis words, spam): that message and who wrote it, never
  the rest of the conversation;
- a reported message: it and the five before it, so the report can be understood. The item
  page names the reporter to the moderators only; nothing in the conversation, in what the
  author is told, or in their data export ever does.
The queue item belongs to the conversation's group (the group's facilitators and the site
moderators handle it); a conversation with the site moderators belongs to no group.
"""

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from moderation.models import Report
from moderation.registry import register_reportable

from . import services
from .models import Message
from .permissions import can_report_message

CONTEXT_BEFORE = 5


class MessageTarget:
    """A private message as moderation.interfaces.Moderatable."""

    # Never held for a new member's first posts: the facilitators would read it first.
    premoderated = False

    def __init__(self, message: Message):
        self.message = message
        self.pk = message.pk

    @property
    def author(self):
        return self.message.author

    def text_for_screening(self) -> str:
        return self.message.body

    def excerpt(self) -> str:
        body = self.message.body
        return body if len(body) <= 140 else body[:139] + "…"

    def moderation_group_id(self) -> int | None:
        return self.message.conversation.group_id

    def hide(self, *, reason: str) -> None:
        services.hide_message(message=self.message, reason=reason)

    def restore(self) -> None:
        services.restore_message(message=self.message)

    def get_absolute_url(self) -> str:
        """Moderators are not in the conversation: there is no place to send them to."""
        return ""

    def moderation_context(self) -> SafeString:
        message = self.message
        messages = [message]
        reported = Report.objects.filter(
            content_type=ContentType.objects.get_for_model(Message), object_id=message.pk
        ).exists()
        if reported:
            before = (
                Message.objects.filter(
                    conversation_id=message.conversation_id, sequence__lt=message.sequence
                )
                .select_related("author")
                .order_by("-sequence")[:CONTEXT_BEFORE]
            )
            messages = [*reversed(before), message]
        return render_to_string(
            "conversations/_moderation_context.html",
            {"messages": messages, "target": message, "reported": reported},
        )


register_reportable(Message, can_report=can_report_message, adapter=MessageTarget)
