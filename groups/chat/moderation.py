"""How moderation reads and changes chat messages (see moderation/adapters.py): through chat's
own services, which bump the room's revision and tell every open socket."""

from moderation.adapters import ShortMessageModeration, register
from supportgroups.models import User

from . import permissions, services
from .models import ChatMessage


@register
class ChatMessageModeration(ShortMessageModeration[ChatMessage]):
    """Hidden and shown again; never edited (a room's words are what was said)."""

    model = ChatMessage
    hideable = restorable = True

    def group_id(self) -> int | None:
        return self.obj.room.group_id

    def url(self) -> str:
        return self.obj.get_absolute_url()

    def can_report(self, user: User) -> bool:
        """Besides the one-click report in the room, moderation's report form (with a reason)
        accepts chat messages from anyone who can see them."""
        return permissions.can_report_message(user, self.obj)

    def hide(self, *, reason: str) -> None:
        """Taken out of the room for everyone, live."""
        services.hide_message(message=self.obj, reason=reason)

    def restore(self) -> None:
        services.restore_message(message=self.obj)
