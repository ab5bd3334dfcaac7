"""How moderation sees a private message (see moderation/adapters.py): everything conversations
tells moderation is here, and it changes messages only through this app's services.

What a moderator reads of the conversation is as little as the job needs:
- a message flagged by the screens (crisis words, spam): that message and who wrote it, never
  the rest of the conversation;
- a reported message: it and the five before it, so the report can be understood. The item
  page names the reporter to the moderators only; nothing in the conversation, in what the
  author is told, or in their data export ever does.
Each shown message's earlier words (before its author edited it) are shown beside it: what the
others may have read first. The queue item belongs to the conversation's group (the group's
facilitators and the site moderators handle it); a conversation with the site moderators
belongs to no group. Messages are never held for pre-moderation: the group's facilitators would
read private words first.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from moderation.adapters import ShortMessageModeration, register
from moderation.models import Report
from supportgroups.models import User

from . import permissions, services
from .models import Message, MessageRevision

CONTEXT_BEFORE = 5


@register
class MessageModeration(ShortMessageModeration[Message]):
    """Hidden and shown again; never edited (the other people read what was sent)."""

    model = Message
    premoderated = False
    hideable = restorable = True

    def group_id(self) -> int | None:
        return self.obj.conversation.group_id

    def can_report(self, user: User) -> bool:
        return permissions.can_report_message(user, self.obj)

    def context(self) -> SafeString:
        message = self.obj
        reported = Report.objects.filter(
            content_type=ContentType.objects.get_for_model(Message), object_id=message.pk
        ).exists()
        shown = Message.objects.filter(
            conversation_id=message.conversation_id, sequence__lte=message.sequence
        )
        if not reported:
            shown = shown.filter(pk=message.pk)
        history = Prefetch("revisions", queryset=MessageRevision.objects.order_by("created_at"))
        messages = list(
            reversed(
                shown.select_related("author")
                .prefetch_related(history)
                .order_by("-sequence")[: CONTEXT_BEFORE + 1]
            )
        )
        return render_to_string(
            "conversations/_moderation_context.html",
            {"messages": messages, "target": message, "reported": reported},
        )

    def hide(self, *, reason: str) -> None:
        """Taken down for everyone in the conversation, live."""
        services.hide_message(message=self.obj, reason=reason)

    def restore(self) -> None:
        services.restore_message(message=self.obj)
