"""How moderation reads and changes library entries (see moderation/adapters.py): a member's
suggestion waits in the facilitators' queue, and the queue's hide, remove and restore take an
entry out of the library or put it back, through resources' own services."""

from moderation.adapters import ModerationAdapter, register
from supportgroups.models import User

from . import services
from .models import Resource


@register
class ResourceModeration(ModerationAdapter[Resource]):
    """Site-wide (no group), so site moderators handle it; moderation's report form does not
    offer it (the default can_report)."""

    model = Resource
    # Taken down and brought back; its curators edit it in the library, not from the queue.
    hideable = restorable = True

    @property
    def author(self) -> User | None:
        return self.obj.suggested_by

    def text_for_screening(self) -> str:
        resource = self.obj
        parts = [resource.title, resource.summary, resource.body, resource.suggestion_note]
        return "\n".join(filter(None, parts))

    def excerpt(self) -> str:
        return f"{self.obj.title}: {self.obj.summary}"[:200]

    def url(self) -> str:
        return self.obj.get_absolute_url()

    def hide(self, *, reason: str) -> None:
        services.take_down(resource=self.obj, reason=reason)

    def restore(self) -> None:
        services.bring_back(resource=self.obj)
